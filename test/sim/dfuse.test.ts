import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuState, DfuStatus } from '../../src/dfu/constants.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import type { SimBusEvent } from '../../src/sim/index.js';
import { F4_MASS_ERASE } from '../../src/sim/profiles/stm32f4-sysboot.js';
import { clearF4, command, dfu, dfuse, pattern, pollDone, rig, type Rig } from './helpers.js';

async function write(r: Rig, block: number, data: Uint8Array) {
  await dfu.dnload(r.t, block, data);
  return pollDone(r);
}

async function expectStall(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => isDfuFlashError(e, 'STALL'));
}

describe('stm32f4-sysboot', () => {
  test('starts in dfuERROR / errFIRMWARE; CLRSTATUS clears it', async () => {
    const r = await rig('stm32f4-sysboot');
    const s = await dfu.getStatus(r.t);
    assert.deepEqual(s, { bStatus: DfuStatus.errFIRMWARE, pollMs: 0, bState: DfuState.dfuERROR, iString: 0 });
    await dfu.clrStatus(r.t);
    assert.deepEqual(await dfu.getStatus(r.t), { bStatus: 0, pollMs: 0, bState: DfuState.dfuIDLE, iString: 0 });
    assert.deepEqual(
      r.device.transcript.map((e) => [e.request, e.result, e.state, e.status]),
      [
        ['DFU_GETSTATUS', 'ack', 'dfuERROR', 'errFIRMWARE'],
        ['DFU_CLRSTATUS', 'ack', 'dfuIDLE', 'OK'],
        ['DFU_GETSTATUS', 'ack', 'dfuIDLE', 'OK'],
      ],
    );
  });

  test('SET_ADDRESS + ERASE + blocks land at (wBlockNum − 2) × 2048 + pointer', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    const first = await command(r, dfuse.erase(0x08004000));
    assert.equal(first.bState, DfuState.dfuDNLOAD_IDLE);
    const s = await command(r, dfuse.setAddress(0x08004000));
    assert.equal(s.bStatus, DfuStatus.OK);
    assert.equal(r.device.addressPointer, 0x08004000);
    const a = pattern(2048, 1);
    const b = pattern(2048, 2);
    const c = pattern(100, 3);
    assert.equal((await write(r, 2, a)).bState, DfuState.dfuDNLOAD_IDLE);
    assert.equal((await write(r, 3, b)).bState, DfuState.dfuDNLOAD_IDLE);
    assert.equal((await write(r, 5, c)).bState, DfuState.dfuDNLOAD_IDLE);
    assert.deepEqual(r.device.readFlash(0x08004000, 2048), a);
    assert.deepEqual(r.device.readFlash(0x08004800, 2048), b);
    assert.deepEqual(r.device.readFlash(0x08005000, 2048), new Uint8Array(2048).fill(0xff));
    assert.deepEqual(r.device.readFlash(0x08005800, 100), c);
    assert.deepEqual(r.device.eraseLog, [0x08004000]);
    assert.deepEqual(r.device.writeLog, [
      { address: 0x08004000, length: 2048 },
      { address: 0x08004800, length: 2048 },
      { address: 0x08005800, length: 100 },
    ]);
    // read back: ABORT to dfuIDLE, then UPLOAD with the same address formula
    await dfu.abort(r.t);
    assert.deepEqual(await dfu.upload(r.t, 3, 2048), b);
    assert.equal(r.device.stateName, 'dfuUPLOAD-IDLE');
  });

  test('ERASE of an unaligned address erases the page that holds it', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.erase(0x08020010));
    await command(r, dfuse.erase(0x08010000));
    assert.deepEqual(r.device.eraseLog, [0x08020000, 0x08010000]);
  });

  test('writing over bytes that are not erased fails with errWRITE', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await write(r, 2, pattern(16));
    const s = await write(r, 2, pattern(16, 9));
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errWRITE]);
    assert.deepEqual(r.device.readFlash(0x08000000, 16), pattern(16));
    assert.equal(r.device.writeLog.length, 1);
  });

  test('writing outside the alt layout fails with errADDRESS; erase outside, errADDRESS', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x080ff800));
    const s = await write(r, 3, pattern(16)); // 0x08100000: one past the end of the internal flash
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errADDRESS]);
    await dfu.clrStatus(r.t);
    const e = await command(r, dfuse.erase(0x1fffc000)); // option bytes belong to alt 1, not alt 0
    assert.deepEqual([e.bState, e.bStatus], [DfuState.dfuERROR, DfuStatus.errADDRESS]);
  });

  test('a failing command still reports dfuDNBUSY first; the error shows at the next GETSTATUS', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.erase(0x1fffc000)); // option bytes: not in alt 0's layout
    const first = await dfu.getStatus(r.t);
    assert.equal(first.bState, DfuState.dfuDNBUSY);
    await r.clock.sleep(first.pollMs);
    const second = await dfu.getStatus(r.t);
    assert.deepEqual([second.bState, second.bStatus], [DfuState.dfuERROR, DfuStatus.errADDRESS]);
    assert.deepEqual(r.device.eraseLog, []);
  });

  test('SET_ADDRESS outside the device memory: dfuDNBUSY, then dfuERROR/errTARGET; the pointer is kept', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.setAddress(0x30000000));
    assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuDNBUSY);
    const s = await pollDone(r);
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errTARGET]);
    assert.equal(r.device.addressPointer, 0x08000000);
    // any alt's memory is a valid pointer (AN2662: flash, system memory, option bytes)
    await dfu.clrStatus(r.t);
    assert.equal((await command(r, dfuse.setAddress(0x1fff7800))).bStatus, DfuStatus.OK);
  });

  test('a block that straddles the end of flash fails as a whole', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x080fff00));
    const s = await write(r, 2, pattern(512));
    assert.equal(s.bStatus, DfuStatus.errADDRESS);
    assert.deepEqual(r.device.readFlash(0x080fff00, 256), new Uint8Array(256).fill(0xff));
  });

  test('mass erase erases every internal-flash sector', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08060000));
    await write(r, 2, pattern(64));
    // the ROM reports 100 ms and NAKs EP0 for the whole erase: poll once it is done
    await dfu.dnload(r.t, 0, dfuse.massErase());
    const busy = await dfu.getStatus(r.t);
    assert.deepEqual([busy.bState, busy.pollMs], [DfuState.dfuDNBUSY, F4_MASS_ERASE.reportedMs]);
    await r.clock.sleep(F4_MASS_ERASE.actualMs);
    const s = await pollDone(r);
    assert.equal(s.bState, DfuState.dfuDNLOAD_IDLE);
    assert.deepEqual(r.device.readFlash(0x08060000, 64), new Uint8Array(64).fill(0xff));
    const kib = 1024;
    const expected = [
      ...[0, 1, 2, 3].map((i) => 0x08000000 + i * 16 * kib),
      0x08010000,
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => 0x08020000 + i * 128 * kib),
    ];
    assert.deepEqual(r.device.eraseLog, expected);
  });

  test('UPLOAD block 0 lists the commands 00 21 41 92; block 1 stalls', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    assert.deepEqual([...(await dfu.upload(r.t, 0, 4))], [0x00, 0x21, 0x41, 0x92]);
    await dfu.abort(r.t);
    assert.deepEqual([...(await dfu.upload(r.t, 0, 64))], [0x00, 0x21, 0x41, 0x92]);
    assert.equal(r.device.stateName, 'dfuIDLE'); // short frame ends the upload
    await expectStall(dfu.upload(r.t, 1, 64));
    assert.equal(r.device.statusName, 'errSTALLEDPKT');
  });

  test('GET_COMMANDS by DNLOAD reports dfuDNBUSY first', async () => {
    const r = await rig('stm32f4-sysboot', { timeScale: 0 });
    await clearF4(r);
    await dfu.dnload(r.t, 0, dfuse.getCommands());
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, 0]);
    assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuDNLOAD_IDLE);
  });

  test('malformed and unknown commands stall', async () => {
    for (const bytes of [[0x21, 0, 0, 0], [0x41, 0, 0], [0x55], [0x92, 1]]) {
      const r = await rig('stm32f4-sysboot');
      await clearF4(r);
      await expectStall(dfu.dnload(r.t, 0, Uint8Array.from(bytes)));
      assert.equal(r.device.stateName, 'dfuERROR');
    }
  });

  test('UPLOAD: unmapped → stall errADDRESS; a read past the end of flash is a short frame', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x080ffc00));
    await dfu.abort(r.t);
    const tail = await dfu.upload(r.t, 2, 2048);
    assert.equal(tail.length, 1024);
    assert.equal(r.device.stateName, 'dfuIDLE');
    await expectStall(dfu.upload(r.t, 3, 2048));
    assert.equal(r.device.statusName, 'errADDRESS');
  });

  test('other alts: SET_INTERFACE moves the pointer to the alt region; option bytes are writable (g)', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await r.t.setAltSetting(0, 1);
    assert.equal(r.device.addressPointer, 0x1fffc000);
    await command(r, dfuse.erase(0x1fffc000));
    const s = await write(r, 2, Uint8Array.from([0xaa, 0x55, 0xaa, 0x55]));
    assert.equal(s.bStatus, DfuStatus.OK);
    assert.deepEqual([...r.device.readFlash(0x1fffc000, 4)], [0xaa, 0x55, 0xaa, 0x55]);
    await r.t.setAltSetting(0, 3);
    await dfu.abort(r.t);
    assert.deepEqual([...(await dfu.upload(r.t, 2, 16))], [0xff, 0xff, 0xff, 0xff]);
  });

  test('leave: zero-length DNLOAD → GETSTATUS reports dfuMANIFEST → disconnect after the poll time', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    const events: SimBusEvent[] = [];
    r.device.onBusEvent((e) => events.push(e));
    await command(r, dfuse.setAddress(0x08000000));
    await dfu.dnload(r.t, 0, new Uint8Array(0));
    const t0 = r.clock.now();
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuMANIFEST, 5]);
    assert.equal(events.length, 0);
    await r.clock.sleep(5);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'disconnect');
    assert.match(events[0]!.reason, /jumped to the application \(address pointer 0x08000000\)/);
    assert.equal(r.clock.now(), t0 + 5);
    await assert.rejects(dfu.getStatus(r.t), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.equal((await r.device.control({ bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 })).kind, 'gone');
    assert.equal(r.device.transcript.at(-1)!.result, 'gone');
  });

  test('READ_UNPROTECT erases the flash and the device comes back (reenumerate)', async () => {
    const r = await rig('stm32f4-sysboot');
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08000000));
    await write(r, 2, pattern(32));
    const events: SimBusEvent[] = [];
    r.device.onBusEvent((e) => events.push(e));
    await dfu.dnload(r.t, 0, dfuse.readUnprotect());
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, 100]);
    await r.clock.sleep(100);
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.equal(e.type, 'reenumerate');
    if (e.type !== 'reenumerate') return;
    assert.equal(e.afterMs, 300);
    assert.equal(e.device.profile, 'stm32f4-sysboot');
    const next = e.device as typeof r.device;
    assert.deepEqual(next.readFlash(0x08000000, 32), new Uint8Array(32).fill(0xff));
    assert.equal(next.serial, r.device.serial);
  });
});

