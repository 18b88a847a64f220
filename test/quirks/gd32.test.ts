/**
 * GD32VF103 on the Longan Nano: UTF-8 serial, a layout that claims 512 × 2 KiB
 * pages on a part with 128 × 1 KiB, and a leave without a proper status.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { leave } from '../support/file-ops.js';
import { listDevices } from '../../src/ops/index.js';
import { DfuStatus } from '../../src/dfu/constants.js';
import { dfuRequests, flash, pattern, rejectsWith, rig, snapshotOf, warnings, without } from './helpers.js';

const BASE = 0x08000000;

describe('gd32-utf8-serial', () => {
  test('with the quirk: list shows serial 3CBJ and -S 3CBJ selects the board', async () => {
    const r = rig(['gd32vf103']);
    const raw = await r.backend.list();
    assert.equal(raw[0]!.serial, '\u4333\u4a42', 'the descriptor holds the bytes 33 43 42 4A, read as UTF-16LE');
    const listed = await listDevices(r.ctx);
    assert.equal(listed[0]!.serial, '3CBJ');
    const image = pattern(2048, 1);
    const result = await flash(r, image, '0x08000000', { selector: { dfuSerial: '3CBJ' } });
    assert.equal(result.device.serial, '3CBJ');
    assert.deepEqual(r.device().readFlash(BASE, image.length), image);
  });

  test('without it: the serial is mojibake, -S 3CBJ finds nothing, and the layout fix (keyed on the serial) is lost', async () => {
    const r = rig(['gd32vf103']);
    await rejectsWith(flash(r, pattern(16), '0x08000000', { selector: { dfuSerial: '3CBJ' }, ...without({ utf8Serial: false }) }), 'NO_DEVICE');
    const events = r.events.length;
    await flash(r, pattern(2048), '0x08000000', without({ utf8Serial: false }));
    assert.deepEqual(warnings(r.events.slice(events)), [], 'no layout warning: the part code could not be read');
    assert.deepEqual([...r.device().eraseLog], [BASE], 'planned with the claimed 2 KiB page: one ERASE, which clears only 1 KiB');
  });
});

describe('gd32vf103-layout (claims 512 × 2 KiB, has 128 × 1 KiB)', () => {
  const old = pattern(8 * 1024, 77); // the firmware already on the chip
  const image = pattern(8 * 1024, 5);

  test('with the quirk: a warning names both layouts, every 1 KiB page is erased and the image lands', async () => {
    const r = rig(['gd32vf103']);
    r.device().restore(snapshotOf('gd32vf103', BASE, old, 1024));
    await flash(r, image, '0x08000000');
    const dev = r.device();
    assert.deepEqual(dev.readFlash(BASE, image.length), image);
    assert.deepEqual([...dev.eraseLog], Array.from({ length: 8 }, (_, i) => BASE + i * 1024));
    const w = warnings(r.events);
    assert.equal(w.length, 1);
    assert.match(w[0]!, /^GD32VF103CB: the memory layout claims 1 MiB \(512 × 2 KiB pages\) at 0x08000000, but the part has 128 KiB \(128 × 1 KiB pages\)/);
  });

  test('with the quirk: an image past the real 128 KiB is refused before any transfer', async () => {
    const r = rig(['gd32vf103']);
    await rejectsWith(flash(r, pattern(129 * 1024), '0x08000000'), 'DOES_NOT_FIT');
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });

  test('without it: every other 1 KiB page is never erased, the device ANDs the new bytes over the old and says OK', async () => {
    const r = rig(['gd32vf103']);
    r.device().restore(snapshotOf('gd32vf103', BASE, old, 1024));
    await flash(r, image, '0x08000000', without({ layoutOverride: null, realFlash: null }));
    const dev = r.device();
    assert.deepEqual([...dev.eraseLog], [BASE, BASE + 0x800, BASE + 0x1000, BASE + 0x1800]);
    const got = dev.readFlash(BASE, image.length);
    assert.deepEqual(got.subarray(0, 1024), image.subarray(0, 1024), 'the erased pages are right');
    const second = got.subarray(1024, 2048);
    assert.notDeepEqual(second, image.subarray(1024, 2048));
    assert.deepEqual(second, image.subarray(1024, 2048).map((b, i) => b & old[1024 + i]!), 'wrong bytes: new AND old');
  });

  test('without it, --verify catches the wrong bytes at 0x08000400', async () => {
    const r = rig(['gd32vf103']);
    r.device().restore(snapshotOf('gd32vf103', BASE, old, 1024));
    const e = await rejectsWith(flash(r, image, '0x08000000', { verify: true, ...without({ layoutOverride: null, realFlash: null }) }), 'VERIFY_MISMATCH');
    const firstBad = Array.from({ length: 1024 }, (_, i) => i).find((i) => (image[1024 + i]! & old[1024 + i]!) !== image[1024 + i])!;
    assert.equal(e.details['address'], BASE + 1024 + firstBad);
  });
});

describe('gd32-leave (no proper status on leave)', () => {
  test('with the quirk: one GETSTATUS, its errUNKNOWN ignored, the device jumps to the application', async () => {
    const r = rig(['gd32vf103']);
    const image = pattern(4096, 8);
    const result = await flash(r, image, '0x08000000:leave');
    assert.equal(result.outcome, 'device left DFU mode');
    const dev = r.device();
    assert.deepEqual(dev.readFlash(BASE, image.length), image);
    const tail = dfuRequests(dev.transcript).slice(-2);
    assert.deepEqual(tail.map((e) => [e.request, e.setup.wLength, e.result, e.state, e.status]), [
      ['DFU_DNLOAD', 0, 'ack', 'dfuERROR', 'errUNKNOWN'],
      ['DFU_GETSTATUS', 6, 'ack', 'dfuERROR', 'errUNKNOWN'],
    ]);
    await r.clock.sleep(20);
    assert.equal(dev.connected, false);
  });

  test('the leave command alone (-s 0x08000000:leave, no download) uses the quirk too', async () => {
    const r = rig(['gd32vf103']);
    const result = await leave({ selector: {}, address: BASE }, r.ctx);
    assert.equal(result.outcome, 'device left DFU mode');
    const last = dfuRequests(r.device().transcript).at(-1)!;
    assert.deepEqual([last.request, last.status], ['DFU_GETSTATUS', 'errUNKNOWN']);
  });

  test('without it: the errUNKNOWN after leave fails the run although the image is in flash ("Error during download get_status")', async () => {
    const r = rig(['gd32vf103']);
    const image = pattern(4096, 8);
    const e = await rejectsWith(flash(r, image, '0x08000000:leave', without({ leaveIgnoresStatus: false })), 'DFU_STATUS');
    assert.equal(e.details['phase'], 'leave');
    assert.equal(e.details['status'], DfuStatus.errUNKNOWN);
    assert.deepEqual(r.device().readFlash(BASE, image.length), image);
  });
});
