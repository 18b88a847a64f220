/**
 * MANIFEST.md's cross-file equalities: files from the same build, in
 * different formats, hold the same bytes at the same addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFirmware } from '../../src/formats/detect.js';
import type { FirmwareImage, ImageSegment } from '../../src/formats/image.js';
import { placeImage } from '../../src/formats/raw.js';
import { parseDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { expectFormatError } from '../unit/formats/helpers.js';
import { readReal, skipUnlessReal } from './real-fixtures.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

function load(path: string): FirmwareImage {
  return parseFirmware(readReal(path), { fileName: path.slice(path.lastIndexOf('/') + 1) });
}

/** A raw binary from the same build, placed where the linker put it. */
function binAt(path: string, address: number): ImageSegment[] {
  return placeImage({ ...load(path), addressed: false }, address).segments;
}

describeOrSkip('real fixtures: same build, same bytes', skipUnlessReal.skip, () => {
  const groups: { name: string; files: string[]; bin?: string; address: number; length: number }[] = [
    {
      name: 'crazyflie hex == bin (at 0x08000000)',
      files: ['ihex/crazyflie-custom-main.hex'],
      bin: 'bin/crazyflie-custom-main.bin',
      address: 0x08000000,
      length: 1016,
    },
    {
      name: 'jsc4 ELF (PT_LOAD by paddr) == hex == bin',
      files: ['elf/jsc4-stm32f407-blink_data-lma-ne-vma.elf', 'ihex/jsc4-stm32f407-blink.hex'],
      bin: 'bin/jsc4-stm32f407-blink.bin',
      address: 0x08000000,
      length: 2840,
    },
    {
      name: 'STM32CubeIDE srec == hex == bin',
      files: ['srec/stm32cubeide-f103-blink.srec', 'ihex/stm32cubeide-f103-blink.hex', 'generated/dfuse-pack/from_srec_stm32cubeide-f103-blink.dfu'],
      bin: 'bin/stm32cubeide-f103-blink.bin',
      address: 0x08000000,
      length: 4780,
    },
    {
      name: 'STM32Primer2 s19 == hex == bin',
      files: ['srec/stm32primer2-gnss-main.s19', 'ihex/stm32primer2-gnss-main.hex', 'generated/dfuse-pack/from_s19_stm32primer2-main.dfu'],
      bin: 'bin/stm32primer2-gnss-main.bin',
      address: 0x08000000,
      length: 38168,
    },
    { name: 'Keil Template.axf (PT_LOAD) == hex', files: ['elf/keil-stm32f051-asm-blink_Template.axf', 'ihex/keil-stm32f051-asm-blink_Template.hex'], address: 0x08000000, length: 288 },
    {
      name: 'Keil ALIENTEK LED.axf (RW data inside the load region) == hex',
      files: ['elf/keil-alientek-ministm32-LED_rw-in-load-region.axf', 'ihex/keil-alientek-ministm32-LED.hex'],
      address: 0x08000000,
      length: 6180,
    },
    { name: 'serg-w140 ELF == bin', files: ['elf/serg-w140-stm32f446-blink_text-only.elf'], bin: 'bin/serg-w140-stm32f446-blink.bin', address: 0x08000000, length: 878 },
    {
      name: 'hex2dfu: hex data == element 0 of the ST DLL .dfu',
      files: ['ihex/hex2dfu-test_stm32_0x08003000.hex', 'dfuse/hex2dfu-stdfufiles-test.dfu'],
      address: 0x08003000,
      length: 39604,
    },
  ];

  for (const g of groups) {
    test(g.name, () => {
      const images = g.files.map(load);
      const first = images[0]!.segments;
      assert.equal(first.length, 1);
      assert.equal(first[0]!.address, g.address);
      assert.equal(first[0]!.data.length, g.length);
      for (const [i, image] of images.entries()) assert.deepEqual(image.segments, first, g.files[i]);
      if (g.bin !== undefined) assert.deepEqual(binAt(g.bin, g.address), first, g.bin);
    });
  }

  test('crazyflie: the .dfu holds the same bytes at 0x08004000, the .hex at 0x08000000', () => {
    const hex = load('ihex/crazyflie-custom-main.hex');
    const dfu = load('dfuse/crazyflie-custom-main_0x08004000.dfu');
    assert.equal(hex.segments[0]?.address, 0x08000000);
    assert.equal(dfu.segments[0]?.address, 0x08004000);
    assert.deepEqual(dfu.segments[0]?.data, hex.segments[0]?.data);
    assert.deepEqual(dfu.segments[0]?.data, readReal('bin/crazyflie-custom-main.bin'));
  });

  test('jsc4: the .data PT_LOAD sits at its load address right after .text (0x080006dc)', () => {
    const elf = load('elf/jsc4-stm32f407-blink_data-lma-ne-vma.elf');
    const data = readReal('bin/jsc4-stm32f407-blink.bin').subarray(0x6dc, 0x6dc + 0x43c);
    assert.deepEqual(elf.segments[0]?.data.subarray(0x6dc, 0x6dc + 0x43c), data);
  });

  test('fwupd example: the .dfu payload is the .bin', () => {
    assert.deepEqual(load('dfu-suffix/fwupd-example.dfu').segments[0]?.data, readReal('dfu-suffix/fwupd-example.bin'));
  });

  test('generated suffix files: the payload is the input file', () => {
    const pairs: [string, string][] = [
      ['generated/suffix/check_123456789_default.dfu', 'generated/inputs/check_123456789.bin'],
      ['generated/suffix/random_4099_v1d50_p6017_d0100_S0100.dfu', 'generated/inputs/random_4099.bin'],
    ];
    for (const [dfu, input] of pairs) assert.deepEqual(load(dfu).segments[0]?.data, readReal(input), dfu);
  });

  test('the suffix dfu-suffix added to an empty file parses, and the file is refused: nothing to flash', () => {
    assert.deepEqual(parseDfuSuffix(readReal('generated/suffix/empty_default.dfu'))?.payload, readReal('generated/inputs/empty.bin'));
    expectFormatError(() => load('generated/suffix/empty_default.dfu'), 'empty_default.dfu contains no data to flash (format raw binary: the file is only a DFU suffix)');
  });

  test('dfu-prefix files: the prefix is kept in the payload (it is not interpreted), the suffix is stripped', () => {
    const stellaris = load('generated/prefix/vectors_256_stellaris_0x2000.dfu').segments[0]!.data;
    // TI Stellaris prefix: 01 00 | address/1024 (u16le) | payload length (u32le)
    assert.deepEqual([...stellaris.subarray(0, 8)], [0x01, 0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00]);
    assert.deepEqual(stellaris.subarray(8), readReal('generated/inputs/vectors_like_256.bin'));
    const lpc = load('generated/prefix/random_4099_lpc.dfu').segments[0]!.data;
    // NXP LPC prefix: 1a 3f | ceil(4099/512) = 9 (u16le) | 8 × 00 | ff ff ff ff
    assert.deepEqual([...lpc.subarray(0, 16)], [0x1a, 0x3f, 0x09, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual(lpc.subarray(16), readReal('generated/inputs/random_4099.bin'));
  });
});
