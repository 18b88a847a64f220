/** The line splitter shared by Intel HEX and S-records: line endings, blanks, byte checks. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIntelHex } from '../../../src/formats/ihex.js';
import { parseSrec } from '../../../src/formats/srec.js';
import { textLines } from '../../../src/formats/text-records.js';
import { ascii, expectFormatError, fixture } from './helpers.js';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
/** The fixture's records joined with `eol` (the fixtures end their lines in \n or \r\n). */
const withEndings = (name: string, eol: (i: number) => string) =>
  ascii(
    decode(fixture(name))
      .split(/\r?\n/)
      .filter((l) => l !== '')
      .map((l, i) => l + eol(i))
      .join(''),
  );

describe('textLines', () => {
  test('\\n, \\r\\n and a lone \\r (old Mac tools) each end a line; line numbers count them alike', () => {
    const lines = textLines(ascii('a\nb\r\nc\rd\r\re'), 'ihex', 'Intel HEX', {});
    assert.deepEqual(lines, [
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
      { number: 3, text: 'c' },
      { number: 4, text: 'd' },
      { number: 6, text: 'e' }, // \r\r: an empty line 5 between them
    ]);
  });

  test('blanks around a record are dropped, blanks inside it are kept for the parser to refuse', () => {
    assert.deepEqual(textLines(ascii(' \t:00 01\t \r'), 'ihex', 'Intel HEX', {}), [{ number: 1, text: ':00 01' }]);
  });

  test('a line with a 1 MiB run of blanks inside is refused in one pass (trimming is linear, not a backtracking regex)', { timeout: 120_000 }, () => {
    const line = ':' + ' \t'.repeat(512 * 1024) + '00000001FF';
    expectFormatError(() => parseIntelHex(ascii(line + '\n'), { fileName: 'fw.hex' }), 'fw.hex: line 1, column 2: " " is not a hex digit');
  });

  test('a byte that is not text names its line and column, with the right article in the hint', () => {
    const hex = expectFormatError(() => parseIntelHex(ascii(':00000001FF\r\u0001'), { fileName: 'fw.hex' }), 'fw.hex: line 2, column 1: byte 0x01 is not Intel HEX text');
    assert.match(hex.hint ?? '', /^this is not an Intel HEX file /);
    const srec = expectFormatError(() => parseSrec(ascii('S9030000FC\r\u0001')), 'line 2, column 1: byte 0x01 is not S-record text');
    assert.match(srec.hint ?? '', /^this is not an S-record file /);
  });
});

describe('Intel HEX and S-records with any line ending', () => {
  for (const name of ['pattern-100_0x0800ffd0.hex', 'pattern-100_0x0000ffd8_segmented.hex', 'pattern-100_s1.srec', 'pattern-100_s3.srec']) {
    const parse = name.endsWith('.hex') ? parseIntelHex : parseSrec;
    test(`${name}: LF, CRLF, CR and a mixture give the same image`, () => {
      const lf = parse(withEndings(name, () => '\n'));
      assert.ok(lf.segments.length > 0);
      assert.deepEqual(parse(fixture(name)), lf);
      assert.deepEqual(parse(withEndings(name, () => '\r\n')), lf);
      assert.deepEqual(parse(withEndings(name, () => '\r')), lf);
      assert.deepEqual(parse(withEndings(name, (i) => ['\r', '\n', '\r\n', '\r\r', '\n\r'][i % 5]!)), lf);
    });
  }

  test('CR-only: errors name the right line', () => {
    expectFormatError(() => parseIntelHex(ascii(':020000040800F2\r:0400000508000000EE\r:00000001FF\r')), 'line 2: checksum is 0xEE, expected 0xEF');
  });
});
