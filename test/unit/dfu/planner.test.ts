import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { MAX_BLOCKS_PER_RUN, planDfuDownload, planDfuseDownload } from '../../../src/dfu/planner.js';
import type { DownloadPlan } from '../../../src/dfu/plan-types.js';
import type { FirmwareImage } from '../../../src/formats/image.js';
import { DfuFlashError, type ErrorCode } from '../../../src/shared/errors.js';
import { cliHint } from '../../../src/cli/hints.js';
import { cliWords } from '../../support/message-style.js';

const K = 1024;
const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const CUBEMX = parseMemoryLayout('@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg');
const F1 = parseMemoryLayout('@Internal Flash  /0x08000000/128*002Kg');
const DAISY = parseMemoryLayout('@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg');
const OPTION_BYTES = parseMemoryLayout('@Option Bytes  /0x1FFFF800/01*016 e');
const L4_OPTION_BYTES = parseMemoryLayout('@Option Bytes  /0x1FF00000/01*040 e/0x1FF01000/01*040 e');

/** Deterministic, address-dependent bytes, so merged runs can be checked byte for byte. */
function bytes(address: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (address + i * 7 + (i >> 8)) & 0xff);
}
function image(...segments: Array<[number, number]>): FirmwareImage {
  return { format: 'ihex', addressed: true, segments: segments.map(([a, n]) => ({ address: a, data: bytes(a, n) })) };
}
const pages = (...list: Array<[number, number]>) => list.map(([address, size]) => ({ address, size }));

/** `cli`: the hint the CLI shows (with its flags); the library's own hint names none. */
function expectError(fn: () => unknown, code: ErrorCode, message: string, cli?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DfuFlashError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    assert.deepEqual(cliWords(e.hint ?? ''), [], `the library's hint names no flag: ${e.hint}`);
    if (cli !== undefined) assert.equal(cliHint(e, 'linux'), cli);
    return true;
  });
}

