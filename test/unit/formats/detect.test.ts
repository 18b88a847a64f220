import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addDfuSuffix } from '../../../src/formats/dfu-suffix.js';
import { buildDfuseFile } from '../../../src/formats/dfuse-file.js';
import { detectFormat, extensionOf, parseFirmware, type FirmwareFormat } from '../../../src/formats/detect.js';
import { buildElf32 } from './elf-builder.js';
import { ascii, expectFormatError, fixture, fromHex, plainSegments } from './helpers.js';
import { cliHint } from '../../../src/cli/hints.js';

const hexText = fixture('pattern-100_0x0800ffd0.hex');
const srecText = fixture('pattern-100_s3.srec');
const elf = fixture('firmware-elf32.elf');
const dfuse = buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0x08000000, data: new Uint8Array([1, 2, 3]) }] }]);
const raw = fixture('pattern-100.bin');

describe('detectFormat', () => {
  const table: { name: string; bytes: Uint8Array; file?: string; expected: FirmwareFormat }[] = [
    { name: 'DfuSe prefix', bytes: dfuse, expected: 'dfuse' },
    { name: 'DfuSe prefix beats the extension', bytes: dfuse, file: 'x.hex', expected: 'dfuse' },
    { name: 'ELF magic', bytes: elf, expected: 'elf' },
    { name: 'ELF magic named .bin', bytes: elf, file: 'fw.bin', expected: 'elf' },
    { name: 'Intel HEX text', bytes: hexText, expected: 'ihex' },
    { name: 'Intel HEX text named .bin', bytes: hexText, file: 'fw.bin', expected: 'ihex' },
    { name: 'Intel HEX with blank lines first', bytes: ascii('\r\n\n' + new TextDecoder().decode(hexText)), expected: 'ihex' },
    { name: 'S-records', bytes: srecText, expected: 'srec' },
    { name: 'S-records starting with S1', bytes: ascii('S1051000AABB85\nS9030000FC\n'), expected: 'srec' },
    { name: 'S-records named .txt', bytes: srecText, file: 'fw.txt', expected: 'srec' },
    { name: 'binary', bytes: raw, expected: 'bin' },
    { name: 'binary named .dfu', bytes: raw, file: 'fw.dfu', expected: 'bin' },
    { name: 'empty', bytes: new Uint8Array(0), expected: 'bin' },
    { name: 'text that is not records', bytes: ascii('hello world\n'), expected: 'bin' },
    { name: 'record text with a damaged line is still record text', bytes: ascii(':00000001FF\nhello\n'), expected: 'ihex' },
    { name: 'text starting like an S-record', bytes: ascii('S1 is not a record\n'), expected: 'srec' },
    { name: 'text starting with S and a letter', bytes: ascii('Some notes\n'), expected: 'bin' },
    { name: 'records after a binary byte', bytes: new Uint8Array([0, ...ascii(':00000001FF\n')]), expected: 'bin' },
    { name: 'only blank text', bytes: ascii(' \r\n\n'), expected: 'bin' },
    // No conclusive content: the extension decides, and that parser will explain what is wrong.
    { name: 'garbage named .hex', bytes: raw, file: 'fw.HEX', expected: 'ihex' },
    { name: 'garbage named .s19', bytes: raw, file: 'dir.v2/fw.s19', expected: 'srec' },
    { name: 'garbage named .axf', bytes: raw, file: 'fw.axf', expected: 'elf' },
    { name: 'a dot in a folder name is not an extension', bytes: raw, file: 'build.hex/firmware', expected: 'bin' },
  ];
  for (const c of table) {
    test(c.name, () => assert.equal(detectFormat(c.bytes, c.file), c.expected));
  }

  test('extensionOf', () => {
    assert.equal(extensionOf('a/b/fw.Hex'), 'hex');
    assert.equal(extensionOf('C:\\fw\\app.elf'), 'elf');
    assert.equal(extensionOf('.hidden'), '');
    assert.equal(extensionOf('noext'), '');
    assert.equal(extensionOf(undefined), '');
  });
});

