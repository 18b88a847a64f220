import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuseLayout, parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import type { MemorySegment } from '../../../src/dfu/plan-types.js';
import { DfuFlashError } from '../../../src/shared/errors.js';

const K = 1024;

/** Access flags per type letter, spelled out (UM0424: a = read-only, e = readable + writable, g = all three). */
const ACCESS: Record<string, [boolean, boolean, boolean]> = {
  a: [true, false, false],
  b: [false, true, false],
  c: [true, true, false],
  d: [false, false, true],
  e: [true, false, true],
  f: [false, true, true],
  g: [true, true, true],
};

/** [start, count, pageSize, type] → the segment the parser must produce. */
type Row = [number, number, number, string];
function seg([start, count, pageSize, type]: Row): MemorySegment {
  const [readable, erasable, writable] = ACCESS[type] as [boolean, boolean, boolean];
  return { start, end: start + count * pageSize, pageSize, count, type, readable, erasable, writable };
}

/** Every DfuSe interface string in research/devices.md (row numbers), the -l examples in anchors.md, and the mboot binary. */
const REAL: Array<{ source: string; raw: string; name: string; segments: Row[] }> = [
  { source: 'rows 1-3', raw: '@Internal Flash  /0x08000000/128*002Kg', name: 'Internal Flash', segments: [[0x08000000, 128, 2 * K, 'g']] },
  { source: 'rows 1, 24', raw: '@Option Bytes  /0x1FFFF800/01*016 g', name: 'Option Bytes', segments: [[0x1fff_f800, 1, 16, 'g']] },
  { source: 'rows 2, 3, 10', raw: '@Option Bytes  /0x1FFFF800/01*016 e', name: 'Option Bytes', segments: [[0x1fff_f800, 1, 16, 'e']] },
  {
    source: 'rows 4, 7',
    raw: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 4, 16 * K, 'g'], [0x08010000, 1, 64 * K, 'g'], [0x08020000, 7, 128 * K, 'g']],
  },
  { source: 'row 4', raw: '@Option Bytes  /0x1FFFC000/01*016 g', name: 'Option Bytes', segments: [[0x1fff_c000, 1, 16, 'g']] },
  {
    source: 'row 4',
    raw: '@OTP Memory /0x1FFF7800/01*512 g,01*016 g',
    name: 'OTP Memory',
    segments: [[0x1fff_7800, 1, 512, 'g'], [0x1fff_7a00, 1, 16, 'g']],
  },
  { source: 'row 4', raw: '@Device Feature/0xFFFF0000/01*004 g', name: 'Device Feature', segments: [[0xffff_0000, 1, 4, 'g']] },
  {
    source: 'row 5',
    raw: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 4, 16 * K, 'g'], [0x08010000, 1, 64 * K, 'g'], [0x08020000, 3, 128 * K, 'g']],
  },
  { source: 'row 5', raw: '@Option Bytes  /0x1FFFC000/01*016 e', name: 'Option Bytes', segments: [[0x1fff_c000, 1, 16, 'e']] },
  {
    source: 'row 5',
    raw: '@OTP Memory /0x1FFF7800/01*512 e,01*016 e',
    name: 'OTP Memory',
    segments: [[0x1fff_7800, 1, 512, 'e'], [0x1fff_7a00, 1, 16, 'e']],
  },
  { source: 'rows 5, 6, 21', raw: '@Device Feature/0xFFFF0000/01*004 e', name: 'Device Feature', segments: [[0xffff_0000, 1, 4, 'e']] },
  {
    source: 'row 9',
    raw: '@Internal Flash /0x08000000/04*032Kg,01*128Kg,07*256Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 4, 32 * K, 'g'], [0x08020000, 1, 128 * K, 'g'], [0x08040000, 7, 256 * K, 'g']],
  },
  { source: 'row 10', raw: '@Internal Flash  /0x08000000/064*0002Kg', name: 'Internal Flash', segments: [[0x08000000, 64, 2 * K, 'g']] },
  { source: 'row 12', raw: '@Internal Flash  /0x08000000/0128*0002Kg', name: 'Internal Flash', segments: [[0x08000000, 128, 2 * K, 'g']] },
  { source: 'row 12', raw: '@Option Bytes  /0x1FFF7800/01*040 e', name: 'Option Bytes', segments: [[0x1fff_7800, 1, 40, 'e']] },
  { source: 'rows 12, 14', raw: '@OTP Memory /0x1FFF7000/01*0001Ke', name: 'OTP Memory', segments: [[0x1fff_7000, 1, K, 'e']] },
  { source: 'row 14', raw: '@Internal Flash  /0x08000000/512*0004Kg', name: 'Internal Flash', segments: [[0x08000000, 512, 4 * K, 'g']] },
  {
    source: 'row 14',
    raw: '@Option Bytes  /0x1FF00000/01*040 e/0x1FF01000/01*040 e',
    name: 'Option Bytes',
    segments: [[0x1ff0_0000, 1, 40, 'e'], [0x1ff0_1000, 1, 40, 'e']],
  },
  { source: 'row 16', raw: '@Internal Flash   /0x08000000/256*02Kg', name: 'Internal Flash', segments: [[0x08000000, 256, 2 * K, 'g']] },
  {
    source: 'row 16',
    raw: '@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e',
    name: 'Option Bytes',
    segments: [[0x1fff_7800, 1, 48, 'e'], [0x1fff_f800, 1, 48, 'e']],
  },
  { source: 'row 16', raw: '@OTP Memory   /0x1FFF7000/01*1024 e', name: 'OTP Memory', segments: [[0x1fff_7000, 1, 1024, 'e']] },
  { source: 'rows 17, 18', raw: '@Internal Flash   /0x08000000/64*02Kg', name: 'Internal Flash', segments: [[0x08000000, 64, 2 * K, 'g']] },
  { source: 'row 17', raw: '@Option Bytes   /0x1FFF7800/01*40Be', name: 'Option Bytes', segments: [[0x1fff_7800, 1, 40, 'e']] },
  { source: 'row 17', raw: '@OTP Memory   /0x1FFF7000/01*01Ke', name: 'OTP Memory', segments: [[0x1fff_7000, 1, K, 'e']] },
  { source: 'row 19', raw: '@Internal Flash   /0x08000000/256*04Kg', name: 'Internal Flash', segments: [[0x08000000, 256, 4 * K, 'g']] },
  { source: 'row 20', raw: '@Internal Flash   /0x08000000/16*128Kg', name: 'Internal Flash', segments: [[0x08000000, 16, 128 * K, 'g']] },
  { source: 'row 20', raw: '@Option Bytes   /0x5200201C/01*128 e', name: 'Option Bytes', segments: [[0x5200_201c, 1, 128, 'e']] },
  { source: 'row 21', raw: '@Internal Flash /0x08000000/16*128Kg', name: 'Internal Flash', segments: [[0x08000000, 16, 128 * K, 'g']] },
  { source: 'row 21', raw: '@Option Bytes /0x5200201C/01*128 e', name: 'Option Bytes', segments: [[0x5200_201c, 1, 128, 'e']] },
  { source: 'row 21', raw: '@OTP Memory /0x08FFF000/01*1024 e', name: 'OTP Memory', segments: [[0x08ff_f000, 1, 1024, 'e']] },
  {
    source: 'row 22 (Daisy, three regions)',
    raw: '@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg',
    name: 'Flash',
    segments: [[0x9000_0000, 64, 4 * K, 'g'], [0x9004_0000, 60, 64 * K, 'g'], [0x9040_0000, 60, 64 * K, 'g']],
  },
  { source: 'row 24', raw: '@Internal Flash  /0x08000000/512*002Kg', name: 'Internal Flash', segments: [[0x08000000, 512, 2 * K, 'g']] },
  {
    source: 'row 25',
    raw: '@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 3, 16 * K, 'a'], [0x0800c000, 1, 16 * K, 'g'], [0x08010000, 1, 64 * K, 'g'], [0x08020000, 7, 128 * K, 'g']],
  },
  { source: 'row 25', raw: '@DCT Flash   /0x00000000/01*016Kg', name: 'DCT Flash', segments: [[0, 1, 16 * K, 'g']] },
  {
    source: 'row 26',
    raw: '@Internal Flash  /0x08000000/20*001Ka,108*001Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 20, K, 'a'], [0x08005000, 108, K, 'g']],
  },
  { source: 'row 26', raw: '@SPI Flash : SST25x/0x00000000/512*04Kg', name: 'SPI Flash : SST25x', segments: [[0, 512, 4 * K, 'g']] },
  {
    source: 'row 27',
    raw: '@Internal Flash   /0x08000000/8*001Ka,120*001Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 8, K, 'a'], [0x08002000, 120, K, 'g']],
  },
  {
    source: 'rows 31, 32',
    raw: '@Internal Flash  /0x08000000/12*001Ka,116*001Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 12, K, 'a'], [0x08003000, 116, K, 'g']],
  },
  {
    source: 'row 31',
    raw: '@SPI Flash : M25P64/0x00000000/64*064Kg,64*064Kg',
    name: 'SPI Flash : M25P64',
    segments: [[0, 64, 64 * K, 'g'], [0x0040_0000, 64, 64 * K, 'g']],
  },
  { source: 'row 32', raw: '@SPI Flash : M25P64/0x00000000/128*64Kg', name: 'SPI Flash : M25P64', segments: [[0, 128, 64 * K, 'g']] },
  { source: 'anchors §2 (GD32)', raw: '@Option Bytes  /0x1FFFF800/01*016Be', name: 'Option Bytes', segments: [[0x1fff_f800, 1, 16, 'e']] },
  {
    source: 'MicroPython mboot (fixtures/real/dfuse)',
    raw: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg/0x80000000/8192*4Kg',
    name: 'Internal Flash',
    segments: [
      [0x08000000, 4, 16 * K, 'g'],
      [0x08010000, 1, 64 * K, 'g'],
      [0x08020000, 7, 128 * K, 'g'],
      [0x8000_0000, 8192, 4 * K, 'g'],
    ],
  },
  {
    source: 'CubeMX bootloader (brief)',
    raw: '@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg',
    name: 'Internal Flash',
    segments: [[0x08000000, 2, 16 * K, 'a'], [0x08008000, 2, 16 * K, 'g'], [0x08010000, 1, 64 * K, 'g'], [0x08020000, 3, 128 * K, 'g']],
  },
  { source: 'variant: no space before /', raw: '@Internal Flash/0x08000000/64*02Kg', name: 'Internal Flash', segments: [[0x08000000, 64, 2 * K, 'g']] },
  { source: 'fwupd quirk (ATmega32U4)', raw: '@Flash/0x0/1*28Kg', name: 'Flash', segments: [[0, 1, 28 * K, 'g']] },
  // fwupd's self-test vectors
  { source: 'fwupd', raw: '@Flash3', name: 'Flash3', segments: [] },
  {
    source: 'fwupd',
    raw: '@Internal Flash /0x08000000/2*001Ka',
    name: 'Internal Flash',
    segments: [[0x08000000, 2, K, 'a']],
  },
  {
    source: 'fwupd',
    raw: '@Flash1   /0x08000000/2*001Ka,4*001Kg',
    name: 'Flash1',
    segments: [[0x08000000, 2, K, 'a'], [0x08000800, 4, K, 'g']],
  },
  {
    source: 'fwupd (three zones)',
    raw: '@Flash2 /0xF000/4*100Ba/0xE000/3*8Kg/0x80000/2*24Kg',
    name: 'Flash2',
    segments: [[0xf000, 4, 100, 'a'], [0xe000, 3, 8 * K, 'g'], [0x80000, 2, 24 * K, 'g']],
  },
  // grammar corners
  { source: 'M unit', raw: '@Big /0x60000000/2*1Mg', name: 'Big', segments: [[0x6000_0000, 2, 1024 * K, 'g']] },
  { source: 'every type letter', raw: '@T/0x0/1*1Ka,1*1Kb,1*1Kc,1*1Kd,1*1Ke,1*1Kf,1*1Kg', name: 'T', segments: 'abcdefg'.split('').map((t, i): Row => [i * K, 1, K, t]) },
  { source: 'ends at 4 GiB', raw: '@Top/0xFFFF0000/1*64Kg', name: 'Top', segments: [[0xffff_0000, 1, 64 * K, 'g']] },
  { source: 'trailing blank after type', raw: '@X/0x08000000/2*1Kg ', name: 'X', segments: [[0x08000000, 2, K, 'g']] },
  { source: 'empty name', raw: '@/0x20000000/1*1Kg', name: '', segments: [[0x2000_0000, 1, K, 'g']] },
];

