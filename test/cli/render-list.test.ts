/** The `list` table and its display filter. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAttributes, formatDfuVersion, renderDeviceList } from '../../src/cli/render-list.js';
import { filterListed } from '../../src/ops/list.js';
import { formatLayout } from '../../src/dfu/memory-layout.js';
import type { MemoryLayout } from '../../src/dfu/plan-types.js';
import { BMP_RUNTIME, STM32F0, STM32F4, UNREADABLE, functional } from './fixtures-devices.js';

const stubLayout = (l: MemoryLayout): string => `<${l.segments.length} segment(s)>`;

describe('list table', () => {
  test('exact rendering', () => {
    const text = renderDeviceList([STM32F4, BMP_RUNTIME, STM32F0, UNREADABLE], stubLayout);
    const expected = [
      '#  VID:PID    MODE     SERIAL        PATH   DEVNUM  DFU         XFER  ATTRIBUTES',
      '1  0483:df11  DFU      3276365B3138  1-1    5       DfuSe 1.1a  2048  download, upload, will-detach',
      '  intf 0 alt 0  "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"',
      '                Internal Flash: <3 segment(s)>',
      '  intf 0 alt 1  "@Option Bytes  /0x1FFFC000/01*016 g"',
      '                Option Bytes: <1 segment(s)>',
      '  intf 0 alt 2  "@OTP Memory /0x1FFF7800/01*512 g,01*016 g"',
      '                OTP Memory: <2 segment(s)>',
      '  intf 0 alt 3  "@Device Feature/0xFFFF0000/01*004 g"',
      '                Device Feature: <1 segment(s)>',
      '',
      '2  1d50:6018  runtime  C2C89BDB      3-4.2  76      DfuSe 1.1a  1024  download, will-detach',
      '  intf 4 alt 0  "Black Magic Firmware Upgrade (STLINK)"',
      '',
      '3  0483:df11  DFU      FFFFFFFEFFFF  1-2    9       DfuSe 1.1a  2048  download, upload, will-detach',
      '  note: serial "FFFFFFFEFFFF" cannot tell boards apart (every board of this kind reports it): use -p 1-2 to select this one',
      '  intf 0 alt 0  "@Option Bytes  /0x1FFFF800/01*016 e"',
      '                Option Bytes: <1 segment(s)>',
      '',
      '4  28e9:0189  DFU      -             2-8    12      1.1         256   download, upload, manifestation-tolerant',
      '  strings unreadable: cannot open 28e9:0189 at 2-8: permission denied',
      '  hint: install a udev rule: SUBSYSTEMS=="usb", ATTRS{idVendor}=="28e9", ATTRS{idProduct}=="0189", TAG+="uaccess"',
      '  intf 0 alt 0  (name unreadable)',
      '  intf 0 alt 1  (no name)',
      '',
      'Select one device with -N # (the number above), -p PATH or -S SERIAL.',
      '',
    ].join('\n');
    assert.equal(text, expected);
  });

  test('strings the device itself did not give: said as a bootloader glitch with the replug fix, not as a raw request', () => {
    const d = { ...STM32F4, stringError: { code: 'STALL', message: 'GET_DESCRIPTOR (bmRequestType 0x80, wValue 0x0304, wIndex 1033, wLength 255) was stalled' }, alts: STM32F4.alts.map((a) => ({ ...a, name: undefined, nameError: 'stall', layout: undefined })) };
    const lines = renderDeviceList([d], () => '').split('\n');
    assert.ok(lines.includes('  strings unreadable: the device did not answer its string requests (it stalled them)'), lines.join('\n'));
    assert.ok(lines.some((l) => /^ {2}hint: some bootloaders \(the STM32CubeMX DFU class among them\) enumerate like this now and then: unplug the board and plug it in again/.test(l)));
    assert.ok(!lines.some((l) => /bmRequestType|dfu-flash list` to check/.test(l)), 'no raw request, no advice to run list again');
    assert.ok(lines.includes('  intf 0 alt 0  (name unreadable)'));
  });

  test('regions come from formatLayout', () => {
    const text = renderDeviceList([STM32F4], formatLayout);
    for (const alt of STM32F4.alts) {
      assert.ok(text.includes(`${alt.layout!.name}: ${formatLayout(alt.layout!)}\n`), alt.name);
    }
  });

  test('names with quotes and control characters are escaped, padding kept', () => {
    const d = { ...BMP_RUNTIME, alts: [{ ...BMP_RUNTIME.alts[0]!, name: 'say "hi"\u0007  ' }] };
    assert.ok(renderDeviceList([d], stubLayout).includes('  intf 4 alt 0  "say \\"hi\\"\\u0007  "\n'));
  });

  test('a layout that did not parse says so', () => {
    const d = { ...STM32F4, alts: [{ ...STM32F4.alts[0]!, layout: undefined, name: '@Broken/0xZZ', layoutError: 'bad address 0xZZ' }] };
    assert.ok(renderDeviceList([d], stubLayout).includes('\n                layout not understood: bad address 0xZZ\n'));
  });

  test('the numbers come from indexOf (the unfiltered listing), quirks get a line', () => {
    const text = renderDeviceList([{ ...STM32F0, quirks: ['stm32f0-serial', 'no-block-addressing'] }], stubLayout, () => 7);
    assert.ok(text.startsWith('#  VID:PID    MODE  SERIAL        PATH  DEVNUM  DFU         XFER  ATTRIBUTES\n7  0483:df11  DFU '), text);
    assert.ok(text.includes('\n  quirks: stm32f0-serial, no-block-addressing\n'), text);
    assert.ok(!text.includes('Select one device'), 'no footer for a single device');
  });

  test('no devices: empty string', () => {
    assert.equal(renderDeviceList([], stubLayout), '');
  });
});

describe('DFU version and attributes', () => {
  const versions: [number, boolean, string][] = [
    [0x0110, false, '1.1'],
    [0x0100, false, '1.0'],
    [0x0101, false, '1.01'],
    [0x011a, true, 'DfuSe 1.1a'],
    [0x0200, false, '2.0'],
  ];
  for (const [bcd, dfuse, text] of versions) {
    test(`0x${bcd.toString(16).padStart(4, '0')} → ${text}`, () => assert.equal(formatDfuVersion(bcd, dfuse), text));
  }
  test('attribute words', () => {
    assert.equal(formatAttributes(functional(0x0f, 64, 0x0110)), 'download, upload, manifestation-tolerant, will-detach');
    assert.equal(formatAttributes(functional(0x00, 64, 0x0110)), 'none');
    assert.equal(formatAttributes(functional(0x02, 64, 0x0110)), 'upload');
  });
});

describe('list filter (same flags as the other commands)', () => {
  const all = [STM32F4, BMP_RUNTIME, STM32F0, UNREADABLE];
  const keys = (sel: Parameters<typeof filterListed>[1]): string[] => filterListed(all, sel).map((d) => d.key);
  const cases: [string, Parameters<typeof filterListed>[1], string[]][] = [
    ['no filter', {}, ['sim:1-1', 'sim:3-4.2', 'sim:1-2', 'usb:2-8:12']],
    ['-d 0483:df11', { runtimeIds: { vendorId: 0x0483, productId: 0xdf11 }, dfuIds: { vendorId: 0x0483, productId: 0xdf11 } }, ['sim:1-1', 'sim:1-2']],
    ['-d ,*:* (DFU mode only)', { runtimeIds: null, dfuIds: {} }, ['sim:1-1', 'sim:1-2', 'usb:2-8:12']],
    ['-d 1d50:6018,:6017', { runtimeIds: { vendorId: 0x1d50, productId: 0x6018 }, dfuIds: { productId: 0x6017 } }, ['sim:3-4.2']],
    ['-S C2C89BDB', { runtimeSerial: 'C2C89BDB', dfuSerial: 'C2C89BDB' }, ['sim:3-4.2']],
    ['-S ,FFFFFFFEFFFF', { dfuSerial: 'FFFFFFFEFFFF' }, ['sim:3-4.2', 'sim:1-2']],
    ['-p 1-2', { path: '1-2' }, ['sim:1-2']],
    ['-n 76', { devnum: 76 }, ['sim:3-4.2']],
    ['-c 2', { cfg: 2 }, []],
    ['-c 0 (any)', { cfg: 0 }, ['sim:1-1', 'sim:3-4.2', 'sim:1-2', 'usb:2-8:12']],
    ['-i 4', { intf: 4 }, ['sim:3-4.2']],
    ['-a "Option Bytes"', { alt: 'Option Bytes' }, ['sim:1-1', 'sim:1-2']],
    ['-a "internal flash" (region name, any case)', { alt: 'internal flash' }, ['sim:1-1']],
    ['-a exact string', { alt: '@OTP Memory /0x1FFF7800/01*512 g,01*016 g' }, ['sim:1-1']],
    ['-a 3', { alt: 3 }, ['sim:1-1']],
  ];
  for (const [name, sel, expected] of cases) test(name, () => assert.deepEqual(keys(sel), expected));

  test('alt filters keep only the matching alts', () => {
    const [f4] = filterListed([STM32F4], { alt: 'Option Bytes' });
    assert.deepEqual(
      f4!.alts.map((a) => a.alternateSetting),
      [1],
    );
  });
});
