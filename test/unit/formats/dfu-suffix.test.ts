import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32, dfuCrc } from '../../../src/formats/crc32.js';
import { addDfuSuffix, parseDfuSuffix, removeDfuSuffix } from '../../../src/formats/dfu-suffix.js';
import { ascii, expectError, expectFormatError, fromHex, resign, toHex } from './helpers.js';
import { assertMessageStyle } from '../../support/message-style.js';

describe('crc32 / dfuCrc', () => {
  test('standard check value and the DFU (no final XOR) variant', () => {
    assert.equal(crc32(ascii('123456789')), 0xcbf43926);
    assert.equal(dfuCrc(ascii('123456789')), 0x340bc6d9);
    assert.equal(crc32(new Uint8Array(0)), 0);
    assert.equal(dfuCrc(new Uint8Array(0)), 0xffffffff);
  });

  test('the same value as zlib, also when continued', (t) => {
    if (typeof zlibCrc32 !== 'function') return t.skip('this Node has no zlib.crc32');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const whole = new Uint8Array([...a, ...b]);
        assert.equal(crc32(whole), zlibCrc32(whole) >>> 0);
        assert.equal(crc32(b, crc32(a)), crc32(whole));
      }),
      { numRuns: 500 },
    );
  });
});

describe('addDfuSuffix', () => {
  // Vectors from test-vectors.md (dfu-suffix 0.11 output and fwupd's dfu.builder.xml).
  const cases: { name: string; payload: Uint8Array; fields: Parameters<typeof addDfuSuffix>[1]; hex: string }[] = [
    { name: 'one zero byte, defaults', payload: new Uint8Array([0]), fields: {}, hex: '00' + 'ffffffffffff0001554644' + '10' + '0c71dafc' },
    {
      name: 'fwupd builder vector',
      payload: ascii('XXXXXXXXXXXX'),
      fields: { bcdDevice: 0xdead, idProduct: 0x4321, idVendor: 0x1234 },
      hex: '585858585858585858585858adde21433412000155464410026d4f2f',
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(toHex(addDfuSuffix(c.payload, c.fields)), c.hex));
  }

  test('the CRC of "123456789" with default and ST fields', () => {
    const d = addDfuSuffix(ascii('123456789'));
    assert.equal(new DataView(d.buffer).getUint32(d.length - 4, true), 0x0f654b16);
    const st = addDfuSuffix(ascii('123456789'), { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200, bcdDFU: 0x011a });
    assert.equal(new DataView(st.buffer).getUint32(st.length - 4, true), 0x69a6ebaf);
  });

  test('refuses an empty payload (dfu-suffix adds one): the file would hold nothing to flash', () => {
    const e = expectFormatError(() => addDfuSuffix(new Uint8Array(0), {}, { fileName: 'fw.bin' }), /^fw\.bin is empty: there is no firmware to add a DFU suffix to$/);
    assert.equal(e.hint, 'check that the build produced the firmware');
    expectFormatError(() => addDfuSuffix(new Uint8Array(0)), /^the file is empty: /);
  });

  test('refuses a payload that already has a suffix, as dfu-suffix -a does', () => {
    const once = addDfuSuffix(ascii('123456789'));
    expectFormatError(() => addDfuSuffix(once), 'already ends in a DFU suffix (ffff:ffff, CRC 0x0f654b16)');
  });

  test('rejects field values that are not 16-bit', () => {
    expectError(() => addDfuSuffix(ascii('x'), { idVendor: 0x10000 }), 'USAGE', 'idVendor must be a 16-bit value');
    expectError(() => addDfuSuffix(ascii('x'), { bcdDFU: -1 }), 'USAGE', 'bcdDFU');
    expectError(() => addDfuSuffix(ascii('x'), { idProduct: 1.5 }), 'USAGE', 'idProduct');
  });
});