describe('planDfuseDownload: whole plans', () => {
  test('F4: 100 KiB at 0x08000000 erases sectors 0-4, then one run of 50 blocks', () => {
    const plan = planDfuseDownload(image([0x08000000, 100 * K]), F4, { transferSize: 2048, leave: true });
    const expected: DownloadPlan = {
      protocol: 'dfuse',
      transferSize: 2048,
      massErase: false,
      erase: pages([0x08000000, 16 * K], [0x08004000, 16 * K], [0x08008000, 16 * K], [0x0800c000, 16 * K], [0x08010000, 64 * K]),
      writes: [{ address: 0x08000000, data: bytes(0x08000000, 100 * K), blocks: 50 }],
      leave: { address: undefined },
      willReset: false,
      totals: { eraseBytes: 128 * K, writeBytes: 100 * K, blocks: 50 },
    };
    assert.deepEqual(plan, expected);
  });

  test('CubeMX bootloader: 100 KiB at 0x08008000 (after its read-only sectors)', () => {
    const plan = planDfuseDownload(image([0x08008000, 100 * K]), CUBEMX, {
      transferSize: 2048,
      leave: true,
      leaveAddress: 0x08008000,
    });
    assert.deepEqual(plan, {
      protocol: 'dfuse',
      transferSize: 2048,
      massErase: false,
      erase: pages([0x08008000, 16 * K], [0x0800c000, 16 * K], [0x08010000, 64 * K], [0x08020000, 128 * K]),
      writes: [{ address: 0x08008000, data: bytes(0x08008000, 100 * K), blocks: 50 }],
      leave: { address: 0x08008000 },
      willReset: false,
      totals: { eraseBytes: 224 * K, writeBytes: 100 * K, blocks: 50 },
    });
  });

  test('gap between segments: two runs, each page once, ascending', () => {
    const plan = planDfuseDownload(image([0x08000000, 3000], [0x08010000, 5000]), F1, { transferSize: 1024 });
    assert.deepEqual(plan.erase, pages([0x08000000, 2048], [0x08000800, 2048], [0x08010000, 2048], [0x08010800, 2048], [0x08011000, 2048]));
    assert.deepEqual(plan.writes, [
      { address: 0x08000000, data: bytes(0x08000000, 3000), blocks: 3 },
      { address: 0x08010000, data: bytes(0x08010000, 5000), blocks: 5 },
    ]);
    assert.deepEqual(plan.totals, { eraseBytes: 5 * 2048, writeBytes: 8000, blocks: 8 });
    assert.equal(plan.leave, undefined);
  });

  test('two segments in one page: the page is erased once', () => {
    const plan = planDfuseDownload(image([0x08000000, 100], [0x08000200, 100]), F1, { transferSize: 2048 });
    assert.deepEqual(plan.erase, pages([0x08000000, 2048]));
    assert.deepEqual(plan.writes, [
      { address: 0x08000000, data: bytes(0x08000000, 100), blocks: 1 },
      { address: 0x08000200, data: bytes(0x08000200, 100), blocks: 1 },
    ]);
  });

  test('adjacent segments merge into one run with the bytes in order', () => {
    const img: FirmwareImage = {
      format: 'srec',
      addressed: true,
      segments: [
        { address: 0x08000000, data: bytes(0x08000000, 1000) },
        { address: 0x080003e8, data: bytes(0x080003e8, 3000) },
        { address: 0x08000fa0, data: bytes(0x08000fa0, 96) },
      ],
    };
    const plan = planDfuseDownload(img, F1, { transferSize: 2048 });
    const expected = new Uint8Array(4096);
    expected.set(bytes(0x08000000, 1000), 0);
    expected.set(bytes(0x080003e8, 3000), 1000);
    expected.set(bytes(0x08000fa0, 96), 4000);
    assert.deepEqual(plan.writes, [{ address: 0x08000000, data: expected, blocks: 2 }]);
    assert.deepEqual(plan.erase, pages([0x08000000, 2048], [0x08000800, 2048]));
  });

  test('segments given out of order are planned in address order', () => {
    const plan = planDfuseDownload(image([0x08010000, 10], [0x08000000, 10]), F1, { transferSize: 2048 });
    assert.deepEqual(plan.erase.map((e) => e.address), [0x08000000, 0x08010000]);
    assert.deepEqual(plan.writes.map((w) => w.address), [0x08000000, 0x08010000]);
  });

  test('unaligned start: the page holding the first byte is erased', () => {
    const plan = planDfuseDownload(image([0x08004100, 16 * K]), F4, { transferSize: 2048 });
    assert.deepEqual(plan.erase, pages([0x08004000, 16 * K], [0x08008000, 16 * K]));
    assert.deepEqual(plan.writes, [{ address: 0x08004100, data: bytes(0x08004100, 16 * K), blocks: 8 }]);
  });

  test('a run across two touching regions (Daisy QSPI) erases both page sizes', () => {
    const plan = planDfuseDownload(image([0x9003f000, 8 * K]), DAISY, { transferSize: 4096 });
    assert.deepEqual(plan.erase, pages([0x9003f000, 4 * K], [0x90040000, 64 * K]));
    assert.deepEqual(plan.writes, [{ address: 0x9003f000, data: bytes(0x9003f000, 8 * K), blocks: 2 }]);
  });

  test('writable but not erasable memory (option bytes, type e) is written without an erase', () => {
    const plan = planDfuseDownload(image([0x1ffff800, 16]), OPTION_BYTES, { transferSize: 2048, willReset: true });
    assert.deepEqual(plan, {
      protocol: 'dfuse',
      transferSize: 2048,
      massErase: false,
      erase: [],
      writes: [{ address: 0x1ffff800, data: bytes(0x1ffff800, 16), blocks: 1 }],
      leave: undefined,
      willReset: true,
      totals: { eraseBytes: 0, writeBytes: 16, blocks: 1 },
    });
  });

  test('mass erase replaces the page erases', () => {
    const plan = planDfuseDownload(image([0x08000000, 100 * K]), F4, { transferSize: 2048, massErase: true });
    assert.equal(plan.massErase, true);
    assert.deepEqual(plan.erase, []);
    assert.deepEqual(plan.totals, { eraseBytes: 0, writeBytes: 100 * K, blocks: 50 });
  });

  test('an empty image gives a command-only plan (e.g. -s :mass-erase:force:leave)', () => {
    const plan = planDfuseDownload({ format: 'bin', addressed: false, segments: [] }, F4, {
      transferSize: 2048,
      massErase: true,
      leave: true,
    });
    assert.deepEqual(plan, {
      protocol: 'dfuse',
      transferSize: 2048,
      massErase: true,
      erase: [],
      writes: [],
      leave: { address: undefined },
      willReset: false,
      totals: { eraseBytes: 0, writeBytes: 0, blocks: 0 },
    });
    const empty = planDfuseDownload(image([0x08000000, 0]), F4, { transferSize: 2048 });
    assert.deepEqual([empty.erase, empty.writes], [[], []]);
  });

  test('a run longer than the u16 block numbers allow is split', () => {
    const layout = parseMemoryLayout('@RAM/0x20000000/1*1Mg');
    const plan = planDfuseDownload(image([0x20000000, MAX_BLOCKS_PER_RUN + 1]), layout, { transferSize: 1 });
    assert.equal(MAX_BLOCKS_PER_RUN, 65533);
    const all = bytes(0x20000000, MAX_BLOCKS_PER_RUN + 1);
    assert.deepEqual(plan.writes, [
      { address: 0x20000000, data: all.subarray(0, MAX_BLOCKS_PER_RUN), blocks: MAX_BLOCKS_PER_RUN },
      { address: 0x20000000 + MAX_BLOCKS_PER_RUN, data: all.subarray(MAX_BLOCKS_PER_RUN), blocks: 1 },
    ]);
    assert.deepEqual(plan.erase, pages([0x20000000, 1024 * K]));
    const fits = planDfuseDownload(image([0x20000000, MAX_BLOCKS_PER_RUN * 4]), layout, { transferSize: 4 });
    assert.deepEqual(fits.writes.map((w) => w.blocks), [MAX_BLOCKS_PER_RUN]);
    const split = planDfuseDownload(image([0x20000000, MAX_BLOCKS_PER_RUN * 4 + 5]), layout, { transferSize: 4 });
    assert.deepEqual(split.writes.map((w) => [w.address, w.data.length, w.blocks]), [
      [0x20000000, MAX_BLOCKS_PER_RUN * 4, MAX_BLOCKS_PER_RUN],
      [0x20000000 + MAX_BLOCKS_PER_RUN * 4, 5, 2],
    ]);
  });
});

