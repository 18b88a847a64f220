import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { planDfuseUpload } from '../../../src/dfu/planner.js';
import { DfuFlashError, type ErrorCode } from '../../../src/shared/errors.js';
import { cliHint } from '../../../src/cli/hints.js';
import { cliWords } from '../../support/message-style.js';

const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const OPTION_BYTES = parseMemoryLayout('@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e');
const MIXED = parseMemoryLayout('@M/0x1000/2*16Ba,2*16Bb,2*16Bg');
const DAISY = parseMemoryLayout('@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg');

describe('planDfuseUpload: plans', () => {
  const cases: Array<[string, Parameters<typeof planDfuseUpload>, { address: number; length: number; blocks: number }]> = [
    ['whole F4 flash by default', [F4, { address: 0x08000000, transferSize: 2048 }], { address: 0x08000000, length: 0x100000, blocks: 512 }],
    ['from the middle to the end', [F4, { address: 0x08050000, transferSize: 2048 }], { address: 0x08050000, length: 0xb0000, blocks: 352 }],
    ['explicit length', [F4, { address: 0x08000000, length: 0x4000, transferSize: 2048 }], { address: 0x08000000, length: 0x4000, blocks: 8 }],
    ['last byte of the flash', [F4, { address: 0x080fffff, length: 1, transferSize: 2048 }], { address: 0x080fffff, length: 1, blocks: 1 }],
    ['partial last block', [F4, { address: 0x08000000, length: 100, transferSize: 64 }], { address: 0x08000000, length: 100, blocks: 2 }],
    ['stops at a gap between regions', [OPTION_BYTES, { address: 0x1fff7800, transferSize: 2048 }], { address: 0x1fff7800, length: 48, blocks: 1 }],
    ['runs through touching regions', [DAISY, { address: 0x90000000, transferSize: 4096 }], { address: 0x90000000, length: 0x7c0000, blocks: 1984 }],
    ['stops before unreadable sectors', [MIXED, { address: 0x1000, transferSize: 8 }], { address: 0x1000, length: 32, blocks: 4 }],
    ['force: unknown memory with a length', [F4, { address: 0x20000000, length: 100, transferSize: 64, force: true }], { address: 0x20000000, length: 100, blocks: 2 }],
    ['force: unreadable memory to the end of the layout', [MIXED, { address: 0x1020, transferSize: 16, force: true }], { address: 0x1020, length: 64, blocks: 4 }],
    ['force: no layout, explicit length', [undefined, { address: 0x08000000, length: 4096, transferSize: 1024, force: true }], { address: 0x08000000, length: 4096, blocks: 4 }],
  ];
  for (const [what, args, expected] of cases) {
    test(what, () => assert.deepEqual(planDfuseUpload(...args), expected));
  }
});

