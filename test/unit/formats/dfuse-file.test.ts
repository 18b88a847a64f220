import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dfuCrc } from '../../../src/formats/crc32.js';
import { addDfuSuffix } from '../../../src/formats/dfu-suffix.js';
import { buildDfuseFile, dfuseTargetImage, inspectDfuseFile, parseDfuseFile } from '../../../src/formats/dfuse-file.js';
import { ascii, expectError, expectFormatError, fromHex, plainSegments, resign, toHex } from './helpers.js';
import { assertMessageStyle } from '../../support/message-style.js';

const d = (hex: string) => fromHex(hex);

/** One target (alt 0, 'ST...'), one element of 4 bytes at 0x08000000: 11 + 274 + 8 + 4 + 16 = 313 bytes. */
function small(convention: 'st' | 'dfuse-pack' = 'st'): Uint8Array {
  return buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0x08000000, data: d('00112233') }] }], { imageSizeConvention: convention });
}

function patch(file: Uint8Array, at: number, bytes: number[] | Uint8Array, keepCrc = false): Uint8Array {
  const out = file.slice();
  out.set(bytes, at);
  return keepCrc ? out : resign(out, dfuCrc);
}

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

describe('buildDfuseFile', () => {
  test('layout of a one-element file, byte by byte', () => {
    const f = small('st');
    assert.equal(f.length, 313);
    assert.equal(toHex(f.subarray(0, 11)), '446675536501' + '29010000' + '01'); // 'DfuSe', v1, size 297, 1 target
    assert.equal(toHex(f.subarray(11, 22)), '546172676574' + '00' + '01000000' + ''); // 'Target', alt 0, named
    assert.equal(new TextDecoder().decode(f.subarray(22, 27)), 'ST...');
    assert.ok(f.subarray(27, 277).every((b) => b === 0), 'name padded with NULs');
    assert.equal(toHex(f.subarray(277, 285)), '0c000000' + '01000000'); // dwTargetSize 12, 1 element
    assert.equal(toHex(f.subarray(285, 297)), '00000008' + '04000000' + '00112233');
    assert.equal(toHex(f.subarray(297, 309)), '0000' + '11df' + '8304' + '1a01' + '554644' + '10'); // suffix 0483:df11 dev 0 DfuSe
    assert.equal(new DataView(f.buffer).getUint32(309, true), dfuCrc(f.subarray(0, 309)));
    assert.equal(new DataView(small('dfuse-pack').buffer).getUint32(6, true), 313);
  });

  test('options: ids, names, several targets; parse gives it all back', () => {
    const targets = [
      { alternateSetting: 1, name: 'one', segments: [{ address: 0x08005678, data: ascii('hello world') }, { address: 0x08001234, data: ascii('hello world') }] },
      { alternateSetting: 0, name: 'two', segments: [{ address: 0x08000000, data: ascii('hello world') }] },
    ];
    const file = buildDfuseFile(targets, { idVendor: 0x1234, idProduct: 0x5678, bcdDevice: 0x8642 });
    const image = parseDfuseFile(file);
    assert.equal(image.format, 'dfuse');
    assert.equal(image.addressed, true);
    assert.deepEqual({ ...image.suffix, crc: 0 }, { idVendor: 0x1234, idProduct: 0x5678, bcdDevice: 0x8642, bcdDFU: 0x011a, length: 16, crc: 0 });
    assert.deepEqual(
      image.targets?.map((t) => ({ alt: t.alternateSetting, name: t.name, segments: plainSegments(t.segments), elements: plainSegments(t.elements ?? []) })),
      [
        {
          alt: 1,
          name: 'one',
          segments: [
            { address: '0x08001234', data: toHex(ascii('hello world')) },
            { address: '0x08005678', data: toHex(ascii('hello world')) },
          ],
          // as stored: file order
          elements: [
            { address: '0x08005678', data: toHex(ascii('hello world')) },
            { address: '0x08001234', data: toHex(ascii('hello world')) },
          ],
        },
        { alt: 0, name: 'two', segments: [{ address: '0x08000000', data: toHex(ascii('hello world')) }], elements: [{ address: '0x08000000', data: toHex(ascii('hello world')) }] },
      ],
    );
    assert.deepEqual(
      image.segments.map((s) => s.address),
      [0x08000000, 0x08001234, 0x08005678],
    );
    assert.deepEqual(buildDfuseFile(image.targets!, { idVendor: 0x1234, idProduct: 0x5678, bcdDevice: 0x8642 }), file);
    assert.deepEqual(dfuseTargetImage(image, image.targets![1]!).segments, image.targets![1]!.segments);
  });

  test('an empty name clears bTargetNamed; a 255-character name has no NUL', () => {
    const unnamed = buildDfuseFile([{ alternateSetting: 3, name: '', segments: [] }]);
    assert.equal(new DataView(unnamed.buffer).getUint32(18, true), 0);
    assert.equal(parseDfuseFile(unnamed).targets?.[0]?.name, '');
    const long = 'N'.repeat(255);
    assert.equal(parseDfuseFile(buildDfuseFile([{ alternateSetting: 0, name: long, segments: [] }])).targets?.[0]?.name, long);
  });

  test('invalid parameters are USAGE errors', () => {
    const seg = [{ address: 0, data: d('00') }];
    expectError(() => buildDfuseFile([]), 'USAGE', 'a DfuSe file holds 1-255 targets, got 0');
    expectError(() => buildDfuseFile([{ alternateSetting: 256, segments: seg }]), 'USAGE', 'target 0: alternate setting must be 0-255, got 256');
    expectError(() => buildDfuseFile([{ alternateSetting: 0, name: 'x'.repeat(256), segments: seg }]), 'USAGE', 'target 0: name must be at most 255 Latin-1 characters');
    expectError(() => buildDfuseFile([{ alternateSetting: 0, name: '\u0100', segments: seg }]), 'USAGE', 'Latin-1');
    expectError(() => buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0xffffffff, data: d('0011') }] }]), 'USAGE', 'target 0 element 0: 2 bytes at 0xffffffff do not fit');
    expectError(() => buildDfuseFile([{ alternateSetting: 0, segments: seg }], { idVendor: 0x10000 }), 'USAGE', 'idVendor must be 0x0000-0xffff');
  });
});