describe('planDfuseDownload: force', () => {
  test('unknown memory is written without an erase', () => {
    const plan = planDfuseDownload(image([0x0803f800, 4096]), F1, { transferSize: 2048, force: true });
    assert.deepEqual(plan.erase, pages([0x0803f800, 2048]));
    assert.deepEqual(plan.writes, [{ address: 0x0803f800, data: bytes(0x0803f800, 4096), blocks: 2 }]);
  });

  test('read-only sectors are written but not erased; the rest as usual', () => {
    const plan = planDfuseDownload(image([0x08000000, 0x9000]), CUBEMX, { transferSize: 2048, force: true });
    assert.deepEqual(plan.erase, pages([0x08008000, 16 * K]));
    assert.equal(plan.totals.writeBytes, 0x9000);
  });

  test('memory before, between and after layout regions', () => {
    const plan = planDfuseDownload(image([0x1feffff0, 0x2000]), L4_OPTION_BYTES, { transferSize: 64, force: true });
    assert.deepEqual(plan.erase, []);
    assert.deepEqual(plan.writes.map((w) => [w.address, w.data.length, w.blocks]), [[0x1feffff0, 0x2000, 128]]);
    const none = planDfuseDownload(image([0x1000, 10]), parseMemoryLayout('@Flash3'), { transferSize: 64, force: true });
    assert.deepEqual(none.erase, []);
    assert.equal(none.writes.length, 1);
  });
});