describe('planDfuseUpload: refusals', () => {
  const cases: Array<{ what: string; args: Parameters<typeof planDfuseUpload>; code: ErrorCode; message: string; hint: string }> = [
    {
      what: 'no address',
      args: [F4, { address: undefined, transferSize: 2048 }],
      code: 'USAGE',
      message: 'a DfuSe upload needs a start address',
      hint: 'give -s ADDR[:LEN], e.g. -s 0x08000000:0x10000; without LEN the upload reads to the end of the memory region that holds ADDR',
    },
    {
      what: 'length 0',
      args: [F4, { address: 0x08000000, length: 0, transferSize: 2048 }],
      code: 'USAGE',
      message: 'upload length 0 at 0x08000000 is not a positive size inside the 32-bit address space',
      hint: 'give -s ADDR:LEN with LEN > 0, e.g. -s 0x08000000:0x10000',
    },
    {
      what: 'negative address',
      args: [F4, { address: -1, transferSize: 2048 }],
      code: 'USAGE',
      message: 'upload address -1 is not a 32-bit address',
      hint: 'give -s ADDR[:LEN], e.g. -s 0x08000000:0x10000',
    },
    {
      what: 'start outside the layout',
      args: [F4, { address: 0x20000000, transferSize: 2048 }],
      code: 'DOES_NOT_FIT',
      message: 'upload start 0x20000000 is outside the memory layout of "Internal Flash" (0x08000000-0x080fffff): 0x20000000 is not in it',
      hint: 'check -s ADDR[:LEN] and the alt setting (-a); add :force to read it anyway',
    },
    {
      what: 'length past the end of the flash',
      args: [F4, { address: 0x08000000, length: 0x200000, transferSize: 2048 }],
      code: 'DOES_NOT_FIT',
      message: 'upload 0x08000000-0x081fffff is outside the memory layout of "Internal Flash" (0x08000000-0x080fffff): 0x08100000 is not in it',
      hint: 'check -s ADDR[:LEN] and the alt setting (-a); shorten LEN to at most 1048576 bytes (-s 0x08000000:1048576), or add :force to read it anyway',
    },
    {
      what: 'length into the gap between option-byte regions',
      args: [OPTION_BYTES, { address: 0x1fff7800, length: 64, transferSize: 2048 }],
      code: 'DOES_NOT_FIT',
      message:
        'upload 0x1fff7800-0x1fff783f is outside the memory layout of "Option Bytes" (0x1fff7800-0x1fff782f, 0x1ffff800-0x1ffff82f): 0x1fff7830 is not in it',
      hint: 'check -s ADDR[:LEN] and the alt setting (-a); shorten LEN to at most 48 bytes (-s 0x1fff7800:48), or add :force to read it anyway',
    },
    {
      what: 'start in unreadable memory',
      args: [MIXED, { address: 0x1020, transferSize: 2048 }],
      code: 'UNSUPPORTED',
      message: 'sector 0x00001020 (16 B, type \'b\' = erasable) of "M" is not readable; the upload starts there',
      hint: 'the next readable address is 0x00001040; add :force to try reading it anyway (the device will probably refuse)',
    },
    {
      what: 'length into unreadable memory',
      args: [MIXED, { address: 0x1008, length: 48, transferSize: 2048 }],
      code: 'UNSUPPORTED',
      message: 'sector 0x00001020 (16 B, type \'b\' = erasable) of "M" is not readable; upload 0x00001008-0x00001037 reaches it',
      hint: 'shorten LEN to at most 24 bytes (-s 0x00001008:24); add :force to try reading it anyway (the device will probably refuse)',
    },
    {
      what: 'no layout known',
      args: [undefined, { address: 0x08000000, length: 16, transferSize: 2048 }],
      code: 'DOES_NOT_FIT',
      message: 'upload 0x08000000-0x0800000f: no memory layout is known for this alt setting',
      hint: 'check -s ADDR[:LEN] and the alt setting (-a); add :force to read it anyway',
    },
    {
      what: 'force without a length in unknown memory',
      args: [F4, { address: 0x20000000, transferSize: 2048, force: true }],
      code: 'USAGE',
      message: 'cannot tell how much to read: 0x20000000 is not in the memory layout of "Internal Flash"',
      hint: 'give the length too: -s 0x20000000:LEN, e.g. -s 0x20000000:0x4000',
    },
    {
      what: 'bad transfer size',
      args: [F4, { address: 0x08000000, transferSize: -2 }],
      code: 'USAGE',
      message: 'transfer size -2 is not an integer from 1 to 65535',
      hint: 'pass -t with a size in bytes such as 1024 or 2048, or leave it out to use the device-reported wTransferSize',
    },
  ];
  for (const c of cases) {
    test(c.what, () => {
      assert.throws(
        () => planDfuseUpload(...c.args),
        (e: unknown) => {
          assert.ok(e instanceof DfuFlashError, String(e));
          assert.equal(e.code, c.code);
          assert.equal(e.message, c.message);
          assert.deepEqual(cliWords(e.hint ?? ''), [], `the library's hint names no flag: ${e.hint}`);
          assert.equal(cliHint(e, 'linux'), c.hint, 'the CLI shows the flags');
          return true;
        },
      );
    });
  }
});
