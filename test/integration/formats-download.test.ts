import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { download } from '../support/file-ops.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { addDfuSuffix, buildDfuseFile, toIntelHex, toSrec } from '../../src/formats/index.js';
import type { FirmwareImage } from '../../src/formats/image.js';
import { dfuRequests, pattern, rig, tempDir, writeTemp } from './helpers.js';
import { cliHint } from '../../src/cli/hints.js';

const enc = new TextEncoder();

function twoSegments(base: number): FirmwareImage {
  return {
    format: 'test',
    addressed: true,
    segments: [
      { address: base, data: pattern(3000, 1) },
      { address: base + 0x20000, data: pattern(5000, 2) },
    ],
  };
}

describe('any firmware file, addresses from the file', () => {
  test('Intel HEX on the F4 ROM without -s lands at the addresses in the file, gap untouched', async () => {
    const r = rig(['stm32f4-sysboot']);
    const img = twoSegments(0x08000000);
    const file = writeTemp(tempDir(), 'fw.hex', enc.encode(toIntelHex(img)));
    await download({ selector: {}, file, dfuse: parseDfuseAddress(':leave'), reset: false }, r.ctx);
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08000000, 3000), img.segments[0]!.data);
    assert.deepEqual(dev.readFlash(0x08020000, 5000), img.segments[1]!.data);
    assert.deepEqual([...dev.readFlash(0x08000000 + 3000, 8)], new Array(8).fill(0xff));
    assert.deepEqual([...dev.eraseLog], [0x08000000, 0x08020000]);
  });

  test('S-record with -s ADDR is refused: the file has its own addresses', async () => {
    const r = rig(['stm32f4-sysboot']);
    const file = writeTemp(tempDir(), 'fw.srec', enc.encode(toSrec(twoSegments(0x08000000))));
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx), (e: unknown) => isDfuFlashError(e, 'USAGE'));
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });

  test('Intel HEX on dapboot lands at 0x08002000; a hex for 0x08000000 is refused before any transfer', async () => {
    const r = rig(['dapboot']);
    const data = pattern(4000, 3);
    const good = writeTemp(tempDir(), 'app.hex', enc.encode(toIntelHex({ format: 'x', addressed: true, segments: [{ address: 0x08002000, data }] })));
    await download({ selector: {}, file: good, reset: false }, r.ctx);
    assert.deepEqual(r.device().readFlash(0x08002000, data.length), data);
    const r2 = rig(['dapboot']);
    const bad = writeTemp(tempDir(), 'app0.hex', enc.encode(toIntelHex({ format: 'x', addressed: true, segments: [{ address: 0x08000000, data }] })));
    await assert.rejects(download({ selector: {}, file: bad, reset: false }, r2.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'DOES_NOT_FIT'));
      assert.match(e.message, /starts at 0x08000000.*writes its firmware from 0x08002000/);
      return true;
    });
    assert.deepEqual(dfuRequests(r2.device().transcript), []);
  });

  test('a two-element .dfu lands both elements; a two-target .dfu flashes each target to its alt', async () => {
    const r = rig(['stm32f4-sysboot']);
    const img = twoSegments(0x08000000);
    const dfu = buildDfuseFile([{ alternateSetting: 0, name: 'ST...', segments: img.segments }], { idVendor: 0x0483, idProduct: 0xdf11 });
    const file = writeTemp(tempDir(), 'fw.dfu', dfu);
    await download({ selector: {}, file, dfuse: parseDfuseAddress(':leave'), reset: false }, r.ctx);
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08000000, 3000), img.segments[0]!.data);
    assert.deepEqual(dev.readFlash(0x08020000, 5000), img.segments[1]!.data);

    const r2 = rig(['stm32f4-sysboot']);
    const ob = Uint8Array.of(0xaa, 0x55, 0xff, 0x00, 0xec, 0x13, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0);
    const two = buildDfuseFile(
      [
        { alternateSetting: 0, name: 'flash', segments: [{ address: 0x08004000, data: pattern(700, 8) }] },
        { alternateSetting: 1, name: 'option bytes', segments: [{ address: 0x1fffc000, data: ob }] },
      ],
      { idVendor: 0x0483, idProduct: 0xdf11 },
    );
    const res = await download({ selector: {}, file: writeTemp(tempDir(), 'two.dfu', two), reset: false }, r2.ctx);
    assert.deepEqual(r2.device().readFlash(0x08004000, 700), pattern(700, 8));
    assert.deepEqual(r2.device().readFlash(0x1fffc000, 16), ob);
    assert.deepEqual(res.phases.filter((p) => p.phase === 'download').map((p) => p.bytes), [700, 16]);
    const alts = r2.device().transcript.filter((t) => t.request === 'SET_INTERFACE').map((t) => t.setup.wValue);
    assert.deepEqual(alts, [0, 1]);
  });

  test('-s ADDR with a .dfu file is refused with a clear message', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dfu = buildDfuseFile([{ alternateSetting: 0, name: 'ST...', segments: [{ address: 0x08000000, data: pattern(100) }] }], {});
    const file = writeTemp(tempDir(), 'fw.dfu', dfu);
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'USAGE'));
      assert.match(e.message, /is a DfuSe file: its addresses come from the file/);
      return true;
    });
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });

  test('a DFU suffix for another VID:PID is refused before any transfer; 0xFFFF matches any', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dir = tempDir();
    const wrong = writeTemp(dir, 'maple.bin', addDfuSuffix(pattern(1000), { idVendor: 0x1eaf, idProduct: 0x0003 }));
    await assert.rejects(download({ selector: {}, file: wrong, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'IMAGE_MISMATCH'));
      assert.match(e.message, /1eaf:0003.*0483:df11/);
      return true;
    });
    assert.deepEqual(dfuRequests(r.device().transcript), []);
    const any = writeTemp(dir, 'any.bin', addDfuSuffix(pattern(1000, 4), {}));
    await download({ selector: {}, file: any, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
    assert.deepEqual(r.device().readFlash(0x08000000, 1000), pattern(1000, 4), 'the suffix is not flashed');
    assert.deepEqual([...r.device().readFlash(0x08000000 + 1000, 16)], new Array(16).fill(0xff));
  });

  test('a HEX text file named .bin is never flashed as ASCII', async () => {
    const r = rig(['stm32f4-sysboot']);
    const file = writeTemp(tempDir(), 'fw.bin', enc.encode(toIntelHex(twoSegments(0x08000000))));
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'FORMAT'));
      assert.match(e.hint ?? '', /read it as raw binary/);
      assert.match(cliHint(e, 'linux') ?? '', /--format bin/);
      return true;
    });
    assert.deepEqual(dfuRequests(r.device().transcript), []);
  });
});
