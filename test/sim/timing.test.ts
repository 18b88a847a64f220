import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuState } from '../../src/dfu/constants.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { clearF4, command, dfu, dfuse, pattern, rig } from './helpers.js';

describe('busy periods are reported and enforced', () => {
  test('F4: a 2048-byte block reports 20 ms (typical timing) and the device is busy that long', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await dfu.dnload(r.t, 2, pattern(2048));
    const t0 = r.clock.now();
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, 20]);
    assert.equal(r.device.busyUntil, t0 + 20);
    await r.clock.sleep(20);
    const done = await dfu.getStatus(r.t);
    assert.deepEqual([done.bState, done.pollMs], [DfuState.dfuDNLOAD_IDLE, 0]);
    const last = r.device.transcript.at(-1)!;
    assert.equal(last.early, undefined);
    assert.equal(last.doneAt, last.t);
    assert.equal(r.device.earlyPolls, 0);
  });

  test('an early GETSTATUS is flagged and completes only when the busy period ends', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await dfu.dnload(r.t, 2, pattern(2048));
    const t0 = r.clock.now();
    await dfu.getStatus(r.t);
    await r.clock.sleep(6);
    const s = await dfu.getStatus(r.t); // 14 ms too early
    assert.equal(s.bState, DfuState.dfuDNLOAD_IDLE);
    assert.equal(r.clock.now(), t0 + 20);
    const last = r.device.transcript.at(-1)!;
    assert.deepEqual([last.request, last.t, last.doneAt, last.early], ['DFU_GETSTATUS', t0 + 6, t0 + 20, true]);
    assert.equal(r.device.earlyPolls, 1);
  });

  test('the NAK wait uses the clock: one sleep of exactly the remaining busy time, no busy loop', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.erase(0x08020000));
    await dfu.getStatus(r.t);
    const sleepsBefore = r.clock.sleeps.length;
    await dfu.getState(r.t);
    assert.deepEqual(r.clock.sleeps.slice(sleepsBefore), [1000]);
  });

  const erase = [
    { address: 0x08000000, ms: 250, what: '16 KiB' },
    { address: 0x08010000, ms: 550, what: '64 KiB' },
    { address: 0x08020000, ms: 1000, what: '128 KiB' },
  ];
  for (const e of erase) {
    test(`F4 erase of a ${e.what} sector reports and takes ${e.ms} ms`, async () => {
      const r = await rig('stm32f4-sysboot');
      await clearF4(r);
      await dfu.dnload(r.t, 0, dfuse.erase(e.address));
      const t0 = r.clock.now();
      const s = await dfu.getStatus(r.t);
      assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, e.ms]);
      assert.equal(r.device.busyUntil, t0 + e.ms);
    });
  }

  const scales = [
    { timeScale: 1, poll: 20, busy: 20 },
    { timeScale: 0.5, poll: 10, busy: 10 },
    { timeScale: 0.01, poll: 1, busy: 0.2 },
  ];
  for (const sc of scales) {
    test(`timeScale ${sc.timeScale}: block reports ${sc.poll} ms, busy ${sc.busy} ms`, async () => {
      const r = await rig('stm32f4-sysboot', { timeScale: sc.timeScale });
      await clearF4(r);
      await command(r, dfuse.setAddress(0x08000000));
      await dfu.dnload(r.t, 2, pattern(2048));
      const t0 = r.clock.now();
      const s = await dfu.getStatus(r.t);
      assert.equal(s.pollMs, sc.poll);
      assert.ok(Math.abs(r.device.busyUntil - (t0 + sc.busy)) < 1e-9);
    });
  }

  test('timeScale 0: data blocks go straight to dfuDNLOAD-IDLE, commands still report dfuDNBUSY', async () => {
    const r = await rig('stm32f4-sysboot', { timeScale: 0 });
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.setAddress(0x08000000));
    const c = await dfu.getStatus(r.t);
    assert.deepEqual([c.bState, c.pollMs], [DfuState.dfuDNBUSY, 0]);
    assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuDNLOAD_IDLE);
    await dfu.dnload(r.t, 2, pattern(2048));
    const d = await dfu.getStatus(r.t);
    assert.deepEqual([d.bState, d.pollMs], [DfuState.dfuDNLOAD_IDLE, 0]);
    assert.equal(r.clock.now(), 0);
  });

  test('a whole 64 KiB write on the F4 takes 32 × 20 ms of virtual time (plus erases)', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    for (const a of [0x08000000, 0x08004000, 0x08008000, 0x0800c000]) await command(r, dfuse.erase(a));
    await command(r, dfuse.setAddress(0x08000000));
    const t0 = r.clock.now();
    for (let b = 0; b < 32; b++) {
      await dfu.dnload(r.t, 2 + b, pattern(2048, b));
      for (;;) {
        const s = await dfu.getStatus(r.t);
        if (s.bState !== DfuState.dfuDNBUSY) break;
        await r.clock.sleep(s.pollMs);
      }
    }
    assert.equal(r.clock.now() - t0, 32 * 20);
    assert.equal(t0, 4 * 250 + 1);
    assert.equal(r.device.earlyPolls, 0);
  });
});

describe('transport deadline against a busy device', () => {
  test('a request that would complete after timeoutMs fails with TIMEOUT at the deadline', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.erase(0x08020000));
    await dfu.getStatus(r.t); // busy for 1000 ms
    const t0 = r.clock.now();
    await assert.rejects(
      r.t.controlIn({ bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 }, { timeoutMs: 300 }),
      (e: unknown) => isDfuFlashError(e, 'TIMEOUT') && /DFU_GETSTATUS .* did not complete within 300 ms/.test(e.message),
    );
    assert.equal(r.clock.now(), t0 + 300);
    // the device still got the request and answered it when it was done
    await r.clock.sleep(700);
    const last = r.device.transcript.at(-1)!;
    assert.deepEqual([last.request, last.t, last.doneAt, last.early], ['DFU_GETSTATUS', t0, t0 + 1000, true]);
  });
});
