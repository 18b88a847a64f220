/**
 * The README's exit-status table is generated from EXIT_CODES and
 * ERROR_DESCRIPTIONS (scripts/update-readme-exit-status.mjs): it must match
 * them row for row, and every status must also be in the --help text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_DESCRIPTIONS, EXIT_CHECKS_FAILED, EXIT_CODES, exitStatusMarkdown } from '../../src/cli/exit-codes.js';
import { run } from '../../src/cli/main.js';
import type { ErrorCode } from '../../src/shared/errors.js';
import { memoryIo } from './helpers.js';
import { ROOT } from './tmp-dir.js';

const FIX = 'run "npm run build && node scripts/update-readme-exit-status.mjs"';

async function exitSection(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const m = /\n## Exit status\n([\s\S]*?)(\n## |$)/.exec(readme);
  assert.ok(m, 'README.md has an "## Exit status" section');
  return m[1]!;
}

test('README exit-status table is the generated one', async () => {
  assert.ok((await exitSection()).includes('\n' + exitStatusMarkdown()), `README.md is out of date: ${FIX}`);
});

test('one row per error code, with its status and meaning', async () => {
  const rows = (await exitSection())
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const byCode = new Map(rows.filter((r) => r[1] !== '').map((r) => [r[1]!.replace(/`/g, ''), r]));
  for (const code of Object.keys(EXIT_CODES) as ErrorCode[]) {
    const row = byCode.get(code);
    assert.ok(row, `README has no row for ${code}: ${FIX}`);
    assert.equal(Number(row[0]), EXIT_CODES[code], code);
    assert.equal(row[2], ERROR_DESCRIPTIONS[code], code);
    assert.ok(ERROR_DESCRIPTIONS[code].length > 10, `${code} has a real description`);
  }
  assert.equal(byCode.size, Object.keys(EXIT_CODES).length, 'no rows for codes that do not exist');
  assert.deepEqual(rows.filter((r) => r[1] === '').map((r) => Number(r[0])), [0, EXIT_CHECKS_FAILED]);
});

test('--help lists every exit status', async () => {
  const io = memoryIo();
  assert.equal(await run(['--help'], io), 0);
  const help = io.out().slice(io.out().indexOf('Exit status:'));
  for (const status of new Set([0, EXIT_CHECKS_FAILED, ...Object.values(EXIT_CODES)])) {
    assert.match(help, new RegExp(`\\b${status}\\b`), `--help does not mention exit status ${status}`);
  }
});
