import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCounts, excessOver, explainExcess, hostTiming } from '../../bench/analysis.js';
import { STATE, TranscriptBuilder } from './transcript-builder.js';

function session(): TranscriptBuilder {
  const b = new TranscriptBuilder(0.5); // every transfer takes 0.5 ms at the device
  b.setInterface(0).status(STATE.dfuIDLE, 0, 2);
  b.block(0, 1024, 3);
  b.status(STATE.dfuDNBUSY, 100, 2);
  b.status(STATE.dfuDNLOAD_IDLE, 0, 104); // 4 ms after the reported 100 ms
  b.block(0, 0, 2).status(STATE.dfuMANIFEST, 0, 1);
  return b;
}

describe('hostTiming', () => {
  test('poll lateness, turnaround and the session, from exact times', () => {
    const b = session();
    const h = hostTiming(b.entries, { wallMs: 1000 });
    assert.deepEqual(h.pollLateMs, [4]);
    // after the manifest reply (a waiting state) nothing follows: no lateness recorded
    assert.deepEqual(h.turnaroundMs, [2, 3, 2, 2, 1]);
    assert.equal(h.sessionMs, b.entries.at(-1)!.doneAt - b.entries[0]!.t);
    assert.equal(h.outsideMs, 1000 - h.sessionMs);
    assert.equal(h.beforeMs, undefined);
    assert.equal(h.earlyPolls, 0);
  });

  test('with the device clock origin and the process span: time before the first and after the last transfer', () => {
    const b = session();
    for (const e of b.entries) e.origin = 1_000_000;
    const first = 1_000_000 + b.entries[0]!.t;
    const last = 1_000_000 + b.entries.at(-1)!.doneAt;
    const h = hostTiming(b.entries, { wallMs: last + 20 - (first - 300), startEpochMs: first - 300, endEpochMs: last + 20 });
    assert.ok(Math.abs(h.beforeMs! - 300) < 1e-6);
    assert.ok(Math.abs(h.afterMs! - 20) < 1e-6);
  });
});

describe('explainExcess', () => {
  test('names the excess, the time outside the session, the late polls and the extra transfers', () => {
    const b = session();
    const h = hostTiming(b.entries, { wallMs: 2000 });
    const lines = explainExcess(2000, { minimumMs: 1500, transfers: 8, transferMs: 8 }, h, 1, { GET_DESCRIPTOR: 7, DFU_ABORT: 1 });
    assert.equal(lines[0], '0.50 s over the minimum of 1.50 s (wall 2.00 s)');
    assert.match(lines[1]!, /^outside the device session: 1\.88 s \(process start-up/);
    assert.equal(
      lines[2],
      'polls after bwPollTimeout: +4.00 ms median after the reported time (one transfer costs 1.00 ms): 0.00 s beyond that over 1 waits (0.00 s at the median, 0.00 s in slower outliers)',
    );
    assert.ok(lines.includes('transfers beyond the minimal protocol: GET_DESCRIPTOR ×7, DFU_ABORT ×1 ≈ 0.01 s'));
    assert.equal(lines.at(-1), 'emulation cost 1.00 ms per transfer × 8 transfers = 0.01 s counted in the minimum');
  });

  test('excessOver splits the excess into what the median gap accounts for and the outliers', () => {
    // gaps 2, 2, 2, 10 over a cost of 1: beyond = 1+1+1+9 = 12; at the median (2): 4 × 1 = 4
    assert.deepEqual(excessOver([2, 2, 2, 10], 1), { beyond: 12, atMedian: 4 });
    assert.deepEqual(excessOver([0.5, 0.5], 1), { beyond: 0, atMedian: 0 });
  });

  test('describeCounts', () => {
    assert.equal(describeCounts({}), 'none');
    assert.equal(describeCounts({ A: 0, B: 2 }), 'B ×2');
  });
});
