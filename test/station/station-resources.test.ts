/**
 * 200 boards in a row through one station on the simulated backend
 * (scripts/many-boards.ts, in a process of its own): handles, the station's
 * books, the bus's maps and the backend's watchers after the 200th equal those
 * after the 10th, and memory stays flat. The process runs with V8's young
 * generation and glibc's allocator pinned (--max-semi-space-size=1, malloc
 * returning freed blocks), so that RSS shows what the program keeps, not how
 * big V8 and malloc chose to grow their pools (each simulated F4 allocates and
 * frees 1 MiB of flash). Figures are reported as diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'scripts/many-boards.js');
const BOARDS = 200;
const MB = 1048576;

interface Snap {
  finished: number;
  rssBytes: number;
  heapUsedBytes: number;
  handles: Record<string, number>;
  station: unknown;
  remembered: number;
  bus: unknown;
  watchers: number;
}

test(`${BOARDS} boards in a row: handles and books after the last equal those after the 10th; heap and RSS within a few MB`, (t) => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', SCRIPT, '--boards', String(BOARDS)], {
    encoding: 'utf8',
    env: { ...process.env, MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '65536' },
    timeout: 300_000, // a hang guard only
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { failed: number; summary: { boards: number; ok: number }; before: Snap; after10: Snap; after: Snap };
  const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`;
  for (const [name, s] of [['before', out.before], ['after 10', out.after10], [`after ${BOARDS}`, out.after]] as const) {
    t.diagnostic(`${name}: rss ${mb(s.rssBytes)}, heap ${mb(s.heapUsedBytes)}, handles ${JSON.stringify(s.handles)}, station ${JSON.stringify(s.station)}, remembered ${s.remembered}`);
  }
  assert.equal(out.failed, 0, 'every board flashed and verified');
  assert.deepEqual([out.summary.boards, out.summary.ok], [BOARDS, BOARDS]);
  const books = (s: Snap) => ({ handles: s.handles, station: s.station, bus: s.bus, watchers: s.watchers });
  assert.deepEqual(books(out.after), books(out.after10));
  assert.deepEqual(out.after.station, { ports: 0, queued: 0, running: 0 });
  // what is kept per board, by design: its port + serial (to refuse it a second time), up to rememberBoards (10000)
  assert.deepEqual([out.after10.remembered, out.after.remembered], [10, BOARDS]);
  assert.ok(out.after.heapUsedBytes - out.after10.heapUsedBytes < 4 * MB, `heap ${mb(out.after10.heapUsedBytes)} → ${mb(out.after.heapUsedBytes)}`);
  assert.ok(out.after.rssBytes - out.after10.rssBytes < 16 * MB, `rss ${mb(out.after10.rssBytes)} → ${mb(out.after.rssBytes)}`);
});
