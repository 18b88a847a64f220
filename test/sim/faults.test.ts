import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuState, DfuStatus } from '../../src/dfu/constants.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { clearF4, command, dfu, dfuse, pattern, pollDone, rig } from './helpers.js';

describe('fault injection', () => {
  test("'stall' on the 2nd DNLOAD: STALL error, dfuERROR/errSTALLEDPKT; the 1st and 3rd go through", async () => {
    const r = await rig('dapboot');
    r.device.faults.add({ request: 'DFU_DNLOAD', nth: 2, action: 'stall' });
    await dfu.dnload(r.t, 0, pattern(1024));
    await pollDone(r);
    await assert.rejects(dfu.dnload(r.t, 1, pattern(1024)), (e: unknown) => isDfuFlashError(e, 'STALL'));
    assert.deepEqual([r.device.stateName, r.device.statusName], ['dfuERROR', 'errSTALLEDPKT']);
    await dfu.clrStatus(r.t);
    await dfu.dnload(r.t, 0, pattern(1024));
    assert.equal(r.device.stateName, 'dfuDNLOAD-SYNC');
    assert.deepEqual(r.device.faults.fired, [{ request: 'DFU_DNLOAD', action: 'stall' }]);
    assert.equal(r.device.faults.pending, 0);
  });

  test("'silent' GETSTATUS: TIMEOUT after exactly timeoutMs on the clock, no state change", async () => {
    const r = await rig('stm32f1-cubemx');
    r.device.faults.add({ request: 'DFU_GETSTATUS', action: 'silent' });
    const t0 = r.clock.now();
    await assert.rejects(
      r.t.controlIn({ bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 }, { timeoutMs: 250 }),
      (e: unknown) => isDfuFlashError(e, 'TIMEOUT') && e.message.includes('within 250 ms'),
    );
    assert.equal(r.clock.now(), t0 + 250);
    assert.equal(r.device.stateName, 'dfuIDLE');
    assert.equal(r.device.transcript.at(-1)!.result, 'silent');
    assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuIDLE);
  });

  test("'gone' on UPLOAD: DEVICE_GONE, a disconnect event, every later call fails", async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    const events: string[] = [];
    r.device.onBusEvent((e) => events.push(`${e.type}: ${e.reason}`));
    r.device.faults.add({ request: 'DFU_UPLOAD', action: 'gone' });
    await assert.rejects(dfu.upload(r.t, 2, 64), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.deepEqual(events, ['disconnect: fault injected: device dropped off the bus']);
    await assert.rejects(dfu.getState(r.t), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    await assert.rejects(r.t.setAltSetting(0, 1), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    await assert.rejects(r.t.reset(), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.equal(r.device.connected, false);
  });

  test('{ status: errPROG } on a DNLOAD: accepted, then GETSTATUS reports dfuERROR/errPROG and nothing is written', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    r.device.faults.add({ request: 'DFU_DNLOAD', action: { status: DfuStatus.errPROG } });
    await dfu.dnload(r.t, 2, pattern(64));
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errPROG]);
    assert.deepEqual(r.device.readFlash(0x08000000, 64), new Uint8Array(64).fill(0xff));
  });

  test('{ status } on GETSTATUS reports it directly; on UPLOAD it stalls with it', async () => {
    const r = await rig('stm32f1-cubemx');
    r.device.faults.add({ request: 'DFU_GETSTATUS', action: { status: DfuStatus.errVENDOR } });
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errVENDOR]);
    await dfu.clrStatus(r.t);
    r.device.faults.add({ request: 'DFU_UPLOAD', action: { status: DfuStatus.errTARGET } });
    await assert.rejects(dfu.upload(r.t, 2, 64), (e: unknown) => isDfuFlashError(e, 'STALL'));
    assert.deepEqual([r.device.stateName, r.device.statusName], ['dfuERROR', 'errTARGET']);
  });

  test('times: Infinity keeps firing; SET_INTERFACE faults make setAltSetting fail', async () => {
    const r = await rig('stm32f4-sysboot');
    r.device.faults.add({ request: 'DFU_GETSTATE', times: Infinity, action: 'stall' });
    for (let i = 0; i < 3; i++) {
      await assert.rejects(dfu.getState(r.t), (e: unknown) => isDfuFlashError(e, 'STALL'));
    }
    assert.equal(r.device.faults.fired.length, 3);
    r.device.faults.add({ request: 'SET_INTERFACE', action: 'stall' });
    await assert.rejects(r.t.setAltSetting(0, 1), (e: unknown) => isDfuFlashError(e, 'STALL'));
    await r.t.setAltSetting(0, 1);
    assert.equal(r.device.altSetting(0), 1);
  });
});
