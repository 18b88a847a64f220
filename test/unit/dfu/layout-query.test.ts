import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findSegment,
  formatLayout,
  formatRange,
  formatSize,
  layoutEnd,
  layoutRanges,
  nextAddress,
  pageAt,
  parseMemoryLayout,
} from '../../../src/dfu/memory-layout.js';

const F4 = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
const CUBEMX = parseMemoryLayout('@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg');
const DAISY = parseMemoryLayout('@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg');
const OPTION_BYTES = parseMemoryLayout('@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e');
const FLASH2 = parseMemoryLayout('@Flash2 /0xF000/4*100Ba/0xE000/3*8Kg/0x80000/2*24Kg');
const MIXED = parseMemoryLayout('@M/0x1000/2*16Ba,2*16Bb,2*16Bg');

describe('findSegment', () => {
  const cases: Array<[string, typeof F4, number, number | undefined]> = [
    ['first byte', F4, 0x08000000, 0],
    ['last byte of a group', F4, 0x0800ffff, 0],
    ['first byte of the next group', F4, 0x08010000, 1],
    ['last byte of the layout', F4, 0x080fffff, 2],
    ['one past the end', F4, 0x08100000, undefined],
    ['before the start', F4, 0x07ffffff, undefined],
    ['gap between option-byte regions', OPTION_BYTES, 0x1fff7830, undefined],
    ['second option-byte region', OPTION_BYTES, 0x1ffff800, 1],
    ['overlap: the first listed zone wins', FLASH2, 0xf000, 0],
    ['overlap: past the first zone, the second', FLASH2, 0xf190, 1],
  ];
  for (const [what, layout, address, index] of cases) {
    test(what, () => {
      assert.equal(findSegment(layout, address), index === undefined ? undefined : layout.segments[index]);
    });
  }
});

describe('pageAt', () => {
  const cases: Array<[typeof F4, number, { start: number; size: number; segment: number } | undefined]> = [
    [F4, 0x08000000, { start: 0x08000000, size: 0x4000, segment: 0 }],
    [F4, 0x08004100, { start: 0x08004000, size: 0x4000, segment: 0 }],
    [F4, 0x0801ffff, { start: 0x08010000, size: 0x10000, segment: 1 }],
    [F4, 0x08061234, { start: 0x08060000, size: 0x20000, segment: 2 }],
    [F4, 0x08100000, undefined],
    [FLASH2, 0xf0c8, { start: 0xf0c8, size: 100, segment: 0 }],
    [FLASH2, 0xf190, { start: 0xe000, size: 0x2000, segment: 1 }],
  ];
  for (const [layout, address, expected] of cases) {
    test(`${layout.name} 0x${address.toString(16)}`, () => {
      const page = pageAt(layout, address);
      assert.deepEqual(
        page,
        expected === undefined ? undefined : { start: expected.start, size: expected.size, segment: layout.segments[expected.segment] },
      );
    });
  }
});

describe('layoutEnd', () => {
  test('follows groups to the end of the F4 flash', () => {
    assert.equal(layoutEnd(F4, 0x08000000), 0x08100000);
    assert.equal(layoutEnd(F4, 0x08050000), 0x08100000);
  });
  test('follows separate regions that touch (Daisy)', () => {
    assert.equal(layoutEnd(DAISY, 0x90000000), 0x90000000 + 64 * 4096 + 120 * 65536);
  });
  test('stops at a gap between regions', () => {
    assert.equal(layoutEnd(OPTION_BYTES, 0x1fff7800), 0x1fff7830);
    assert.equal(layoutEnd(OPTION_BYTES, 0x1ffff810), 0x1ffff830);
  });
  test('undefined outside the layout', () => {
    assert.equal(layoutEnd(F4, 0x20000000), undefined);
    assert.equal(layoutEnd(parseMemoryLayout('@Flash3'), 0), undefined);
  });
  test('with a filter: stops at the first rejected segment', () => {
    assert.equal(layoutEnd(MIXED, 0x1000, (s) => s.readable), 0x1020);
    assert.equal(layoutEnd(MIXED, 0x1000, (s) => s.erasable), undefined);
    assert.equal(layoutEnd(MIXED, 0x1020, (s) => s.erasable), 0x1060);
    assert.equal(layoutEnd(CUBEMX, 0x08000000, (s) => s.readable), 0x08080000);
  });
  test('an overlapping region still ends (fwupd zones)', () => {
    assert.equal(layoutEnd(FLASH2, 0xf000), 0x14000);
  });
});

