/** The file-tool use cases (src/ops/file-tools.ts): describe, convert, suffix — pure parts and file writes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  addSuffixToFile,
  checkSuffixBytes,
  convertFile,
  convertImage,
  describeFirmware,
  flattenSegments,
  MAX_FLAT_BYTES,
  removeSuffixFromFile,
  type ConvertOptions,
} from '../../src/cli/file-tools.js';
import { parseFirmware } from '../../src/formats/index.js';
import type { FirmwareImage } from '../../src/formats/image.js';
import { DfuFlashError, type ErrorCode } from '../../src/shared/errors.js';
import { FORMATS, GENERATED, HAVE_GENERATED, listDir, withTempDir } from './tmp-dir.js';

function rejectsWith(code: ErrorCode, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof DfuFlashError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    assert.ok(e.hint !== undefined && e.hint !== '', 'every refusal has a hint');
    return true;
  };
}

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const image = (segments: [number, number[]][], extra: Partial<FirmwareImage> = {}): FirmwareImage => ({
  format: 'ihex',
  addressed: true,
  segments: segments.map(([address, data]) => ({ address, data: new Uint8Array(data) })),
  ...extra,
});

describe('describeFirmware', () => {
  test('Intel HEX: segments, total, start address', async () => {
    const info = describeFirmware(new Uint8Array(await readFile(join(FORMATS, 'pattern-100_0x0800ffd0.hex'))), { name: 'p.hex' });
    assert.deepEqual(
      { ...info },
      { fileBytes: 348 + 11, format: 'ihex', formatName: 'Intel HEX', addressed: true, segments: [{ address: 0x0800ffd0, length: 100 }], totalBytes: 100, startAddress: 0x0800ffd0 },
    );
  });

  test('raw binary with a DFU suffix', () => {
    // fwupd's example.dfu: "hello world\n" + ffff/ffff/ffff, bcdDFU 0x0100, dwCRC 0x2D64EA66
    const file = new Uint8Array([...new TextEncoder().encode('hello world\n'), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x55, 0x46, 0x44, 16, 0x66, 0xea, 0x64, 0x2d]);
    const info = describeFirmware(file, { name: 'example.dfu' });
    assert.equal(info.format, 'bin');
    assert.equal(info.addressed, false);
    assert.equal(info.totalBytes, 12);
    assert.deepEqual(info.suffix, { bcdDevice: 0xffff, idProduct: 0xffff, idVendor: 0xffff, bcdDFU: 0x0100, length: 16, crc: 0x2d64ea66, crcOk: true });
  });

  test('DfuSe (dfuse-pack): targets as stored and the image-size convention', { skip: HAVE_GENERATED ? false : 'no ../shared/fixtures/real/generated' }, async () => {
    const info = describeFirmware(new Uint8Array(await readFile(join(GENERATED, 'dfuse-pack', 'three_targets_four_elements.dfu'))), { name: 't.dfu' });
    assert.equal(info.format, 'dfuse');
    assert.deepEqual(info.dfuse, {
      imageSize: 4201,
      imageSizeConvention: 'dfuse-pack',
      targets: [
        { alternateSetting: 0, name: 'ST...', targetNamed: 1, targetSize: 1272, elements: [{ address: 0x08000000, length: 256 }, { address: 0x08010000, length: 1000 }] },
        { alternateSetting: 1, name: 'ST...', targetNamed: 1, targetSize: 24, elements: [{ address: 0x1fff7800, length: 16 }] },
        { alternateSetting: 2, name: 'ST...', targetNamed: 1, targetSize: 2056, elements: [{ address: 0x90000000, length: 2048 }] },
      ],
    });
    assert.equal(info.totalBytes, 3320);
  });

  test('a damaged file is a FORMAT error naming the file and line', () => {
    assert.throws(() => describeFirmware(new TextEncoder().encode(':10000000FF\n'), { name: 'bad.hex' }), rejectsWith('FORMAT', /^bad\.hex: line 1: /));
  });
});

describe('flattenSegments', () => {
  test('gaps filled from the lowest address', () => {
    const segs = image([
      [0x100, [1, 2]],
      [0x104, [3]],
    ]).segments;
    assert.deepEqual(flattenSegments(segs, 0xff), bytes(1, 2, 0xff, 0xff, 3));
    assert.deepEqual(flattenSegments(segs, 0x00), bytes(1, 2, 0, 0, 3));
    assert.deepEqual(flattenSegments([], 0xff), bytes());
  });
  test('a span beyond the limit is refused, naming both ends', () => {
    const segs = image([
      [0x08000000, [1]],
      [0x08000000 + MAX_FLAT_BYTES, [2]],
    ]).segments;
    assert.throws(() => flattenSegments(segs, 0xff), rejectsWith('USAGE', /from 0x08000000 to 0x0c000000 would be 67108865 bytes/));
  });
});

describe('convertImage refusals', () => {
  const raw: FirmwareImage = { format: 'bin', addressed: false, segments: [{ address: 0, data: bytes(1, 2, 3) }] };
  const twoTargets: FirmwareImage = {
    format: 'dfuse',
    addressed: true,
    segments: image([
      [0x08000000, [1]],
      [0x1fffc000, [2]],
    ]).segments,
    targets: [
      { alternateSetting: 0, name: 'ST...', segments: image([[0x08000000, [1]]]).segments },
      { alternateSetting: 1, name: 'ST...', segments: image([[0x1fffc000, [2]]]).segments },
    ],
  };
  const cases: { name: string; image: FirmwareImage; options: ConvertOptions; code: ErrorCode; message: RegExp }[] = [
    { name: 'raw → hex needs --address', image: raw, options: { to: 'hex' }, code: 'USAGE', message: /raw binary: it has no addresses, and a hex file needs them/ },
    { name: 'raw → dfu needs --address', image: raw, options: { to: 'dfu' }, code: 'USAGE', message: /a \.dfu file needs them/ },
    { name: 'raw past 4 GiB', image: raw, options: { to: 'hex', address: 0xfffffffe }, code: 'USAGE', message: /run past the end of the 32-bit address space/ },
    { name: 'addressed input with --address', image: image([[0, [1]]]), options: { to: 'bin', address: 0x100 }, code: 'USAGE', message: /carries its own addresses/ },
    { name: 'DfuSe with --address', image: twoTargets, options: { to: 'dfu', address: 0x100 }, code: 'USAGE', message: /DfuSe file: its addresses come from the file/ },
    { name: 'two targets to one bin', image: twoTargets, options: { to: 'bin' }, code: 'USAGE', message: /has 2 targets \(alt 0, 1\); a bin file holds one memory image/ },
    { name: 'no target for --alt', image: twoTargets, options: { to: 'dfu', alt: 5 }, code: 'USAGE', message: /has no target for alt 5 \(its targets are for alt 0, 1\)/ },
    { name: '--gap-fill with hex', image: image([[0, [1]]]), options: { to: 'hex', gapFill: 0 }, code: 'USAGE', message: /--gap-fill applies to --to bin only/ },
    {
      name: '--alt picks a target whose elements are empty',
      image: { ...twoTargets, targets: [twoTargets.targets![0]!, { alternateSetting: 1, name: 'ST...', segments: [], elements: [{ address: 0x1fffc000, data: bytes() }] }] },
      options: { to: 'bin', alt: 1 },
      code: 'FORMAT',
      message: /^in\.x contains no data to convert for alt 1 \(its elements for that target are empty\)$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.throws(() => convertImage(c.image, c.options, 'in.x'), rejectsWith(c.code, c.message)));
  }

  test('--alt picks one target of a DfuSe input', () => {
    const out = convertImage(twoTargets, { to: 'bin', alt: 1 }, 'in.dfu');
    assert.deepEqual(out.data, bytes(2));
    assert.deepEqual(out.segments, [{ address: 0x1fffc000, length: 1 }]);
  });
});

describe('convert round trips (property)', () => {
  const segmentsArb = fc
    .array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), data: fc.uint8Array({ minLength: 1, maxLength: 300 }) }), { minLength: 1, maxLength: 5 })
    .chain((parts) => fc.integer({ min: 0, max: 0xf0000000 }).map((base) => ({ base, parts })));

  function toImage(v: { base: number; parts: { gap: number; data: Uint8Array }[] }): FirmwareImage {
    let at = v.base;
    const segments = v.parts.map((p) => {
      at += p.gap;
      const seg = { address: at, data: p.data };
      at += p.data.length;
      return seg;
    });
    // adjacent pieces are one segment once parsed: build the expectation through the HEX parser
    return parseFirmware(convertImage({ format: 'ihex', addressed: true, segments }, { to: 'hex' }, 'x').data, { format: 'ihex' });
  }

  test('hex, srec and dfu keep every byte at its address; bin is the flattened image', () => {
    fc.assert(
      fc.property(segmentsArb, (v) => {
        const img = toImage(v);
        for (const to of ['hex', 'srec', 'dfu'] as const) {
          const back = parseFirmware(convertImage(img, { to }, 'x').data, { fileName: `x.${to}` });
          assert.deepEqual(back.segments, img.segments, to);
        }
        const flat = convertImage(img, { to: 'bin', gapFill: 0xa5 }, 'x').data;
        const lo = img.segments[0]!.address;
        for (const s of img.segments) assert.deepEqual(flat.subarray(s.address - lo, s.address - lo + s.data.length), s.data);
        const last = img.segments[img.segments.length - 1]!;
        assert.equal(flat.length, last.address + last.data.length - lo);
      }),
      { numRuns: 60 },
    );
  });
});

describe('files', () => {
  test('suffix add writes in place; remove gives the payload back; the folder holds no temporary file', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'fw.bin');
      await writeFile(file, '123456789');
      const added = await addSuffixToFile({ file, fields: { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200, bcdDFU: 0x011a } });
      assert.deepEqual({ ...added, suffix: { ...added.suffix } }, {
        file,
        output: file,
        inBytes: 9,
        outBytes: 25,
        suffix: { bcdDevice: 0x2200, idProduct: 0xdf11, idVendor: 0x0483, bcdDFU: 0x011a, length: 16, crc: 0x69a6ebaf, crcOk: true },
      });
      await assert.rejects(addSuffixToFile({ file, fields: {} }), rejectsWith('FORMAT', /already has a DFU suffix \(0483:df11, dwCRC 0x69a6ebaf\)/));
      const removed = await removeSuffixFromFile({ file, output: join(dir, 'payload.bin') });
      assert.equal(removed.outBytes, 9);
      assert.equal(await readFile(join(dir, 'payload.bin'), 'utf8'), '123456789');
      await assert.rejects(removeSuffixFromFile({ file: join(dir, 'payload.bin') }), rejectsWith('FORMAT', /payload\.bin: 9 bytes is too short for a DFU suffix/));
      assert.deepEqual(await listDir(dir), ['fw.bin', 'payload.bin']);
    }));

  test('checkSuffixBytes: too short, no signature, bad CRC', () => {
    assert.throws(() => checkSuffixBytes(bytes(1, 2), 'a'), rejectsWith('FORMAT', /^a: 2 bytes is too short for a DFU suffix/));
    assert.throws(() => checkSuffixBytes(new Uint8Array(20), 'b'), rejectsWith('FORMAT', /^b: no DFU suffix/));
    const good = new Uint8Array([...new Uint8Array(4), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x55, 0x46, 0x44, 16, 0, 0, 0, 0]);
    assert.throws(() => checkSuffixBytes(good, 'c'), rejectsWith('FORMAT', /^c: DFU suffix .*dwCRC is 0x00000000, expected 0x/));
  });

  test('convert refuses an existing output, keeps it intact, and --force replaces it', () =>
    withTempDir(async (dir) => {
      const input = join(FORMATS, 'pattern-100_s3.srec');
      const output = join(dir, 'out.bin');
      await writeFile(output, 'keep me');
      await assert.rejects(convertFile({ input, output, to: 'bin', force: false }), rejectsWith('FILE_EXISTS', /already exists/));
      assert.equal(await readFile(output, 'utf8'), 'keep me');
      const r = await convertFile({ input, output, to: 'bin', force: true });
      assert.deepEqual(await readFile(output), await readFile(join(FORMATS, 'pattern-100.bin')));
      assert.deepEqual({ from: r.from, to: r.to, outBytes: r.outBytes, dataBytes: r.dataBytes }, { from: 'srec', to: 'bin', outBytes: 100, dataBytes: 100 });
      assert.deepEqual(await listDir(dir), ['out.bin']);
    }));

  test('a conversion that fails writes nothing', () =>
    withTempDir(async (dir) => {
      await assert.rejects(convertFile({ input: join(FORMATS, 'pattern-100.bin'), output: join(dir, 'x.hex'), to: 'hex', force: false }), rejectsWith('USAGE', /has no addresses/));
      await writeFile(join(dir, 'bad.hex'), ':10000000FF\n');
      await assert.rejects(convertFile({ input: join(dir, 'bad.hex'), output: join(dir, 'x.bin'), to: 'bin', force: false }), rejectsWith('FORMAT', /line 1/));
      assert.deepEqual(await listDir(dir), ['bad.hex']);
    }));
});
