/**
 * The messages and hints written in the library (everything below src/cli),
 * read from the sources: one style (test/support/message-style.ts), and no
 * hint that names a CLI flag or command — those words belong to
 * src/cli/hints.ts. A text with holes (`${address}`) is checked on what is
 * written around them; the runtime tables (error-sites.test.ts, the formats
 * tests, the fault matrix) check whole texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SourceTexts, sourceFiles, shapeText, type Shape, type TextSite } from '../support/error-strings.js';
import { cliWords, styleProblems } from '../support/message-style.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
const LIBRARY = sourceFiles(SRC).filter((p) => !p.startsWith(join(SRC, 'cli')));
const texts = new SourceTexts(SRC);
const SITES: TextSite[] = LIBRARY.flatMap((p) => texts.sites(p));

/** The text with each hole as a distinct lower-case word, so the rules see only what is written. */
function withHoles(shape: Shape): string {
  let n = 0;
  return shape.map((p) => (p === null ? `v${++n}` : p)).join('');
}

function problems(site: TextSite): string[] {
  const out: string[] = [];
  for (const shape of site.shapes) {
    const text = withHoles(shape);
    if (site.kind === 'hint' && text === '') continue; // no hint
    const at = `${site.file}:${site.line}`;
    for (const p of styleProblems(text, site.kind)) out.push(`${at}: ${p}`);
    if (site.kind === 'hint') {
      const words = shape.filter((p): p is string => p !== null).flatMap(cliWords);
      if (words.length > 0) out.push(`${at}: the hint names CLI words (${words.join(', ')}): ${shapeText(shape)}`);
    }
  }
  return [...new Set(out)];
}

test('the scan finds the library\'s messages and hints', () => {
  // a floor, so a scanner that stops finding sites fails rather than passes
  assert.ok(SITES.filter((s) => s.kind === 'message').length >= 150, `messages found: ${SITES.filter((s) => s.kind === 'message').length}`);
  assert.ok(SITES.filter((s) => s.kind === 'hint').length >= 150, `hints found: ${SITES.filter((s) => s.kind === 'hint').length}`);
});

test('every message and hint below src/cli is in the one style, and no hint names a CLI flag or command', () => {
  assert.deepEqual(SITES.flatMap(problems), []);
});
