/** The page's progress model (src/web/page/progress.ts) over the library's events, and the page's units. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlashEvent } from '../../../src/dfu/events.js';
import { applyEvent, EMPTY_PROGRESS, rowRate, stopOpenRows, type ProgressModel } from '../../../src/web/page/progress.js';
import { formatBytes, formatRate, formatSeconds, hexAddress, parseAddress } from '../../../src/web/page/units.js';

function run(events: [number, FlashEvent, number?][]): ProgressModel {
  return events.reduce((m, [t, e, part]) => applyEvent(m, e, t, part), EMPTY_PROGRESS);
}

test('one row per phase in start order, bytes cumulative, totals from the events, done with the phase time', () => {
  const m = run([
    [0, { type: 'phase-start', phase: 'erase', totalBytes: 131072 }],
    [100, { type: 'phase-progress', phase: 'erase', bytes: 65536, totalBytes: 131072 }],
    [200, { type: 'phase-end', phase: 'erase', bytes: 131072, elapsedMs: 200 }],
    [200, { type: 'phase-start', phase: 'download', totalBytes: 102400 }],
    [700, { type: 'phase-progress', phase: 'download', bytes: 51200, totalBytes: 102400 }],
    [700, { type: 'warning', message: 'slow device', hint: 'wait' }],
    [700, { type: 'debug', message: 'ignored' }],
  ]);
  assert.deepEqual(
    m.rows.map((r) => [r.phase, r.label, r.bytes, r.totalBytes, r.done, r.elapsedMs]),
    [
      ['erase', 'Erase', 131072, 131072, true, 200],
      ['download', 'Write', 51200, 102400, false, undefined],
    ],
  );
  assert.deepEqual(m.warnings, ['slow device (wait)']);
  // running: bytes so far over the time since the phase started; done: over the phase's own time
  assert.equal(rowRate(m.rows[1]!, 700), 51200 * 2);
  assert.equal(rowRate(m.rows[0]!, 5000), 131072 * 5);
});

test("a phase that runs again (a plan's second file) gets its own row; events of another part do not touch it", () => {
  const m = run([
    [0, { type: 'phase-start', phase: 'download', totalBytes: 10 }, 0],
    [1, { type: 'phase-end', phase: 'download', bytes: 10, elapsedMs: 1 }, 0],
    [2, { type: 'phase-start', phase: 'download', totalBytes: 20 }, 1],
    [3, { type: 'phase-progress', phase: 'download', bytes: 5, totalBytes: 20 }, 0],
    [4, { type: 'phase-progress', phase: 'download', bytes: 15, totalBytes: 20 }, 1],
  ]);
  assert.deepEqual(
    m.rows.map((r) => [r.part, r.bytes, r.done]),
    [
      [0, 10, true],
      [1, 15, false],
    ],
  );
});

test('phases without bytes (detach, wait, leave) have no rate; a progress event for a phase never started changes nothing', () => {
  const m = run([[0, { type: 'phase-start', phase: 'wait', totalBytes: 0 }], [300, { type: 'phase-end', phase: 'wait', bytes: 0, elapsedMs: 300 }]]);
  assert.equal(rowRate(m.rows[0]!, 300), undefined);
  assert.equal(applyEvent(m, { type: 'phase-progress', phase: 'verify', bytes: 1, totalBytes: 2 }, 400), m);
});

test('units: sizes exact where they are, rates, seconds, addresses typed in hex or decimal', () => {
  assert.deepEqual([formatBytes(512), formatBytes(16384), formatBytes(20000), formatBytes(1 << 20), formatBytes(1_500_000)], ['512 B', '16 KiB', '19.5 KiB', '1 MiB', '1.43 MiB']);
  assert.equal(formatRate(150_000), '146.5 KiB/s');
  assert.deepEqual([formatSeconds(1234), formatSeconds(65_000)], ['1.2 s', '65 s']);
  assert.equal(hexAddress(0x08000000), '0x08000000');
  assert.deepEqual(
    ['0x08000000', ' 0X0800_4000 ', '134217728', '', '0x', '08000000h', '-1', '0x100000000'].map(parseAddress),
    [0x08000000, 0x08004000, 134217728, undefined, undefined, undefined, undefined, undefined],
  );
});

test('an operation that stops (an error, NEEDS_PERMISSION): the rows still running end there, marked stopped; finished ones stay', () => {
  const m = run([
    [0, { type: 'phase-start', phase: 'detach', totalBytes: 0 }],
    [10, { type: 'phase-end', phase: 'detach', bytes: 0, elapsedMs: 10 }],
    [10, { type: 'phase-start', phase: 'wait', totalBytes: 0 }],
  ]);
  const stopped = stopOpenRows(m, 3010);
  assert.deepEqual(
    stopped.rows.map((r) => [r.phase, r.done, r.stopped, r.elapsedMs]),
    [
      ['detach', true, undefined, 10],
      ['wait', true, true, 3000],
    ],
  );
  assert.equal(stopOpenRows(stopped, 5000), stopped, 'nothing left running: the same model');
});
