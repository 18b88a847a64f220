import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, upload } from '../support/file-ops.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { F4_BLOCK_MS } from '../../src/sim/profiles/stm32f4-sysboot.js';
import { dfuRequests, dfuseCommandLog, pattern, recording, rig, tempDir, writeTemp } from './helpers.js';

describe('DfuSe download on the STM32F4 ROM (simulated)', () => {
  test('100 KiB with :leave: bytes land, only touched sectors erased, one SET_ADDRESS, no early poll, device leaves', async () => {
    const r = rig(['stm32f4-sysboot']);
    const rec = recording(r.backend, r.clock);
    const dir = tempDir();
    const image = pattern(100 * 1024, 7);
    const file = writeTemp(dir, 'fw.bin', image);
    const result = await download(
      { selector: { alt: 0 }, file, dfuse: parseDfuseAddress('0x08000000:leave'), reset: false },
      { ...r.ctx, backend: rec.backend },
    );
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08000000, image.length), image);
    assert.deepEqual([...dev.readFlash(0x08000000 + image.length, 16)], new Array(16).fill(0xff));
    assert.deepEqual([...dev.eraseLog], [0x08000000, 0x08004000, 0x08008000, 0x0800c000, 0x08010000]);
    assert.equal(dev.earlyPolls, 0);
    assert.deepEqual(dfuseCommandLog(rec.log), [
      'ERASE 0x08000000', 'ERASE 0x08004000', 'ERASE 0x08008000', 'ERASE 0x0800c000', 'ERASE 0x08010000',
      'SET_ADDRESS 0x08000000', 'DATA×50',
      'SET_ADDRESS 0x08000000', 'LEAVE',
    ]);
    assert.equal(result.bytes, image.length);
    assert.equal(result.outcome, 'device left DFU mode');
    assert.deepEqual(result.phases.map((p) => p.phase), ['erase', 'download', 'leave']);
    assert.equal(dev.connected, false, 'the device jumped to its application and left the bus');
    // The device-imposed waits, each exactly once and exactly as long as asked: 50 blocks, the five erases, the two
    // SET_ADDRESS, the leave's dfuMANIFEST (the host's), and the device's own wake-up to leave the bus (the last 5).
    assert.equal(r.clock.sleeps.filter((ms) => ms === F4_BLOCK_MS).length, 50);
    assert.deepEqual(r.clock.sleeps.filter((ms) => ms !== F4_BLOCK_MS), [250, 250, 250, 250, 550, 1, 1, 5, 5]);
  });

  test('upload reads back what is there, to a file written atomically', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dir = tempDir();
    const image = pattern(6000, 3);
    const file = writeTemp(dir, 'fw.bin', image);
    await download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
    const out = join(dir, 'out.bin');
    const res = await upload({ selector: { alt: 0 }, file: out, dfuse: parseDfuseAddress('0x08000000:4096'), force: false, reset: false }, r.ctx);
    assert.equal(res.bytes, 4096);
    assert.deepEqual(new Uint8Array(readFileSync(out)), image.subarray(0, 4096));
    await assert.rejects(
      upload({ selector: {}, file: out, dfuse: parseDfuseAddress('0x08000000:16'), force: false, reset: false }, r.ctx),
      (e: unknown) => isDfuFlashError(e, 'FILE_EXISTS'),
    );
  });

  test('an image that does not fit is refused before any DFU request', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dir = tempDir();
    const file = writeTemp(dir, 'big.bin', pattern(1024 * 1024 + 1));
    await assert.rejects(
      download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx),
      (e: unknown) => isDfuFlashError(e, 'DOES_NOT_FIT'),
    );
    assert.deepEqual(dfuRequests(r.device().transcript), []);
    assert.deepEqual([...r.device().eraseLog], []);
  });

  test('a raw file without -s on a DfuSe device is a usage error naming the region start', async () => {
    const r = rig(['stm32f4-sysboot']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(10));
    await assert.rejects(download({ selector: {}, file, reset: false }, r.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'USAGE'));
      assert.match(e.hint ?? '', /e\.g\. 0x08000000 \(the start of Internal Flash\)/);
      return true;
    });
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });
});

describe('the CubeMX bootloader (erases from the application start on every ERASE)', () => {
  test('download at 0x08008000 is correct because every erase comes before any write', async () => {
    const r = rig(['stm32f1-cubemx']);
    const image = pattern(150 * 1024, 11);
    const file = writeTemp(tempDir(), 'app.bin', image);
    await download({ selector: { alt: 0 }, file, dfuse: parseDfuseAddress('0x08008000'), reset: false }, r.ctx);
    assert.deepEqual(r.device().readFlash(0x08008000, image.length), image);
    assert.equal(r.device().earlyPolls, 0);
  });

  test('0x08000000 (the read-only bootloader sectors) is refused before any DFU request', async () => {
    const r = rig(['stm32f1-cubemx']);
    const file = writeTemp(tempDir(), 'app.bin', pattern(1024));
    await assert.rejects(
      download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx),
      (e: unknown) => isDfuFlashError(e, 'NOT_WRITABLE'),
    );
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });
});
