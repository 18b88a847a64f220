/**
 * ST DfuSe files (UM0391), all integers little-endian:
 *
 *   prefix   'DfuSe' | bVersion=1 | DFUImageSize u32 | bTargets u8                        11 bytes
 *   target   'Target' | bAlternateSetting u8 | bTargetNamed u32 | szTargetName[255]
 *            | dwTargetSize u32 | dwNbElements u32                                       274 bytes
 *   element  dwElementAddress u32 | dwElementSize u32 | data                            8 + size
 *   suffix   the DFU suffix with bcdDFU 0x011A                                           16 bytes
 *
 * DFUImageSize is written two ways: file length − 16 (ST's DLL, MicroPython,
 * Crazyflie, fwupd) and the whole file length (dfu-util's dfuse-pack). Both
 * are accepted; anything else is not. Target names end at their first NUL
 * (ST's DLL leaves garbage after it).
 */
import type { DfuseTarget, DfuSuffixInfo, FirmwareImage, ImageSegment } from './image.js';
import { parseDfuSuffix } from './dfu-suffix.js';
import { formatError, type ParseOptions } from './format-error.js';
import { latin1 } from './latin1.js';
import { buildSegments, type Piece } from './segments.js';

export { buildDfuseFile, type DfuseBuildOptions, type DfuseTargetInput } from './dfuse-build.js';

const FORMAT = 'dfuse';
export const DFUSE_PREFIX_SIZE = 11;
export const DFUSE_TARGET_PREFIX_SIZE = 274;
export const DFUSE_ELEMENT_HEADER_SIZE = 8;
export const DFUSE_BCD_DFU = 0x011a;
const TARGET_NAME_SIZE = 255;
const DAMAGED = 'the file is truncated or damaged; rebuild it (or re-download it)';

export type ImageSizeConvention = 'st' | 'dfuse-pack';

/** Everything the file says about itself, as stored. */
export interface DfuseFileInfo {
  /** DFUImageSize as stored, and which convention it follows. */
  imageSize: number;
  imageSizeConvention: ImageSizeConvention;
  suffix: DfuSuffixInfo;
  targets: (DfuseTarget & { elements: ImageSegment[]; targetNamed: number; targetSize: number })[];
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return latin1(bytes.subarray(at, at + length));
}

/** True when the bytes start with the 'DfuSe' signature. */
export function hasDfusePrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && ascii(bytes, 0, 5) === 'DfuSe';
}

