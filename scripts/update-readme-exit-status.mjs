#!/usr/bin/env node
// Rewrite the table under "## Exit status" in README.md from src/cli/exit-codes.ts
// (EXIT_CODES and ERROR_DESCRIPTIONS). Run after `npm run build`; test/cli/readme.test.ts
// fails while the README and the table disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { exitStatusMarkdown } = await import(new URL('../dist/src/cli/exit-codes.js', import.meta.url).href);
const path = `${root}README.md`;
const text = readFileSync(path, 'utf8');
const section = /(## Exit status\n\n)([\s\S]*?)(\n## |\n*$)/;
if (!section.test(text)) {
  console.error('README.md has no "## Exit status" section');
  process.exit(65);
}
const intro = 'Every failure prints `dfu-flash: error: <facts>` and `  hint: <how to fix it>` on stderr (and, with `--json`, a final\n`{"type":"result","ok":false,...}` line on stdout). The exit status depends on the error code only:\n\n';
writeFileSync(path, text.replace(section, (_m, head, _body, tail) => `${head}${intro}${exitStatusMarkdown()}${tail}`));
console.log('README.md: exit-status table updated');
