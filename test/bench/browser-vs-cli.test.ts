import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserRow, dfuSpan, spanBreakdown, type BrowserPair } from '../../bench/figures/browser-vs-cli.js';

describe('browser vs CLI (pure parts)', () => {
  test('the flash spans the first DFU request to the last completion; descriptors and SET_INTERFACE outside', () => {
    const e = (request: string, t: number, doneAt: number) => ({ request, t, doneAt });
    assert.deepEqual(dfuSpan([e('GET_DESCRIPTOR', 0, 1), e('SET_INTERFACE', 2, 3), e('DFU_GETSTATUS', 10, 12), e('DFU_DNLOAD', 13, 15), e('DFU_GETSTATUS', 40, 41.5), e('GET_DESCRIPTOR', 50, 51)]), {
      ms: 31.5,
      requests: 3,
    });
    assert.deepEqual(dfuSpan([e('GET_DESCRIPTOR', 0, 1)]), { ms: NaN, requests: 0 });
  });

  test('where the time went: transfers, the asked waits, lateness after them, turnarounds elsewhere', () => {
    const reply = (bwPollTimeout: number) => ({ bStatus: 0, bwPollTimeout, bState: 4 });
    const b = spanBreakdown([
      { request: 'GET_DESCRIPTOR', t: 0, doneAt: 1 },
      { request: 'DFU_DNLOAD', t: 10, doneAt: 11 },
      { request: 'DFU_GETSTATUS', t: 12, doneAt: 13, reply: reply(20) },
      { request: 'DFU_GETSTATUS', t: 35, doneAt: 36, reply: reply(0) },
      { request: 'DFU_DNLOAD', t: 36.5, doneAt: 37.5 },
    ]);
    assert.deepEqual(b, { transfersMs: 4, askedWaitsMs: 20, pollLateMs: 2, pollLateMedianMs: 2, turnaroundMs: 1.5, turnaroundMedianMs: 0.75 });
  });

  test('the median ratio against 1.15, every pair in the notes', () => {
    const pair = (cli: number, browser: number): BrowserPair => ({
      cli: { flashMs: cli, wallMs: cli + 400, requests: 230 },
      browser: { flashMs: browser, wallMs: browser + 30, requests: 230 },
      ratio: browser / cli,
    });
    const met = browserRow([pair(7000, 7700), pair(7000, 9000), pair(7000, 7350)]);
    assert.equal(met.met, true);
    assert.equal(met.dfuFlash, '1.100× (7.70 s / 7.00 s)');
    assert.equal(met.notes!.filter((n) => n.startsWith('pair ')).length, 3);
    const not = browserRow([pair(7000, 8400)]);
    assert.equal(not.met, false);
    assert.match(not.limits![0]!, /1\.40 s more/);
  });
});