describe('parseMemoryLayout: real interface strings', () => {
  for (const row of REAL) {
    test(`${row.source}: ${JSON.stringify(row.raw)}`, () => {
      assert.deepEqual(parseMemoryLayout(row.raw), { name: row.name, raw: row.raw, segments: row.segments.map(seg) });
    });
  }
});

const INVALID: Array<[string, string]> = [
  ['@Internal Flash /0x08000000/12*001a', "sector group '12*001a' has no unit (B, K, M or a space) before its type letter 'a'"],
  ['@Internal Flash /0x08000000', 'region at 0x08000000 has no sector list (expected /0x08000000/COUNT*SIZE<unit><type>)'],
  ['@Internal Flash /0x08000000/2*016', "sector group '2*016' has no unit (B, K, M or a space) and no type letter (a–g)"],
  ['@Internal Flash /0x08000000/2*016K', "sector group '2*016K' has no type letter (a–g) after its unit"],
  ['@Internal Flash /0x08000000/2*016Kh', "sector group '2*016Kh' has an unknown type letter 'h' (expected a–g)"],
  ['@Internal Flash /0x08000000/2*016kg', "sector group '2*016kg' has an unknown unit 'k' (expected B, K, M or a space)"],
  ['@Internal Flash /0x08000000/2*016KG', "sector group '2*016KG' has an unknown type letter 'G' (expected a–g)"],
  ['@X/0x08000000/4*16Kgx', "sector group '4*16Kgx' has unexpected text 'x' after its type letter"],
  ['@X/0x08000000/4x16Kg', "sector group '4x16Kg' is not COUNT*SIZE<unit><type> (e.g. 04*016Kg)"],
  ['@X/0x08000000/*16Kg', "sector group '*16Kg' is not COUNT*SIZE<unit><type> (e.g. 04*016Kg)"],
  ['@X/0x08000000/-1*16Kg', "sector group '-1*16Kg' is not COUNT*SIZE<unit><type> (e.g. 04*016Kg)"],
  ['@X/0x08000000/4*16Kg,,1*64Kg', 'empty sector group (two commas, or a comma at the end of a region)'],
  ['@X/0x08000000/4*16Kg,', 'empty sector group (two commas, or a comma at the end of a region)'],
  ['@X/0x08000000/0*16Kg', "sector group '0*16Kg' has a sector count of 0"],
  ['@X/0x08000000/4*0Kg', "sector group '4*0Kg' has a sector size of 0"],
  ['@X/0xFFFF0000/2*64Kg', "sector group '2*64Kg' starting at 0xffff0000 runs past the end of the 32-bit address space"],
  ['@X/0x08000000/9999999999*1Mg', "sector group '9999999999*1Mg' starting at 0x08000000 runs past the end of the 32-bit address space"],
  ['@X/08000000/2*1Kg', "address '08000000' is not a 0x-prefixed hexadecimal number of at most 32 bits"],
  ['@X/0x/2*1Kg', "address '0x' is not a 0x-prefixed hexadecimal number of at most 32 bits"],
  ['@X/0x123456789/2*1Kg', "address '0x123456789' is not a 0x-prefixed hexadecimal number of at most 32 bits"],
  ['@X/ 0x08000000/2*1Kg', "address ' 0x08000000' is not a 0x-prefixed hexadecimal number of at most 32 bits"],
  ['@X/', 'an empty address is not a 0x-prefixed hexadecimal number of at most 32 bits'],
  ['@X/0x08000000/4*16Kg/', 'an empty address is not a 0x-prefixed hexadecimal number of at most 32 bits'],
  ['@X/0x08000000/4*16Kg/0x09000000', 'region at 0x09000000 has no sector list (expected /0x09000000/COUNT*SIZE<unit><type>)'],
  ['@X/0x08000000/', 'region at 0x08000000 has no sector list (expected /0x08000000/COUNT*SIZE<unit><type>)'],
  ['Internal Flash', "does not start with '@', so it is not a DfuSe memory layout"],
  ['', "does not start with '@', so it is not a DfuSe memory layout"],
  [' @Internal Flash /0x08000000/2*1Kg', "does not start with '@', so it is not a DfuSe memory layout"],
];

