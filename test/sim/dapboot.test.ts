import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuState, DfuStatus } from '../../src/dfu/constants.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { DAPBOOT_APP_START, DAPBOOT_FLASH_END } from '../../src/sim/profiles/dapboot.js';
import { dfu, pattern, pollDone, rig, type Rig } from './helpers.js';

async function download(r: Rig, image: Uint8Array, size = 1024): Promise<void> {
  for (let off = 0, block = 0; off < image.length; off += size, block++) {
    await dfu.dnload(r.t, block, image.subarray(off, off + size));
    const s = await pollDone(r);
    assert.equal(s.bState, DfuState.dfuDNLOAD_IDLE, `block ${block}: ${s.bState}/${s.bStatus}`);
  }
}

describe('dapboot', () => {
  test('block 0 lands at 0x08002000, later blocks follow; each page erased on first touch', async () => {
    const r = await rig('dapboot');
    const image = pattern(2500);
    await download(r, image);
    assert.deepEqual(r.device.readFlash(DAPBOOT_APP_START, 2500), image);
    assert.deepEqual(r.device.readFlash(DAPBOOT_APP_START + 2500, 4), new Uint8Array(4).fill(0xff));
    assert.deepEqual(r.device.eraseLog, [0x08002000, 0x08002400, 0x08002800]);
    assert.deepEqual(r.device.readFlash(0x08000000, 8), new Uint8Array(8).fill(0xff)); // bootloader untouched
  });

  test('wBlockNum is ignored: writes are sequential', async () => {
    const r = await rig('dapboot');
    await dfu.dnload(r.t, 7, pattern(1024, 1));
    await pollDone(r);
    await dfu.dnload(r.t, 3, pattern(1024, 2));
    await pollDone(r);
    assert.deepEqual(r.device.readFlash(DAPBOOT_APP_START + 1024, 1024), pattern(1024, 2));
  });

  test('every block reports bwPollTimeout 100 ms; real busy time is the program (+ erase) time', async () => {
    const r = await rig('dapboot');
    await dfu.dnload(r.t, 0, pattern(1024));
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, 100]);
    assert.ok(Math.abs(r.device.busyUntil - (512 * 0.0525 + 20)) < 1e-9);
  });

  test('a second download starts again at 0x08002000 and re-erases', async () => {
    const r = await rig('dapboot');
    await download(r, pattern(1024, 1));
    await dfu.abort(r.t);
    await download(r, pattern(1024, 2));
    assert.deepEqual(r.device.readFlash(DAPBOOT_APP_START, 1024), pattern(1024, 2));
    assert.deepEqual(r.device.eraseLog, [DAPBOOT_APP_START, DAPBOOT_APP_START]);
  });

  test('an image larger than the application area fails the read-back check (errVERIFY)', async () => {
    const r = await rig('dapboot', { timeScale: 0 });
    const room = DAPBOOT_FLASH_END - DAPBOOT_APP_START;
    await download(r, pattern(room));
    await dfu.dnload(r.t, room / 1024, pattern(1024));
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errVERIFY]);
  });

  test('upload reads the application area and ends with a short frame at the end of flash', async () => {
    const r = await rig('dapboot', { timeScale: 0 });
    const image = pattern(3000);
    await download(r, image);
    await dfu.abort(r.t);
    const first = await dfu.upload(r.t, 0, 1024);
    assert.deepEqual(first, image.subarray(0, 1024));
    assert.equal(r.device.stateName, 'dfuUPLOAD-IDLE');
    let total = 1024;
    for (let block = 1; ; block++) {
      const chunk = await dfu.upload(r.t, block, 4096);
      total += chunk.length;
      if (chunk.length < 4096) break;
    }
    assert.equal(total, DAPBOOT_FLASH_END - DAPBOOT_APP_START);
    assert.equal(r.device.stateName, 'dfuIDLE');
  });

  test('manifestation: GETSTATUS reports dfuMANIFEST, then the device leaves the bus', async () => {
    const r = await rig('dapboot');
    const events: string[] = [];
    r.device.onBusEvent((e) => events.push(`${e.type}: ${e.reason}`));
    await download(r, pattern(1024));
    await dfu.dnload(r.t, 1, new Uint8Array(0));
    assert.equal(r.device.stateName, 'dfuMANIFEST-SYNC');
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.bStatus, s.pollMs], [DfuState.dfuMANIFEST, DfuStatus.OK, 0]);
    await r.clock.sleep(1);
    assert.deepEqual(events, ['disconnect: manifestation complete: the device reset itself into the application']);
    await assert.rejects(dfu.getStatus(r.t), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.deepEqual(r.device.readFlash(DAPBOOT_APP_START, 1024), pattern(1024)); // flash survives
  });

  test('a zero-length DNLOAD in dfuIDLE stalls (no DfuSe leave on plain DFU)', async () => {
    const r = await rig('dapboot');
    await assert.rejects(dfu.dnload(r.t, 0, new Uint8Array(0)), (e: unknown) => isDfuFlashError(e, 'STALL'));
    assert.deepEqual([r.device.stateName, r.device.statusName], ['dfuERROR', 'errSTALLEDPKT']);
  });
});