describe('parseDfuSuffix', () => {
  test('returns undefined without the UFD signature', () => {
    assert.equal(parseDfuSuffix(new Uint8Array(0)), undefined);
    assert.equal(parseDfuSuffix(ascii('hello world\n')), undefined); // shorter than 16 bytes
    assert.equal(parseDfuSuffix(new Uint8Array(64).fill(0xff)), undefined);
    const almost = addDfuSuffix(ascii('abc'));
    almost[almost.length - 6] = 0x45; // 'UFE'
    assert.equal(parseDfuSuffix(almost), undefined);
  });

  test('splits payload and fields', () => {
    const file = addDfuSuffix(ascii('hello world\n'), { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200, bcdDFU: 0x011a });
    const split = parseDfuSuffix(file);
    assert.ok(split);
    assert.equal(new TextDecoder().decode(split.payload), 'hello world\n');
    assert.deepEqual(split.suffix, { bcdDevice: 0x2200, idProduct: 0xdf11, idVendor: 0x0483, bcdDFU: 0x011a, length: 16, crc: split.suffix.crc });
    assert.equal(split.suffix.crc, dfuCrc(file.subarray(0, file.length - 4)));
  });

  test('bLength 29: 13 bytes of metadata belong to the suffix, not the payload', () => {
    const metadata = fromHex('4d4401' + '03' + toHex(ascii('key')) + '05' + toHex(ascii('value')));
    assert.equal(metadata.length, 13);
    const tail = fromHex('ffffffffffff0001554644' + '1d' + '00000000');
    const file = resign(new Uint8Array([...ascii('amalia'), ...metadata, ...tail]), dfuCrc);
    const split = parseDfuSuffix(file);
    assert.ok(split);
    assert.equal(new TextDecoder().decode(split.payload), 'amalia');
    assert.equal(split.suffix.length, 29);
    assert.equal(split.suffix.crc, 0x12dec458); // the fwupd test file's CRC (test-vectors.md)
  });

  // Malformed suffixes: the exact code and the facts in the message.
  const good = addDfuSuffix(ascii('0123456789abcdef'));
  const withLength = (n: number) => {
    const f = good.slice();
    f[f.length - 5] = n;
    return resign(f, dfuCrc);
  };
  const flipped = good.slice();
  flipped[3] ^= 0x01;
  const expectedAfterFlip = dfuCrc(flipped.subarray(0, flipped.length - 4));
  const table: { name: string; bytes: Uint8Array; patterns: (string | RegExp)[] }[] = [
    {
      name: 'payload byte changed after the suffix was written',
      bytes: flipped,
      patterns: [`dwCRC is 0x${new DataView(good.buffer).getUint32(good.length - 4, true).toString(16).padStart(8, '0')}, expected 0x${expectedAfterFlip.toString(16).padStart(8, '0')}`, 'CRC of the first 28 bytes'],
    },
    { name: 'CRC field itself damaged', bytes: (() => { const f = good.slice(); f[f.length - 1] ^= 0x80; return f; })(), patterns: [/dwCRC is 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8}/] },
    { name: 'bLength 15', bytes: withLength(15), patterns: ['bLength is 15, expected at least 16'] },
    { name: 'bLength 0', bytes: withLength(0), patterns: ['bLength is 0, expected at least 16'] },
    { name: 'bLength longer than the file', bytes: withLength(33), patterns: ['bLength is 33 but the file has only 32 bytes'] },
  ];
  for (const c of table) {
    test(`FORMAT error: ${c.name}`, () => {
      const e = expectFormatError(() => parseDfuSuffix(c.bytes, { fileName: 'fw.dfu' }), /^fw\.dfu: DFU suffix \(last 16 bytes, offset 16\): /, ...c.patterns);
      assert.ok(e.hint !== undefined && e.hint.length > 0);
      assertMessageStyle(e, 'fw.dfu');
    });
  }

  test('bLength equal to the file length leaves an empty payload', () => {
    const f = withLength(32);
    assert.equal(parseDfuSuffix(f)?.payload.length, 0);
  });

  test("dfu-suffix's suffix on an empty file (test-vectors.md) parses, with an empty payload", () => {
    const split = parseDfuSuffix(fromHex('ffffffffffff000155464410e1f17b88'));
    assert.equal(split?.payload.length, 0);
    assert.deepEqual(split?.suffix, { bcdDevice: 0xffff, idProduct: 0xffff, idVendor: 0xffff, bcdDFU: 0x0100, length: 16, crc: 0x887bf1e1 });
  });

  test('add then parse gives back the payload and the fields (property)', () => {
    const u16 = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), u16, u16, u16, u16, (payload, idVendor, idProduct, bcdDevice, bcdDFU) => {
        fc.pre(parseDfuSuffixSafe(payload) === 'none');
        const file = addDfuSuffix(payload, { idVendor, idProduct, bcdDevice, bcdDFU });
        assert.equal(file.length, payload.length + 16);
        const split = parseDfuSuffix(file);
        assert.ok(split);
        assert.deepEqual(split.payload, payload);
        assert.deepEqual({ ...split.suffix, crc: 0 }, { idVendor, idProduct, bcdDevice, bcdDFU, length: 16, crc: 0 });
        assert.deepEqual(removeDfuSuffix(file), payload);
      }),
      { numRuns: 1000 },
    );
  });
});

function parseDfuSuffixSafe(b: Uint8Array): 'none' | 'some' {
  try {
    return parseDfuSuffix(b) === undefined ? 'none' : 'some';
  } catch {
    return 'some';
  }
}

describe('removeDfuSuffix', () => {
  test('strips a suffix; refuses a file without one', () => {
    assert.deepEqual(removeDfuSuffix(addDfuSuffix(ascii('abc'))), ascii('abc'));
    expectFormatError(() => removeDfuSuffix(ascii('hello world\n'), { fileName: 'a.bin' }), 'a.bin: 12 bytes is too short for a DFU suffix');
    expectFormatError(() => removeDfuSuffix(new Uint8Array(40)), "no DFU suffix: the 'UFD' signature is missing");
  });

  test('refuses a file that is only a suffix: removing it would leave an empty file', () => {
    const e = expectFormatError(
      () => removeDfuSuffix(fromHex('ffffffffffff000155464410e1f17b88'), { fileName: 'only.dfu' }),
      /^only\.dfu is only a DFU suffix \(16 bytes, no firmware before it\): removing it would leave an empty file$/,
    );
    assert.match(e.hint ?? '', /check that the build produced the firmware/);
  });
});