/** Walk the file structure, checking every count and length against the bytes that are there. */
export function inspectDfuseFile(bytes: Uint8Array, options: ParseOptions = {}): DfuseFileInfo {
  const fail = (where: string | undefined, what: string, hint = DAMAGED, details: Record<string, unknown> = {}) =>
    formatError(FORMAT, options, { where, what, hint, details });
  const n = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);

  if (!hasDfusePrefix(bytes)) {
    throw fail('offset 0', `expected the DfuSe signature "DfuSe", found ${JSON.stringify(ascii(bytes, 0, 5))}`, 'this is not a DfuSe file; choose the right format', { reason: 'wrong-format' });
  }
  if (n < DFUSE_PREFIX_SIZE) throw fail(undefined, `the file is ${n} bytes long, shorter than the ${DFUSE_PREFIX_SIZE}-byte DfuSe prefix`);
  if (bytes[5] !== 1) throw fail('offset 5 (bVersion)', `DfuSe version is ${bytes[5]!}, expected 1`, 'this DfuSe file version is not supported');

  const split = parseDfuSuffix(bytes, options);
  if (split === undefined) {
    throw fail(`last 16 bytes (offset ${Math.max(0, n - 16)})`, "no DFU suffix: a DfuSe file ends with a 16-byte suffix signed 'UFD'", DAMAGED);
  }
  const { suffix } = split;
  if (suffix.bcdDFU !== DFUSE_BCD_DFU) {
    throw fail(`DFU suffix (offset ${n - 16})`, `bcdDFU is 0x${suffix.bcdDFU.toString(16).padStart(4, '0')}, expected 0x011a for a DfuSe file`, 'the suffix does not belong to a DfuSe file; rebuild the file with a DfuSe tool');
  }
  const end = split.payload.length; // where the suffix starts

  const imageSize = u32(6);
  let imageSizeConvention: ImageSizeConvention;
  if (imageSize === end) imageSizeConvention = 'st';
  else if (imageSize === n) imageSizeConvention = 'dfuse-pack';
  else {
    throw fail('offset 6 (DFUImageSize)', `DFUImageSize is ${imageSize}, expected ${end} (file length without the suffix) or ${n} (file length)`, DAMAGED, {
      imageSize,
    });
  }
  const targetCount = bytes[10]!;
  if (targetCount === 0) throw fail('offset 10 (bTargets)', 'bTargets is 0: the file holds no target', 'rebuild the file with at least one target');

  const targets: DfuseFileInfo['targets'] = [];
  let off = DFUSE_PREFIX_SIZE;
  for (let t = 0; t < targetCount; t++) {
    const targetAt = off;
    const where = `target ${t} at offset ${targetAt}`;
    if (off + DFUSE_TARGET_PREFIX_SIZE > end) {
      throw fail(where, `its ${DFUSE_TARGET_PREFIX_SIZE}-byte header runs past the end of the image data (offset ${end}, where the suffix starts); bTargets is ${targetCount}`);
    }
    const signature = ascii(bytes, off, 6);
    if (signature !== 'Target') throw fail(where, `expected the signature "Target", found ${JSON.stringify(signature)}`);
    const alternateSetting = bytes[off + 6]!;
    const targetNamed = u32(off + 7);
    const nameField = bytes.subarray(off + 11, off + 11 + TARGET_NAME_SIZE);
    const nul = nameField.indexOf(0);
    const name = targetNamed === 0 ? '' : latin1(nul < 0 ? nameField : nameField.subarray(0, nul));
    const targetSize = u32(off + 266);
    const elementCount = u32(off + 270);
    off += DFUSE_TARGET_PREFIX_SIZE;
    const elementsAt = off;
    const elements: ImageSegment[] = [];
    for (let e = 0; e < elementCount; e++) {
      const ewhere = `target ${t} element ${e} at offset ${off}`;
      if (off + DFUSE_ELEMENT_HEADER_SIZE > end) {
        throw fail(ewhere, `its ${DFUSE_ELEMENT_HEADER_SIZE}-byte header runs past the end of the image data (offset ${end}); dwNbElements is ${elementCount}`);
      }
      const address = u32(off);
      const size = u32(off + 4);
      if (off + DFUSE_ELEMENT_HEADER_SIZE + size > end) {
        throw fail(ewhere, `dwElementSize is ${size}, but only ${end - off - DFUSE_ELEMENT_HEADER_SIZE} bytes of image data follow the element header`);
      }
      elements.push({ address, data: bytes.subarray(off + DFUSE_ELEMENT_HEADER_SIZE, off + DFUSE_ELEMENT_HEADER_SIZE + size) });
      off += DFUSE_ELEMENT_HEADER_SIZE + size;
    }
    if (off - elementsAt !== targetSize) {
      throw fail(where, `dwTargetSize is ${targetSize}, but its ${elementCount} element(s) take ${off - elementsAt} bytes`);
    }
    targets.push({ alternateSetting, name, targetNamed, targetSize, elements, segments: [] });
  }
  if (off !== end) {
    throw fail(`offset ${off}`, `${end - off} bytes follow the last target (bTargets is ${targetCount}) before the suffix at offset ${end}`);
  }
  for (const [t, target] of targets.entries()) {
    target.segments = buildSegments(
      target.elements.map((e, i) => ({ ...e, origin: `target ${t} element ${i}` })),
      FORMAT,
      options,
    );
  }
  return { imageSize, imageSizeConvention, suffix, targets };
}

/** Parse a DfuSe file: `targets` per alt setting, `segments` the union of all targets, `suffix` the DFU suffix. */
export function parseDfuseFile(bytes: Uint8Array, options: ParseOptions = {}): FirmwareImage {
  const info = inspectDfuseFile(bytes, options);
  const all: Piece[] = [];
  for (const [t, target] of info.targets.entries()) {
    for (const [i, e] of target.elements.entries()) all.push({ ...e, origin: `target ${t} (alt ${target.alternateSetting}) element ${i}` });
  }
  const segments = buildSegments(all, FORMAT, options);
  const targets: DfuseTarget[] = info.targets.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, segments: t.segments, elements: t.elements }));
  return { format: FORMAT, segments, addressed: true, suffix: info.suffix, targets };
}

/** The image of one target, ready for the planner (a plain addressed image). */
export function dfuseTargetImage(image: FirmwareImage, target: DfuseTarget): FirmwareImage {
  return { format: image.format, segments: target.segments, addressed: true, suffix: image.suffix };
}