describe('planDfuseDownload: refusals', () => {
  const FIT_HINT =
    "check the start address given with -s ADDR and the alt setting (-a): the image must lie inside the alt setting's memory; " +
    "use :force only if you know the device's layout string is wrong";
  // hint: what the CLI shows (src/cli/hints.ts adds the flags to the library's own hint)
  const cases: Array<{ what: string; run: () => unknown; code: ErrorCode; message: string; hint?: string }> = [
    {
      what: 'image too large for the F4 flash',
      run: () => planDfuseDownload(image([0x08000000, 1024 * K + 2048]), F4, { transferSize: 2048 }),
      code: 'DOES_NOT_FIT',
      message:
        'image 0x08000000-0x081007ff (1050624 bytes) does not fit the memory layout "Internal Flash" (0x08000000-0x080fffff): 0x08100000 is outside it',
      hint: FIT_HINT,
    },
    {
      what: 'image starting before the flash',
      run: () => planDfuseDownload(image([0x07fff000, 0x2000]), F4, { transferSize: 2048 }),
      code: 'DOES_NOT_FIT',
      message:
        'image 0x07fff000-0x08000fff (8192 bytes) does not fit the memory layout "Internal Flash" (0x08000000-0x080fffff): 0x07fff000 is outside it',
      hint: FIT_HINT,
    },
    {
      what: 'raw binary at address 0 on an ST flash (forgot -s)',
      run: () => planDfuseDownload(image([0, 100]), F4, { transferSize: 2048 }),
      code: 'DOES_NOT_FIT',
      message:
        'image 0x00000000-0x00000063 (100 bytes) does not fit the memory layout "Internal Flash" (0x08000000-0x080fffff): 0x00000000 is outside it',
    },
    {
      what: 'second segment in the gap between option-byte regions',
      run: () => planDfuseDownload(image([0x1ff00000, 40], [0x1ff00800, 8]), L4_OPTION_BYTES, { transferSize: 2048 }),
      code: 'DOES_NOT_FIT',
      message:
        'image 0x1ff00000-0x1ff00807 (2056 bytes) does not fit the memory layout "Option Bytes" (0x1ff00000-0x1ff00027, 0x1ff01000-0x1ff01027): 0x1ff00800 is outside it',
    },
    {
      what: 'a layout without sectors',
      run: () => planDfuseDownload(image([0x1000, 1]), parseMemoryLayout('@Flash3'), { transferSize: 2048 }),
      code: 'DOES_NOT_FIT',
      message: 'image 0x00001000-0x00001000 (1 byte) does not fit the memory layout "Flash3" (no memory at all): 0x00001000 is outside it',
    },
    {
      what: 'CubeMX bootloader sectors are read-only',
      run: () => planDfuseDownload(image([0x08000000, 100 * K]), CUBEMX, { transferSize: 2048 }),
      code: 'NOT_WRITABLE',
      message:
        'sector 0x08000000 (16 KiB, type \'a\' = read-only) of "Internal Flash" is not writable; the image writes 0x08000000-0x08007fff there',
      hint:
        'read-only sectors usually hold a bootloader; the first writable address after it is 0x08008000; ' +
        'start the image there (-s 0x08008000) if that is where it belongs',
    },
    {
      what: 'Black Magic Probe bootloader area (unaligned start inside it)',
      run: () =>
        planDfuseDownload(image([0x08001c00, 2048]), parseMemoryLayout('@Internal Flash   /0x08000000/8*001Ka,120*001Kg'), {
          transferSize: 1024,
        }),
      code: 'NOT_WRITABLE',
      message:
        'sector 0x08001c00 (1 KiB, type \'a\' = read-only) of "Internal Flash" is not writable; the image writes 0x08001c00-0x08001fff there',
      hint:
        'read-only sectors usually hold a bootloader; the first writable address after it is 0x08002000; ' +
        'start the image there (-s 0x08002000) if that is where it belongs',
    },
    {
      what: 'erasable but not writable memory: the hint offers :force',
      run: () => planDfuseDownload(image([0x1000, 10]), parseMemoryLayout('@X/0x1000/2*1Kc,2*1Kg'), { transferSize: 64 }),
      code: 'NOT_WRITABLE',
      message: 'sector 0x00001000 (1 KiB, type \'c\' = readable, erasable) of "X" is not writable; the image writes 0x00001000-0x00001009 there',
      hint:
        "the first writable address after it is 0x00001800; start the image there (-s 0x00001800) if that is where it belongs; " +
        "if the device's layout string mislabels this memory, :force writes anyway",
    },
    {
      what: 'no writable memory anywhere after it',
      run: () => planDfuseDownload(image([0x1400, 10]), parseMemoryLayout('@X/0x1000/2*1Kb'), { transferSize: 64 }),
      code: 'NOT_WRITABLE',
      message: 'sector 0x00001400 (1 KiB, type \'b\' = erasable) of "X" is not writable; the image writes 0x00001400-0x00001409 there',
      hint: "the layout has no writable memory after it; if the device's layout string mislabels this memory, :force writes anyway",
    },
    {
      what: 'image wraps past 4 GiB (even with force)',
      run: () => planDfuseDownload(image([0xfffffff0, 0x20]), F4, { transferSize: 64, force: true }),
      code: 'DOES_NOT_FIT',
      message: 'image data at 0xfffffff0 (32 bytes) does not fit in the 32-bit address space',
    },
    {
      what: 'overlapping image segments',
      run: () => planDfuseDownload(image([0x08000000, 0x100], [0x080000f0, 0x100]), F4, { transferSize: 64 }),
      code: 'FORMAT',
      message: 'image segments overlap: the segment at 0x080000f0 starts before 0x08000100, where the previous one ends',
    },
    {
      what: 'transfer size 0',
      run: () => planDfuseDownload(image([0x08000000, 1]), F4, { transferSize: 0 }),
      code: 'USAGE',
      message: 'transfer size 0 is not an integer from 1 to 65535',
      hint: 'pass -t with a size in bytes such as 1024 or 2048, or leave it out to use the device-reported wTransferSize',
    },
    {
      what: 'transfer size 65536',
      run: () => planDfuseDownload(image([0x08000000, 1]), F4, { transferSize: 65536 }),
      code: 'USAGE',
      message: 'transfer size 65536 is not an integer from 1 to 65535',
    },
    {
      what: 'leave address beyond 32 bits',
      run: () => planDfuseDownload(image([0x08000000, 1]), F4, { transferSize: 2048, leave: true, leaveAddress: 2 ** 32 }),
      code: 'USAGE',
      message: 'leave address 4294967296 is not a 32-bit address',
    },
  ];
  for (const c of cases) {
    test(c.what, () => expectError(c.run, c.code, c.message, c.hint));
  }

  test('the error details name the facts for --json', () => {
    assert.throws(
      () => planDfuseDownload(image([0x08000000, 10]), CUBEMX, { transferSize: 2048 }),
      (e: unknown) => {
        assert.ok(e instanceof DfuFlashError);
        assert.deepEqual(e.details, { reason: 'sector-not-writable', address: 0x08000000, type: 'a', readOnly: true, firstWritable: 0x08008000, region: 'Internal Flash', layout: CUBEMX.raw });
        return true;
      },
    );
  });
});

