/**
 * What every accepted firmware image must be: segments sorted, disjoint,
 * merged, non-empty and inside the 32-bit address space, no more data than
 * the file had bytes, DfuSe targets that add up to the segments — and the
 * same image again after the project's own writers serialize it.
 */
import assert from 'node:assert/strict';
import { parseFirmware, type FormatChoice } from '../../src/formats/detect.js';
import { appendDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { buildDfuseFile } from '../../src/formats/dfuse-build.js';
import { imageSize, type FirmwareImage } from '../../src/formats/image.js';
import { toIntelHex } from '../../src/formats/ihex.js';
import { toSrec } from '../../src/formats/srec.js';
import { buildSegments } from '../../src/formats/segments.js';
import { checkImage } from '../unit/formats/arbitraries.js';

/** The image written back with src/formats' writers (ELF as Intel HEX: there is no ELF writer), and how to read it. */
export function rewrite(image: FirmwareImage): { bytes: Uint8Array; format: FormatChoice } {
  const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
  let out: { bytes: Uint8Array; format: FormatChoice };
  switch (image.format) {
    case 'ihex':
    case 'elf':
      out = { bytes: text(toIntelHex(image)), format: 'ihex' };
      break;
    case 'srec':
      out = { bytes: text(toSrec(image)), format: 'srec' };
      break;
    case 'dfuse': {
      const s = image.suffix!;
      const targets = image.targets!.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, segments: t.segments, elements: t.elements }));
      return { bytes: buildDfuseFile(targets, { idVendor: s.idVendor, idProduct: s.idProduct, bcdDevice: s.bcdDevice }), format: 'dfuse' };
    }
    case 'bin':
      out = { bytes: image.segments[0]!.data, format: 'bin' };
      break;
    default:
      throw new Error(`no writer for format ${image.format}`);
  }
  const s = image.suffix;
  return s === undefined ? out : { ...out, bytes: appendDfuSuffix(out.bytes, s) };
}

/** The parts of an image a writer must keep. */
export function essence(image: FirmwareImage): unknown {
  return {
    segments: image.segments.map((s) => ({ address: s.address, data: Buffer.from(s.data).toString('hex') })),
    startAddress: image.format === 'bin' ? undefined : image.startAddress,
    // toSrec always writes an S0 record (empty when the image has none, objcopy writes one too): no S0 and an empty one read alike
    header: image.format === 'srec' ? (image.header ?? '') : image.header,
    suffix: image.suffix === undefined ? undefined : { idVendor: image.suffix.idVendor, idProduct: image.suffix.idProduct, bcdDevice: image.suffix.bcdDevice, bcdDFU: image.suffix.bcdDFU },
    targets: image.targets?.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, elements: (t.elements ?? []).map((e) => [e.address, Buffer.from(e.data).toString('hex')]) })),
  };
}

export function assertConsistentImage(image: FirmwareImage, inputLength: number): void {
  checkImage(image);
  assert.ok(image.segments.length > 0, 'an accepted image has something to flash');
  assert.ok(imageSize(image) <= inputLength, `${imageSize(image)} data bytes from a ${inputLength}-byte file`);
  if (image.targets !== undefined) {
    const union = buildSegments(image.targets.flatMap((t) => t.segments), 'test');
    assert.deepEqual(union, image.segments, 'the segments are the union of the targets');
    for (const t of image.targets) checkImage({ ...image, segments: t.segments });
  }
  const { bytes, format } = rewrite(image);
  const again = parseFirmware(bytes, { format });
  const expected = essence(image) as Record<string, unknown>;
  const got = essence(again) as Record<string, unknown>;
  if (image.format === 'elf') {
    // written as Intel HEX: the same bytes at the same addresses, the entry point as the start address
    assert.deepEqual({ ...got, header: undefined }, { ...expected, header: undefined });
  } else {
    assert.deepEqual(got, expected);
  }
}
