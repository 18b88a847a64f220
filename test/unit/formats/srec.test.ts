import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSrec, toSrec } from '../../../src/formats/srec.js';
import type { FirmwareImage } from '../../../src/formats/image.js';
import { ascii, expectError, expectFormatError, fixture, plainSegments } from './helpers.js';
import { assertMessageStyle } from '../../support/message-style.js';

const text = (s: Uint8Array) => new TextDecoder().decode(s);
const lines = (...l: string[]) => ascii(l.join('\n') + '\n');

describe('parseSrec', () => {
  // objcopy output with 16-, 24- and 32-bit addresses.
  const cases = [
    { file: 'pattern-100_s1.srec', address: 0x1000, header: 'pattern-100_s1.srec' },
    { file: 'pattern-100_s2.srec', address: 0x00ffd8, header: 'pattern-100_s2.srec' },
    { file: 'pattern-100_s3.srec', address: 0x0800ffd0, header: 'pattern-100_s3.srec' },
  ];
  for (const c of cases) {
    test(`${c.file}: data, S0 header and start address`, () => {
      const image = parseSrec(fixture(c.file));
      assert.equal(image.format, 'srec');
      assert.equal(image.addressed, true);
      assert.equal(image.header, c.header);
      assert.equal(image.startAddress, c.address);
      assert.deepEqual(image.segments.map((s) => [s.address, s.data]), [[c.address, fixture('pattern-100.bin')]]);
    });
  }

  test('S5 and S6 counts that match are accepted', () => {
    const image = parseSrec(lines('S1051000AABB85', 'S1051002CCDD3F', 'S5030002FA', 'S604000002F9', 'S9030000FC'));
    assert.deepEqual(plainSegments(image.segments), [{ address: '0x00001000', data: 'aabbccdd' }]);
    assert.equal(image.startAddress, 0);
    assert.equal(image.header, undefined);
  });

  test('\\n and \\r\\n parse the same; the S0 header may be empty', () => {
    const crlf = fixture('pattern-100_s3.srec');
    const lf = ascii(text(crlf).replace(/\r\n/g, '\n'));
    assert.deepEqual(parseSrec(lf), parseSrec(crlf));
    assert.equal(parseSrec(lines('S0030000FC', 'S9030000FC')).header, '');
  });

  const bad: { name: string; input: Uint8Array; patterns: string[] }[] = [
    { name: 'bad checksum', input: lines('S1051000AABB84', 'S9030000FC'), patterns: ['fw.srec: line 1: checksum is 0x84, expected 0x85'] },
    { name: 'byte count does not match', input: lines('S1061000AABB85', 'S9030000FC'), patterns: ['line 1: byte count says 6 bytes follow, but the record holds 5'] },
    { name: 'byte count too small for the address', input: lines('S3030000FC', 'S9030000FC'), patterns: ['line 1: byte count 3 is too small for an S3 record, expected at least 5'] },
    { name: 'S5 count wrong', input: lines('S1051000AABB85', 'S5030002FA', 'S9030000FC'), patterns: ['line 2: S5 record counts 2 data records, but 1 precede it'] },
    { name: 'S6 count wrong', input: lines('S1051000AABB85', 'S604000003F8', 'S9030000FC'), patterns: ['line 2: S6 record counts 3 data records, but 1 precede it'] },
    { name: 'reserved S4', input: lines('S4030000FC', 'S9030000FC'), patterns: ['line 1: record type S4 is reserved, expected S0-S3 or S5-S9'] },
    { name: 'unknown type', input: lines('SX030000FC', 'S9030000FC'), patterns: ['line 1: unknown record type "SX", expected S0-S3 or S5-S9'] },
    { name: 'not an S-record', input: lines(':00000001FF'), patterns: [`line 1: expected a record starting with 'S' and a type digit, found ":0"`] },
    { name: 'missing termination', input: lines('S0030000FC', 'S1051000AABB85'), patterns: ['fw.srec: after line 2: missing termination record (S7, S8 or S9)'] },
    { name: 'empty file', input: ascii('\n\n'), patterns: ['the file holds no records, expected at least a termination record'] },
    { name: 'record after termination', input: lines('S9030000FC', 'S1051000AABB85'), patterns: ['line 2: a record follows the S9 termination record of line 1'] },
    { name: 'odd digit count', input: lines('S1051000AABB8', 'S9030000FC'), patterns: ['line 1: odd number of hex digits (11)'] },
    { name: 'non-hex digit', input: lines('S1051000AAZB85', 'S9030000FC'), patterns: ['line 1, column 11: "Z" is not a hex digit'] },
    { name: 'only a type', input: lines('S1', 'S9030000FC'), patterns: ['line 1: record has no byte count'] },
    { name: 'overlap', input: lines('S1051000AABB85', 'S1051001CCDD40', 'S9030000FC'), patterns: ['0x00001001-0x00001002 (line 2) overlaps 0x00001000-0x00001001 (line 1)'] },
  ];
  for (const c of bad) {
    test(`FORMAT error: ${c.name}`, () => {
      const e = expectFormatError(() => parseSrec(c.input, { fileName: 'fw.srec' }), ...c.patterns);
      assert.ok(e.message.startsWith('fw.srec: '));
      assert.ok(e.hint !== undefined && e.hint !== '');
      assertMessageStyle(e, 'fw.srec');
    });
  }
});

describe('toSrec', () => {
  test('byte-identical to objcopy -O srec for 32-bit addresses (S0 text, S3 records, S7)', () => {
    const image: FirmwareImage = { format: 'bin', addressed: true, startAddress: 0x0800ffd0, segments: [{ address: 0x0800ffd0, data: fixture('pattern-100.bin') }] };
    assert.equal(toSrec(image, { header: 'pattern-100_s3.srec', lineEnding: '\r\n' }), text(fixture('pattern-100_s3.srec')));
  });

  test('header from the image, S7 0 without a start address, several segments', () => {
    const image: FirmwareImage = {
      format: 'srec',
      addressed: true,
      header: 'hi',
      segments: [
        { address: 0x10, data: new Uint8Array([1, 2]) },
        { address: 0x20, data: new Uint8Array([3]) },
      ],
    };
    assert.equal(toSrec(image), 'S0050000686929\nS307000000100102E5\nS3060000002003D6\nS70500000000FA\n');
    assert.deepEqual(parseSrec(ascii(toSrec(image))).segments, image.segments);
  });

  test('invalid options are USAGE errors', () => {
    const image: FirmwareImage = { format: 'bin', addressed: true, segments: [] };
    expectError(() => toSrec(image, { recordLength: 251 }), 'USAGE', 'S-record length must be 1-250');
    expectError(() => toSrec(image, { header: 'x'.repeat(253) }), 'USAGE', 'header must be at most 252');
  });
});