describe('parseFirmware', () => {
  test('each format by content', () => {
    assert.equal(parseFirmware(hexText, { fileName: 'a.hex' }).format, 'ihex');
    assert.equal(parseFirmware(srecText).format, 'srec');
    assert.equal(parseFirmware(elf).format, 'elf');
    assert.equal(parseFirmware(dfuse).format, 'dfuse');
    const bin = parseFirmware(raw, { fileName: 'a.bin' });
    assert.deepEqual(bin, { format: 'bin', addressed: false, segments: [{ address: 0, data: raw }] });
  });

  test('Intel HEX or S-records named .bin are refused, with the way out in the hint', () => {
    const e = expectFormatError(() => parseFirmware(hexText, { fileName: 'build/app.bin' }), 'build/app.bin: the file is named .bin but holds Intel HEX text');
    assert.match(e.hint ?? '', /read it as raw binary/);
    assert.match(e.hint ?? '', /rename it to \.hex/);
    assert.match(cliHint(e, 'linux') ?? '', /rename it to \.hex .*--format bin/, 'the CLI names the flag');
    const s = expectFormatError(() => parseFirmware(srecText, { fileName: 'app.BIN' }), 'holds Motorola S-record text');
    assert.match(s.hint ?? '', /rename it to \.srec .*read it as raw binary/);
    assert.match(cliHint(s, 'linux') ?? '', /rename it to \.srec .*--format bin/);
  });

  test('a damaged HEX file named .bin is refused too, and names the problem line without .bin', () => {
    const damaged = ascii(':10000000zz\n:00000001FF\n');
    expectFormatError(() => parseFirmware(damaged, { fileName: 'app.bin' }), 'app.bin: the file is named .bin but holds Intel HEX text');
    expectFormatError(() => parseFirmware(damaged, { fileName: 'app' }), 'app: line 1, column 10: "z" is not a hex digit');
  });

  test('--format bin flashes the ASCII bytes as they are', () => {
    const image = parseFirmware(hexText, { fileName: 'app.bin', format: 'bin' });
    assert.equal(image.format, 'bin');
    assert.deepEqual(image.segments[0]?.data, hexText);
  });

  test('an explicit format is used even when the content says otherwise', () => {
    expectFormatError(() => parseFirmware(raw, { format: 'ihex', fileName: 'x' }), `x: line 1, column 1: byte 0x03 is not Intel HEX text`);
    expectFormatError(() => parseFirmware(hexText, { format: 'elf' }), 'does not start with the ELF magic');
    expectFormatError(() => parseFirmware(raw, { format: 'dfuse' }), 'expected the DfuSe signature');
    assert.equal(parseFirmware(dfuse, { format: 'bin' }).format, 'bin');
  });

  test('a DFU suffix is checked, kept and stripped from bin, hex, srec and elf', () => {
    const fields = { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x0200 };
    for (const [bytes, format] of [
      [raw, 'bin'],
      [hexText, 'ihex'],
      [srecText, 'srec'],
      [elf, 'elf'],
    ] as const) {
      const plain = parseFirmware(bytes);
      const suffixed = parseFirmware(addDfuSuffix(bytes, fields), { fileName: `fw.${format}` });
      assert.equal(suffixed.format, format);
      assert.deepEqual(plainSegments(suffixed.segments), plainSegments(plain.segments));
      assert.equal(suffixed.suffix?.idVendor, 0x0483);
      assert.equal(suffixed.suffix?.idProduct, 0xdf11);
      assert.equal(suffixed.suffix?.bcdDevice, 0x0200);
    }
  });

  test('a suffix with a bad CRC is a FORMAT error for every format', () => {
    const broken = addDfuSuffix(raw);
    broken[0] ^= 1;
    expectFormatError(() => parseFirmware(broken, { fileName: 'fw.bin' }), 'fw.bin: DFU suffix (last 16 bytes, offset 100): dwCRC is');
    expectFormatError(() => parseFirmware(broken, { fileName: 'fw.bin', format: 'bin' }), 'dwCRC is');
  });

  test('a .dfu file with neither DfuSe prefix nor suffix is refused; --format bin takes it', () => {
    const e = expectFormatError(() => parseFirmware(raw, { fileName: 'fw.dfu' }), "fw.dfu: the file is named .dfu but has neither a DfuSe prefix nor a DFU suffix ('UFD' signature)");
    assert.match(e.hint ?? '', /read it as raw binary/);
    assert.match(cliHint(e, 'linux') ?? '', /--format bin/);
    assert.equal(parseFirmware(raw, { fileName: 'fw.dfu', format: 'bin' }).segments[0]?.data.length, 100);
    assert.equal(parseFirmware(addDfuSuffix(raw), { fileName: 'fw.dfu' }).suffix?.length, 16);
  });

  test('a .hex that does not parse reports the Intel HEX problem', () => {
    expectFormatError(() => parseFirmware(raw, { fileName: 'fw.hex' }), 'fw.hex: line 1, column 1: byte 0x03 is not Intel HEX text');
    expectFormatError(() => parseFirmware(ascii(':020000040800F2\n'), { fileName: 'fw.hex' }), 'fw.hex: after line 1: missing end-of-file record');
  });
});

