/**
 * The runner's "# skipped" total counts every skipped suite (describeOrSkip),
 * checked by running small test files through `node --test` in a child
 * process; and no suite in test/ is skipped the uncounted way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELPER = new URL('../support/describe-or-skip.js', import.meta.url).href;
const TEST_SOURCES = fileURLToPath(new URL('../../../test', import.meta.url));

/** Run one test file's text through `node --test`: its "# SKIP" lines and the summary's "# skipped". */
function skipCounts(source: string): { skipLines: string[]; skipped: number; pass: number; fail: number } {
  const dir = mkdtempSync(join(tmpdir(), 'describe-or-skip-'));
  try {
    const file = join(dir, 'fixture.test.mjs');
    writeFileSync(file, source);
    // without the parent runner's NODE_TEST_CONTEXT, which would make the child report to it instead of printing TAP
    const env = { ...process.env };
    delete env['NODE_TEST_CONTEXT'];
    const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', timeout: 60_000, env });
    const total = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? NaN);
    return {
      skipLines: r.stdout
        .split('\n')
        .filter((l) => /^\s*ok \d+ - .* # SKIP\b/.test(l))
        .map((l) => l.trim().replace(/^ok \d+ - /, '')),
      skipped: total('skipped'),
      pass: total('pass'),
      fail: total('fail'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a plain describe({ skip }) is not counted as skipped: the summary undercounts (why describeOrSkip exists)', () => {
  const counts = skipCounts(`
    import { describe, test } from 'node:test';
    describe('needs a tool', { skip: 'the tool is not installed' }, () => { test('inner', () => {}); });
    test('runs', () => {});
  `);
  assert.deepEqual(counts, { skipLines: ['needs a tool # SKIP the tool is not installed'], skipped: 0, pass: 1, fail: 0 });
});

test('describeOrSkip: every skipped suite counts once in "# skipped", with its reason; a suite that runs is not touched', () => {
  const counts = skipCounts(`
    import { test } from 'node:test';
    import { describeOrSkip } from ${JSON.stringify(HELPER)};
    describeOrSkip('needs umockdev', 'umockdev is not installed', () => { test('inner 1', () => {}); test('inner 2', () => {}); });
    describeOrSkip('needs dfu-util', 'dfu-util is not installed', () => { test('inner', () => { throw new Error('ran'); }); });
    describeOrSkip('runs here', false, () => { test('a', () => {}); test('b', { skip: 'a test skipped on its own' }, () => {}); });
  `);
  assert.deepEqual(counts, {
    skipLines: ['needs umockdev # SKIP umockdev is not installed', 'needs dfu-util # SKIP dfu-util is not installed', 'b # SKIP a test skipped on its own'],
    skipped: 3,
    pass: 1,
    fail: 0,
  });
});

test('no suite under test/ is skipped with describe(name, { skip }) (uncounted): they use describeOrSkip', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const self = join(TEST_SOURCES, 'unit/describe-or-skip.test.ts'); // its fixtures skip the uncounted way on purpose
  const offenders = files(TEST_SOURCES).filter((p) => p !== self && /^\s*describe\([^\n]*,\s*(\{\s*skip\b|skipUnlessReal\b)/m.test(readFileSync(p, 'utf8')));
  assert.deepEqual(offenders.map((p) => relative(TEST_SOURCES, p)), []);
});
