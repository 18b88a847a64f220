/**
 * Properties over every parser: serialize∘parse is the identity, and no input
 * (arbitrary bytes, or a valid file with a few bytes changed) raises anything
 * but a FORMAT DfuFlashError.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDfuSuffix, parseDfuSuffix, removeDfuSuffix } from '../../../src/formats/dfu-suffix.js';
import { buildDfuseFile, inspectDfuseFile, parseDfuseFile } from '../../../src/formats/dfuse-file.js';
import { parseElf } from '../../../src/formats/elf.js';
import { parseIntelHex, toIntelHex } from '../../../src/formats/ihex.js';
import { parseSrec, toSrec } from '../../../src/formats/srec.js';
import { parseFirmware, type FormatChoice } from '../../../src/formats/detect.js';
import { applyEdits, editsArb, imageArb, mutateSigned, nameArb, parsesOrFormatError, segmentsArb, textEditsArb } from './arbitraries.js';
import { buildElf32 } from './elf-builder.js';
import { ascii, fixture } from './helpers.js';

const RUNS = 3000;

describe('round trips (parse ∘ serialize = identity)', () => {
  test('Intel HEX', () => {
    fc.assert(
      fc.property(imageArb, fc.integer({ min: 1, max: 255 }), fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'), (image, recordLength, lineEnding) => {
        const back = parseIntelHex(ascii(toIntelHex(image, { recordLength, lineEnding })));
        assert.deepEqual(back.segments, image.segments);
        assert.equal(back.startAddress, image.startAddress);
      }),
      { numRuns: 500 },
    );
  });

  test('S-records', () => {
    fc.assert(
      fc.property(imageArb, nameArb(40), fc.integer({ min: 1, max: 250 }), (image, header, recordLength) => {
        const back = parseSrec(ascii(toSrec(image, { header, recordLength })));
        assert.deepEqual(back.segments, image.segments);
        assert.equal(back.startAddress, image.startAddress ?? 0);
        assert.equal(back.header, header);
      }),
      { numRuns: 500 },
    );
  });

  const targetsArb = fc
    .tuple(segmentsArb(8, 60), fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), nameArb(30)), { minLength: 1, maxLength: 4 }), fc.array(fc.nat()))
    .map(([segments, heads, picks]) =>
      heads.map(([alternateSetting, name], t) => ({
        alternateSetting,
        name,
        // deal the disjoint segments out to the targets, in a scrambled order
        segments: segments.filter((_, i) => (picks[i] ?? i) % heads.length === t).reverse(),
      })),
    );

  test('DfuSe: parse(build(targets)) gives the targets back, and build(parse(file)) the same bytes', () => {
    fc.assert(
      fc.property(
        targetsArb,
        fc.constantFrom<'st' | 'dfuse-pack'>('st', 'dfuse-pack'),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (targets, imageSizeConvention, idVendor, idProduct) => {
          const options = { imageSizeConvention, idVendor, idProduct, bcdDevice: 0 };
          const file = buildDfuseFile(targets, options);
          const image = parseDfuseFile(file);
          assert.equal(inspectDfuseFile(file).imageSizeConvention, imageSizeConvention);
          assert.deepEqual(
            image.targets?.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, segments: t.elements })),
            targets,
          );
          const all = targets.flatMap((t) => t.segments).sort((a, b) => a.address - b.address);
          assert.deepEqual(image.segments, all);
          assert.deepEqual(buildDfuseFile(image.targets!, options), file);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('DFU suffix: remove ∘ add = identity', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (payload) => {
        fc.pre(payload.length < 16 || payload[payload.length - 8] !== 0x55);
        assert.deepEqual(removeDfuSuffix(addDfuSuffix(payload)), payload);
      }),
      { numRuns: 500 },
    );
  });
});

describe('arbitrary bytes never raise anything but FORMAT', () => {
  const bytesArb = fc.uint8Array({ maxLength: 700 });
  const choices: FormatChoice[] = ['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse'];
  const names = [undefined, 'fw.bin', 'fw.hex', 'fw.dfu', 'fw.s19', 'fw.elf'];

  const parsers: [string, (b: Uint8Array) => unknown][] = [
    ['parseDfuSuffix', (b) => parseDfuSuffix(b)],
    ['parseDfuseFile', (b) => parseDfuseFile(b)],
    ['parseIntelHex', (b) => parseIntelHex(b)],
    ['parseSrec', (b) => parseSrec(b)],
    ['parseElf', (b) => parseElf(b)],
  ];
  for (const [name, parse] of parsers) {
    test(name, () => {
      fc.assert(
        fc.property(bytesArb, (b) => parsesOrFormatError(() => parse(b) as never)),
        { numRuns: RUNS },
      );
    });
  }

  test('parseFirmware, every --format and a few file names', () => {
    fc.assert(
      fc.property(bytesArb, fc.constantFrom(...choices), fc.constantFrom(...names), (b, format, fileName) => parsesOrFormatError(() => parseFirmware(b, { format, fileName }))),
      { numRuns: RUNS },
    );
  });

  test('bytes behind a real signature reach the deeper checks', () => {
    const heads = ['DfuSe\x01', '\x7fELF\x01\x01\x01', ':', 'S3', 'S0'].map(ascii);
    fc.assert(
      fc.property(fc.constantFrom(...heads), bytesArb, fc.boolean(), (head, tail, sign) => {
        const b = mutateSigned(new Uint8Array([...head, ...tail]), [], sign);
        parsesOrFormatError(() => parseFirmware(b));
        parsesOrFormatError(() => parseDfuseFile(b));
        parsesOrFormatError(() => parseElf(b));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('valid files with a few bytes changed: a FORMAT error or a well-formed image', () => {
  const dfuseFile = buildDfuseFile(
    [
      { alternateSetting: 0, segments: [{ address: 0x08000000, data: fixture('pattern-100.bin') }, { address: 0x08004000, data: ascii('second element') }] },
      { alternateSetting: 1, name: 'Option Bytes', segments: [{ address: 0x1fffc000, data: new Uint8Array(16).fill(0xff) }] },
    ],
    { imageSizeConvention: 'dfuse-pack' },
  );
  const elf = buildElf32({
    entry: 0x08000101,
    phdrs: [
      { paddr: 0x08000000, data: fixture('pattern-100.bin') },
      { paddr: 0x08000064, vaddr: 0x20000000, data: ascii('data') },
      { paddr: 0x20000004, memsz: 64 },
    ],
  });

  test('DfuSe (CRC re-signed half of the time)', () => {
    fc.assert(
      fc.property(editsArb, fc.boolean(), (edits, sign) => parsesOrFormatError(() => parseDfuseFile(mutateSigned(dfuseFile, edits, sign)))),
      { numRuns: RUNS },
    );
  });

  test('ELF (hand-made and GNU ld output)', () => {
    const gnu = fixture('firmware-elf32.elf');
    fc.assert(
      fc.property(editsArb, fc.boolean(), (edits, which) => {
        const base = which ? elf : gnu;
        // aim half the edits at the headers, where the structure lives
        const aimed = edits.map((e, i) => (i % 2 === 0 ? { ...e, at: e.at % 200 } : e));
        parsesOrFormatError(() => parseElf(applyEdits(base, aimed)));
      }),
      { numRuns: RUNS },
    );
  });

  test('Intel HEX and S-records', () => {
    const hex = fixture('pattern-100_0x0000ffd8_segmented.hex');
    const srec = fixture('pattern-100_s2.srec');
    fc.assert(
      fc.property(textEditsArb, (edits) => {
        parsesOrFormatError(() => parseIntelHex(applyEdits(hex, edits)));
        parsesOrFormatError(() => parseSrec(applyEdits(srec, edits)));
        parsesOrFormatError(() => parseFirmware(applyEdits(hex, edits), { fileName: 'fw.bin' }));
      }),
      { numRuns: RUNS },
    );
  });

  test('suffixed payloads (CRC re-signed half of the time)', () => {
    const file = addDfuSuffix(fixture('pattern-100.bin'), { idVendor: 0x0483, idProduct: 0xdf11 });
    fc.assert(
      fc.property(editsArb, fc.boolean(), (edits, sign) => {
        const aimed = edits.map((e) => ({ ...e, at: file.length - 1 - (e.at % 20) }));
        const m = mutateSigned(file, aimed, sign);
        parsesOrFormatError(() => parseDfuSuffix(m));
        parsesOrFormatError(() => parseFirmware(m, { fileName: 'fw.dfu' }));
      }),
      { numRuns: RUNS },
    );
  });
});