describe('parseFirmware: nothing to flash is refused, whatever the format', () => {
  const HINT = 'check that the build produced the firmware';

  test('an empty file, detected or with any --format: "<file> is empty"', () => {
    for (const format of [undefined, 'auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse'] as const) {
      const e = expectFormatError(() => parseFirmware(new Uint8Array(0), { fileName: 'build/fw.bin', format }), /^build\/fw\.bin is empty$/);
      assert.equal(e.hint, HINT);
      assert.equal(e.details.format, format === undefined || format === 'auto' ? 'bin' : format);
      assert.equal(e.details.reason, 'empty-file');
    }
    assert.equal(expectFormatError(() => parseFirmware(new Uint8Array(0), { fileName: 'fw.hex' })).details.format, 'ihex');
    expectFormatError(() => parseFirmware(new Uint8Array(0)), /^the file is empty$/);
  });

  const noData: { name: string; bytes: Uint8Array; fileName: string; message: string }[] = [
    { name: 'Intel HEX with only an end-of-file record', bytes: ascii(':00000001FF\n'), fileName: 'fw.hex', message: 'fw.hex contains no data to flash (format Intel HEX: no record carries data bytes)' },
    { name: 'Intel HEX whose data records are empty', bytes: ascii(':020000040800F2\n:00000000' + '00\n:0400000508000000EF\n:00000001FF\n'), fileName: 'fw.hex', message: 'fw.hex contains no data to flash (format Intel HEX: no record carries data bytes)' },
    { name: 'S-records with only S0 and S9', bytes: ascii('S005000066771D\nS9030000FC\n'), fileName: 'fw.srec', message: 'fw.srec contains no data to flash (format Motorola S-record: no record carries data bytes)' },
    {
      name: 'DfuSe with one empty element',
      bytes: buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0x08000000, data: new Uint8Array(0) }] }]),
      fileName: 'fw.dfu',
      message: 'fw.dfu contains no data to flash (format DfuSe: its one element is empty)',
    },
    {
      name: 'DfuSe with two targets of empty elements',
      bytes: buildDfuseFile([
        { alternateSetting: 0, segments: [{ address: 0x08000000, data: new Uint8Array(0) }] },
        { alternateSetting: 1, segments: [{ address: 0x1fffc000, data: new Uint8Array(0) }] },
      ]),
      fileName: 'fw.dfu',
      message: 'fw.dfu contains no data to flash (format DfuSe: all 2 of its elements are empty)',
    },
    { name: 'DfuSe with a target and no elements', bytes: buildDfuseFile([{ alternateSetting: 0, segments: [] }]), fileName: 'fw.dfu', message: 'fw.dfu contains no data to flash (format DfuSe: its target has no elements)' },
    {
      name: 'DfuSe with two targets and no elements',
      bytes: buildDfuseFile([
        { alternateSetting: 0, segments: [] },
        { alternateSetting: 1, segments: [] },
      ]),
      fileName: 'fw.dfu',
      message: 'fw.dfu contains no data to flash (format DfuSe: none of its 2 targets has an element)',
    },
    { name: 'a DFU suffix and no payload', bytes: fromHex('ffffffffffff000155464410e1f17b88'), fileName: 'fw.dfu', message: 'fw.dfu contains no data to flash (format raw binary: the file is only a DFU suffix)' },
  ];
  for (const c of noData) {
    test(c.name, () => {
      const e = expectFormatError(() => parseFirmware(c.bytes, { fileName: c.fileName }));
      assert.equal(e.message, c.message);
      assert.equal(e.hint, HINT);
      assert.equal(e.details.fileName, c.fileName);
      assert.equal(e.details.reason, 'empty-image', 'as the download planner names an image without data');
    });
  }

  test('an ELF with nothing loadable keeps its own message', () => {
    expectFormatError(() => parseFirmware(buildElf32({ phdrs: [{ paddr: 0x20000000, memsz: 16 }] }), { fileName: 'fw.elf' }), 'fw.elf: no PT_LOAD program header has file bytes: nothing to flash');
  });

  test('one byte is something to flash', () => {
    assert.equal(parseFirmware(Uint8Array.of(0), { fileName: 'fw.bin' }).segments[0]?.data.length, 1);
    assert.equal(parseFirmware(ascii(':0100000000FF\n:00000001FF\n'), { fileName: 'fw.hex' }).segments[0]?.data.length, 1);
  });
});