describe('layoutRanges', () => {
  test('merges touching and overlapping segments, sorted', () => {
    assert.deepEqual(layoutRanges(FLASH2), [
      { start: 0xe000, end: 0x14000 },
      { start: 0x80000, end: 0x8c000 },
    ]);
    assert.deepEqual(layoutRanges(OPTION_BYTES), [
      { start: 0x1fff7800, end: 0x1fff7830 },
      { start: 0x1ffff800, end: 0x1ffff830 },
    ]);
    assert.deepEqual(layoutRanges(F4), [{ start: 0x08000000, end: 0x08100000 }]);
    assert.deepEqual(layoutRanges(parseMemoryLayout('@Flash3')), []);
  });
});

describe('nextAddress', () => {
  test('first writable address after the read-only CubeMX sectors', () => {
    assert.equal(nextAddress(CUBEMX, 0x08000000, (s) => s.writable), 0x08008000);
    assert.equal(nextAddress(CUBEMX, 0x08009000, (s) => s.writable), 0x08009000);
  });
  test('jumps over gaps and reports undefined past the end', () => {
    assert.equal(nextAddress(OPTION_BYTES, 0x1fff7830), 0x1ffff800);
    assert.equal(nextAddress(OPTION_BYTES, 0x1ffff830), undefined);
    assert.equal(nextAddress(MIXED, 0x1000, (s) => s.erasable && !s.readable), 0x1020);
  });
});

describe('formatLayout / formatSize / formatRange', () => {
  const cases: Array<[string, string]> = [
    ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', '0x08000000 4×16 KiB g, 1×64 KiB g, 7×128 KiB g'],
    ['@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg', '0x08000000 2×16 KiB a, 2×16 KiB g, 1×64 KiB g, 3×128 KiB g'],
    ['@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e', '0x1fff7800 1×48 B e; 0x1ffff800 1×48 B e'],
    ['@Flash /0x90000000/64*4Kg/0x90040000/60*64Kg/0x90400000/60*64Kg', '0x90000000 64×4 KiB g, 60×64 KiB g, 60×64 KiB g'],
    ['@OTP Memory   /0x1FFF7000/01*1024 e', '0x1fff7000 1×1 KiB e'],
    ['@Big /0x60000000/2*1Mg', '0x60000000 2×1 MiB g'],
    ['@Flash2 /0xF000/4*100Ba/0xE000/3*8Kg/0x80000/2*24Kg', '0x0000f000 4×100 B a; 0x0000e000 3×8 KiB g; 0x00080000 2×24 KiB g'],
    ['@Flash3', 'no sectors'],
  ];
  for (const [raw, expected] of cases) {
    test(raw, () => assert.equal(formatLayout(parseMemoryLayout(raw)), expected));
  }
  test('formatSize', () => {
    assert.deepEqual(
      [0, 40, 1023, 1024, 1536, 16384, 1048576, 3 * 1048576, 1048576 + 1024].map(formatSize),
      ['0 B', '40 B', '1023 B', '1 KiB', '1536 B', '16 KiB', '1 MiB', '3 MiB', '1025 KiB'],
    );
  });
  test('formatRange prints the last byte', () => {
    assert.equal(formatRange(0x08000000, 0x08100000), '0x08000000-0x080fffff');
    assert.equal(formatRange(0xffff0000, 0x100000000), '0xffff0000-0xffffffff');
  });
});