describe('stm32f1-cubemx', () => {
  test('starts in dfuIDLE; writing to the read-only bootloader sectors fails with errTARGET', async () => {
    const r = await rig('stm32f1-cubemx');
    assert.equal((await dfu.getStatus(r.t)).bState, DfuState.dfuIDLE);
    await command(r, dfuse.setAddress(0x08000000));
    const s = await write(r, 2, pattern(64));
    assert.deepEqual([s.bState, s.bStatus], [DfuState.dfuERROR, DfuStatus.errTARGET]);
    assert.deepEqual(r.device.readFlash(0x08000000, 64), new Uint8Array(64).fill(0xff));
    await dfu.clrStatus(r.t);
    await command(r, dfuse.setAddress(0x08007c00));
    const s2 = await write(r, 2, pattern(1024)); // last KiB of the second read-only sector
    assert.equal(s2.bStatus, DfuStatus.errTARGET);
  });

  test('writes at 0x08008000 use 1024-byte blocks', async () => {
    const r = await rig('stm32f1-cubemx');
    await command(r, dfuse.setAddress(0x08008000));
    await write(r, 2, pattern(1024, 1));
    await write(r, 3, pattern(1024, 2));
    assert.deepEqual(r.device.readFlash(0x08008400, 1024), pattern(1024, 2));
  });

  test('quirk: ERASE ignores its address and wipes 0x08008000..end of flash', async () => {
    const r = await rig('stm32f1-cubemx');
    await command(r, dfuse.setAddress(0x08008000));
    await write(r, 2, pattern(1024));
    // a host that erases the next sector before writing it destroys the first write
    const s = await command(r, dfuse.erase(0x08010000));
    assert.equal(s.bStatus, DfuStatus.OK);
    assert.deepEqual(r.device.readFlash(0x08008000, 1024), new Uint8Array(1024).fill(0xff));
    const kib = 1024;
    assert.deepEqual(r.device.eraseLog, [
      0x08008000,
      0x0800c000,
      0x08010000,
      0x08020000,
      0x08020000 + 128 * kib,
      0x08020000 + 256 * kib,
    ]);
    // even an erase aimed at the read-only bootloader sector "succeeds" the same way
    await command(r, dfuse.erase(0x08000000));
    assert.equal(r.device.eraseLog.length, 12);
  });

  test('SET_ADDRESS reports 50 ms but the device is done after 1 ms', async () => {
    const r = await rig('stm32f1-cubemx');
    await dfu.dnload(r.t, 0, dfuse.setAddress(0x08008000));
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuDNBUSY, 50]);
    assert.equal(r.device.busyUntil, 1);
  });

  test('SET_ADDRESS is not checked by the CubeMX class', async () => {
    const r = await rig('stm32f1-cubemx');
    assert.equal((await command(r, dfuse.setAddress(0x30000000))).bStatus, DfuStatus.OK);
    assert.equal(r.device.addressPointer, 0x30000000);
  });

  test('READ_UNPROTECT is not implemented: it stalls', async () => {
    const r = await rig('stm32f1-cubemx');
    await expectStall(dfu.dnload(r.t, 0, dfuse.readUnprotect()));
    assert.equal(r.device.stateName, 'dfuERROR');
  });

  test('leave: dfuMANIFEST with bwPollTimeout 1 ms, then the device resets into the application', async () => {
    const r = await rig('stm32f1-cubemx');
    const events: string[] = [];
    r.device.onBusEvent((e) => events.push(e.type));
    await dfu.dnload(r.t, 0, new Uint8Array(0));
    const s = await dfu.getStatus(r.t);
    assert.deepEqual([s.bState, s.pollMs], [DfuState.dfuMANIFEST, 1]);
    await r.clock.sleep(1);
    assert.deepEqual(events, ['disconnect']);
  });
});