describe('planDfuDownload (DFU 1.1)', () => {
  test('one run at address 0, ceil(len / transferSize) blocks, nothing else', () => {
    const data = bytes(0, 5000);
    assert.deepEqual(planDfuDownload(data, { transferSize: 2048 }), {
      protocol: 'dfu',
      transferSize: 2048,
      massErase: false,
      erase: [],
      writes: [{ address: 0, data, blocks: 3 }],
      leave: undefined,
      willReset: false,
      totals: { eraseBytes: 0, writeBytes: 5000, blocks: 3 },
    });
  });
  test('block counts past 0xffff are not split (wBlockNum wraps in DFU 1.1)', () => {
    const plan = planDfuDownload(new Uint8Array(70000), { transferSize: 1 });
    assert.deepEqual(plan.writes.map((w) => w.blocks), [70000]);
  });
  test('odd transfer sizes (TDK 1023) and exact multiples', () => {
    assert.equal(planDfuDownload(new Uint8Array(1023 * 3), { transferSize: 1023 }).totals.blocks, 3);
    assert.equal(planDfuDownload(new Uint8Array(1023 * 3 + 1), { transferSize: 1023 }).totals.blocks, 4);
    assert.equal(planDfuDownload(new Uint8Array(0), { transferSize: 1023 }).totals.blocks, 0);
  });
  test('bad transfer size', () => {
    expectError(() => planDfuDownload(new Uint8Array(1), { transferSize: 1.5 }), 'USAGE', 'transfer size 1.5 is not an integer from 1 to 65535');
  });
});