describe('parseDfuseFile', () => {
  test('both DFUImageSize conventions are accepted and reported', () => {
    assert.equal(inspectDfuseFile(small('st')).imageSizeConvention, 'st');
    assert.equal(inspectDfuseFile(small('dfuse-pack')).imageSizeConvention, 'dfuse-pack');
    assert.deepEqual(parseDfuseFile(small('st')).segments, parseDfuseFile(small('dfuse-pack')).segments);
  });

  test('the target name stops at the first NUL (ST DLL leaves garbage after it); bTargetNamed 0 means no name', () => {
    const garbage = patch(small(), 22, ascii('test.dfu\0sers\\Haven\\Desktop'));
    assert.equal(parseDfuseFile(garbage).targets?.[0]?.name, 'test.dfu');
    const unnamed = patch(small(), 18, le32(0));
    assert.equal(parseDfuseFile(unnamed).targets?.[0]?.name, '');
  });

  test('empty elements are kept as elements and dropped from segments; adjacent ones merge', () => {
    const file = buildDfuseFile([
      {
        alternateSetting: 0,
        segments: [
          { address: 0x08000000, data: d('0011') },
          { address: 0x08000010, data: new Uint8Array(0) },
          { address: 0x08000002, data: d('2233') },
        ],
      },
    ]);
    const t = parseDfuseFile(file).targets![0]!;
    assert.equal(t.elements?.length, 3);
    assert.deepEqual(plainSegments(t.segments), [{ address: '0x08000000', data: '00112233' }]);
  });

  // 313-byte reference file: target 0 at 11, element 0 header at 285, data at 293, suffix at 297.
  const f = small();
  const twoTargets = buildDfuseFile([
    { alternateSetting: 0, segments: [{ address: 0x08000000, data: d('00112233') }] },
    { alternateSetting: 1, segments: [{ address: 0x08000002, data: d('4455') }] },
  ]);
  const bad: { name: string; bytes: Uint8Array; patterns: string[] }[] = [
    { name: 'bad prefix signature', bytes: patch(f, 0, ascii('DfuSx')), patterns: ['fw.dfu: offset 0: expected the DfuSe signature "DfuSe", found "DfuSx"'] },
    { name: 'shorter than the prefix', bytes: ascii('DfuSe\x01'), patterns: ['fw.dfu: the file is 6 bytes long, shorter than the 11-byte DfuSe prefix'] },
    { name: 'bad version', bytes: patch(f, 5, [2]), patterns: ['offset 5 (bVersion): DfuSe version is 2, expected 1'] },
    { name: 'bad prefix size', bytes: patch(f, 6, le32(300)), patterns: ['offset 6 (DFUImageSize): DFUImageSize is 300, expected 297 (file length without the suffix) or 313 (file length)'] },
    { name: 'no targets', bytes: patch(f, 10, [0]), patterns: ['offset 10 (bTargets): bTargets is 0'] },
    { name: 'target count too high', bytes: patch(f, 10, [2]), patterns: ['target 1 at offset 297: its 274-byte header runs past the end of the image data (offset 297, where the suffix starts); bTargets is 2'] },
    { name: 'target count too low', bytes: patch(twoTargets, 10, [1]), patterns: ['offset 297: 284 bytes follow the last target (bTargets is 1) before the suffix at offset 581'] },
    { name: 'bad target signature', bytes: patch(f, 11, ascii('Tarxet')), patterns: ['target 0 at offset 11: expected the signature "Target", found "Tarxet"'] },
    { name: 'bad second target signature', bytes: patch(twoTargets, 297, ascii('target')), patterns: ['target 1 at offset 297: expected the signature "Target", found "target"'] },
    { name: 'element beyond file', bytes: patch(f, 289, le32(5)), patterns: ['target 0 element 0 at offset 285: dwElementSize is 5, but only 4 bytes of image data follow the element header'] },
    { name: 'huge element', bytes: patch(f, 289, le32(0xffffffff)), patterns: ['target 0 element 0 at offset 285: dwElementSize is 4294967295'] },
    { name: 'element count too high', bytes: patch(f, 281, le32(2)), patterns: ['target 0 element 1 at offset 297: its 8-byte header runs past the end of the image data (offset 297); dwNbElements is 2'] },
    { name: 'element count too low', bytes: patch(f, 281, le32(0)), patterns: ['target 0 at offset 11: dwTargetSize is 12, but its 0 element(s) take 0 bytes'] },
    { name: 'dwTargetSize wrong', bytes: patch(f, 277, le32(13)), patterns: ['target 0 at offset 11: dwTargetSize is 13, but its 1 element(s) take 12 bytes'] },
    { name: 'no suffix', bytes: f.subarray(0, 297), patterns: ["fw.dfu: last 16 bytes (offset 281): no DFU suffix: a DfuSe file ends with a 16-byte suffix signed 'UFD'"] },
    { name: 'bad CRC', bytes: patch(f, 293, [0xff], true), patterns: ['fw.dfu: DFU suffix (last 16 bytes, offset 297): dwCRC is 0x'] },
    { name: 'plain DFU bcdDFU', bytes: patch(f, 303, [0x00, 0x01]), patterns: ['DFU suffix (offset 297): bcdDFU is 0x0100, expected 0x011a'] },
    {
      name: 'overlapping elements in a target',
      bytes: buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0x100, data: d('0011') }, { address: 0x101, data: d('22') }] }]),
      patterns: ['0x00000101-0x00000101 (target 0 element 1) overlaps 0x00000100-0x00000101 (target 0 element 0)'],
    },
    { name: 'overlapping targets', bytes: twoTargets, patterns: ['0x08000002-0x08000003 (target 1 (alt 1) element 0) overlaps 0x08000000-0x08000003 (target 0 (alt 0) element 0)'] },
  ];
  for (const c of bad) {
    test(`FORMAT error: ${c.name}`, () => {
      const e = expectFormatError(() => parseDfuseFile(c.bytes, { fileName: 'fw.dfu' }), ...c.patterns);
      assert.ok(e.message.startsWith('fw.dfu: '));
      assert.ok(e.hint !== undefined && e.hint !== '');
      assertMessageStyle(e, 'fw.dfu');
    });
  }

  test('a plain suffixed payload is not a DfuSe file', () => {
    expectFormatError(() => parseDfuseFile(addDfuSuffix(ascii('hello'))), 'expected the DfuSe signature "DfuSe", found "hello"');
  });
});
