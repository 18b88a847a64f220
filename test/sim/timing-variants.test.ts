import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { F4_BLOCK_MS, F4_BLOCK_WORST_MS, F4_MASS_ERASE } from '../../src/sim/profiles/stm32f4-sysboot.js';
import { shortPoll } from '../../src/sim/timing-variants.js';
import { createSimDevice, SIM_PROFILES } from '../../src/sim/index.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { clearF4, command, dfu, dfuse, inn, pattern, rig } from './helpers.js';

/** bwPollTimeout and busy time of one 2048-byte block on the F4 ROM with `timing`. */
async function f4Block(timing?: 'typical' | 'worst-case' | 'short-poll') {
  const r = await rig('stm32f4-sysboot', timing === undefined ? {} : { timing });
  await clearF4(r);
  await command(r, dfuse.setAddress(0x08000000));
  await dfu.dnload(r.t, 2, pattern(2048));
  const t0 = r.clock.now();
  const s = await dfu.getStatus(r.t);
  return { pollMs: s.pollMs, busyMs: r.device.busyUntil - t0, r };
}

describe('timing sets of the simulated devices', () => {
  test('typical is the default; worst-case keeps the slow F469 block time; short-poll divides by 100', async () => {
    assert.deepEqual(await f4Block().then((b) => [b.pollMs, b.busyMs]), [F4_BLOCK_MS, F4_BLOCK_MS]);
    assert.deepEqual(await f4Block('typical').then((b) => [b.pollMs, b.busyMs]), [20, 20]);
    assert.deepEqual(await f4Block('worst-case').then((b) => [b.pollMs, b.busyMs]), [F4_BLOCK_WORST_MS, 104]);
    const short = await f4Block('short-poll');
    assert.deepEqual([short.pollMs, short.busyMs], [0, 0.2]);
  });

  test('short-poll: every busy period at most 5 ms, reported as whole milliseconds', () => {
    assert.deepEqual(shortPoll({ reportedMs: 1, actualMs: 1 }), { reportedMs: 0, actualMs: 0.01 });
    assert.deepEqual(shortPoll({ reportedMs: 250, actualMs: 250 }), { reportedMs: 3, actualMs: 2.5 });
    assert.deepEqual(shortPoll({ reportedMs: 1000, actualMs: 1000 }), { reportedMs: 5, actualMs: 5 });
    assert.deepEqual(shortPoll({ reportedMs: 100, actualMs: 8550 }), { reportedMs: 1, actualMs: 5 });
  });

  test('short-poll F4 erases report 3 and 5 ms; worst-case profiles without a slow set behave as typical', async () => {
    const r = await rig('stm32f4-sysboot', { timing: 'short-poll' });
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.erase(0x08000000));
    assert.equal((await dfu.getStatus(r.t)).pollMs, 3);
    const c5 = await rig('stm32c5-sysboot', { timing: 'worst-case' });
    await dfu.dnload(c5.t, 0, dfuse.erase(0x08000000));
    assert.equal((await dfu.getStatus(c5.t)).pollMs, 50);
  });

  test('the F4 mass erase reports 100 ms and NAKs EP0 for its typical 8.55 s', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.massErase());
    const t0 = r.clock.now();
    assert.equal((await dfu.getStatus(r.t)).pollMs, 100);
    assert.equal(r.device.busyUntil - t0, F4_MASS_ERASE.actualMs);
    await r.clock.sleep(100);
    // a host that believes the 100 ms sees its GETSTATUS time out (5 s per transfer)
    await assert.rejects(dfu.getStatus(r.t), (e: unknown) => isDfuFlashError(e, 'TIMEOUT'));
  });

  test('every profile can be created with every timing set, and an unknown one is a USAGE error', () => {
    for (const p of SIM_PROFILES) for (const timing of ['typical', 'worst-case', 'short-poll'] as const) createSimDevice(p.name, { timing });
    assert.throws(() => createSimDevice('dapboot', { timing: 'fast' as never }), (e: unknown) => isDfuFlashError(e, 'USAGE'));
  });
});

describe('early polls are caught to a fraction of a millisecond', () => {
  test('a GETSTATUS 0.25 ms before bwPollTimeout has passed is early; one at the deadline is not', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await dfu.dnload(r.t, 2, pattern(2048));
    await dfu.getStatus(r.t); // dfuDNBUSY, 20 ms
    await r.clock.sleep(F4_BLOCK_MS - 0.25);
    await dfu.getStatus(r.t);
    assert.equal(r.device.transcript.at(-1)!.early, true);
    assert.equal(r.device.earlyPolls, 1);
    await dfu.dnload(r.t, 3, pattern(2048));
    await dfu.getStatus(r.t);
    await r.clock.sleep(F4_BLOCK_MS);
    await dfu.getStatus(r.t);
    assert.equal(r.device.transcript.at(-1)!.early, undefined);
    assert.equal(r.device.earlyPolls, 1);
  });

  test("with the host's own times (a harness), the wait counts from when the host saw the reply", async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await dfu.dnload(r.t, 2, pattern(2048));
    const status = inn(3, 0, 6);
    await r.device.control(status); // dfuDNBUSY, 20 ms, answered at `answered`
    const answered = r.device.transcript.at(-1)!.doneAt;
    // the host got the reply 0.4 ms later, and sent its next GETSTATUS 19.8 ms after that: 0.2 ms early
    await r.clock.sleep(20.3);
    await r.device.control(status, undefined, { submittedAt: answered + 0.4 + 19.8, previousCompletedAt: answered + 0.4 });
    const [reply, next] = r.device.transcript.slice(-2);
    assert.equal(reply!.doneAt, answered + 0.4);
    assert.equal(next!.t, answered + 20.2);
    assert.equal(next!.early, true);
    // had the host waited the full 20 ms from its own completion, the poll would not be early
    await dfu.dnload(r.t, 3, pattern(2048));
    await r.device.control(status);
    const again = r.device.transcript.at(-1)!.doneAt;
    await r.clock.sleep(21);
    await r.device.control(status, undefined, { submittedAt: again + 0.4 + 20, previousCompletedAt: again + 0.4 });
    assert.equal(r.device.transcript.at(-1)!.early, undefined);
    assert.equal(r.device.earlyPolls, 1);
  });
});
