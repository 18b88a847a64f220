/**
 * Real files with a few bytes changed, inserted, deleted or cut off: every
 * outcome is either a well-formed image or a FORMAT error, never a crash.
 * Also the targeted damage a user meets: truncated downloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFirmware } from '../../src/formats/detect.js';
import { dfuCrc } from '../../src/formats/crc32.js';
import { editsArb, mutateSigned, parsesOrFormatError, textEditsArb } from '../unit/formats/arbitraries.js';
import { expectFormatError, resign } from '../unit/formats/helpers.js';
import { listReal, readReal, skipUnlessReal } from './real-fixtures.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const real = skipUnlessReal.skip === false;
const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);

describeOrSkip('real fixtures: mutations', skipUnlessReal.skip, () => {
  const binaryFiles = real ? [...listReal('dfuse'), ...listReal('elf'), ...listReal('dfu-suffix'), ...listReal('vectors'), ...listReal('generated/dfuse-pack')] : [];
  const textFiles = real ? [...listReal('ihex'), ...listReal('srec')] : [];

  for (const path of binaryFiles) {
    test(`${path}: random edits (suffix CRC re-signed half of the time)`, () => {
      const bytes = readReal(path);
      fc.assert(
        fc.property(editsArb, fc.boolean(), fc.boolean(), (edits, sign, nearHead) => {
          // Most structure lives in the first few hundred bytes and the last 16: aim there often.
          const aimed = nearHead ? edits.map((e) => ({ ...e, at: e.at % 600 })) : edits;
          const m = mutateSigned(bytes, aimed, sign);
          parsesOrFormatError(() => parseFirmware(m, { fileName: name(path) }));
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const path of textFiles) {
    test(`${path}: random character edits`, () => {
      const bytes = readReal(path);
      fc.assert(
        fc.property(textEditsArb, (edits) => parsesOrFormatError(() => parseFirmware(mutateSigned(bytes, edits, false), { fileName: name(path) }))),
        { numRuns: 300 },
      );
    });
  }

  test('a truncated HEX, S-record or DfuSe file is always refused', () => {
    const files = real ? [...textFiles, ...listReal('dfuse')] : [];
    for (const path of files) {
      const bytes = readReal(path);
      // cut inside the last record or the suffix, and in the middle
      const end = bytes.length - (bytes[bytes.length - 1] === 0x0a ? 3 : 1);
      for (const cut of [end - 4, end, Math.floor(bytes.length / 2)]) {
        const e = expectFormatError(() => parseFirmware(bytes.subarray(0, cut), { fileName: name(path) }));
        assert.ok(e.message.startsWith(name(path) + ': '), e.message);
      }
    }
  });

  test('a DfuSe file with one data byte changed and a re-signed CRC still parses, with that byte changed', () => {
    const bytes = readReal('dfuse/crazyflie-custom-main_0x08004000.dfu');
    const changed = bytes.slice();
    changed[293] ^= 0xff; // first byte of element 0
    const image = parseFirmware(resign(changed, dfuCrc), { fileName: 'x.dfu' });
    assert.equal(image.segments[0]?.data[0], bytes[293]! ^ 0xff);
    expectFormatError(() => parseFirmware(changed, { fileName: 'x.dfu' }), 'x.dfu: DFU suffix (last 16 bytes, offset 1309): dwCRC is 0xa8b108ce, expected');
  });
});