describe('parseMemoryLayout: malformed strings', () => {
  for (const [raw, problem] of INVALID) {
    test(JSON.stringify(raw), () => {
      assert.throws(
        () => parseMemoryLayout(raw),
        (e: unknown) => {
          assert.ok(e instanceof DfuFlashError);
          assert.equal(e.code, 'LAYOUT');
          assert.equal(e.message, `memory layout "${raw}": ${problem}`);
          assert.match(e.hint ?? '', /@NAME\/0xADDR\/COUNT\*SIZE<unit><type>/);
          assert.equal(e.details['layout'], raw);
          return true;
        },
      );
    });
  }
});

describe('isDfuseLayout', () => {
  const cases: Array<[string, boolean]> = [
    ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', true],
    ['@Flash3', true],
    ['@Internal Flash /0x08000000', true], // claims to be a layout; parsing then reports what is wrong
    // row 28, 29, 30, 36, 37, 40: plain DFU devices with prose names
    ['STM32duino bootloader v1.0  Upload to Flash 0x8005000', false],
    ['STM32duino bootloader v1.0  ERROR. Upload to RAM not supported.', false],
    ['DAPBoot DFU', false],
    ['Internal Flash', false],
    ['RAM 0x32000000', false],
    ['SimTrace DFU Interface - Application Partition', false],
    ['mmc1_boot2', false],
    ['UNKNOWN', false],
    ['', false],
  ];
  for (const [name, expected] of cases) {
    test(`${JSON.stringify(name)} → ${expected}`, () => assert.equal(isDfuseLayout(name), expected));
  }
});
