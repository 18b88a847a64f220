/**
 * The DFU 1.0/1.1 file suffix (DFU 1.1 spec appendix B): 16 bytes at the end
 * of the file, read backwards from the end:
 *
 *   bcdDevice u16 | idProduct u16 | idVendor u16 | bcdDFU u16 | 'U' 'F' 'D' | bLength u8 | dwCRC u32
 *
 * all little-endian. dwCRC = ~crc32(every byte of the file except the last 4).
 * bLength may exceed 16 (fwupd stores metadata in front of the standard 16 bytes).
 */
import { DfuFlashError, hex16, hex32 } from '../shared/errors.js';
import type { DfuSuffixInfo } from './image.js';
import { dfuCrc } from './crc32.js';
import { formatError, wholeFileError, type ParseOptions } from './format-error.js';

export { crc32, dfuCrc } from './crc32.js';

/** Size of the standard suffix; also the smallest legal bLength. */
export const DFU_SUFFIX_LENGTH = 16;

export interface DfuSuffixFields {
  idVendor?: number | undefined;
  idProduct?: number | undefined;
  bcdDevice?: number | undefined;
  bcdDFU?: number | undefined;
}

export interface SplitSuffix {
  payload: Uint8Array;
  suffix: DfuSuffixInfo;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** True when the last 16 bytes carry the 'UFD' signature (nothing else is checked). */
export function hasDfuSuffixSignature(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= DFU_SUFFIX_LENGTH && bytes[n - 8] === 0x55 && bytes[n - 7] === 0x46 && bytes[n - 6] === 0x44;
}

/**
 * Split a file into payload and suffix. Undefined when the file carries no
 * 'UFD' signature (shorter than 16 bytes, or another signature). A signature
 * with an impossible bLength or a wrong CRC is a FORMAT error.
 */
export function parseDfuSuffix(bytes: Uint8Array, options: ParseOptions = {}): SplitSuffix | undefined {
  if (!hasDfuSuffixSignature(bytes)) return undefined;
  const n = bytes.length;
  const length = bytes[n - 5]!;
  const fail = (what: string, hint: string, details: Record<string, unknown>) =>
    formatError('dfu-suffix', options, { where: `DFU suffix (last ${DFU_SUFFIX_LENGTH} bytes, offset ${n - DFU_SUFFIX_LENGTH})`, what, hint, details });
  if (length < DFU_SUFFIX_LENGTH) {
    throw fail(`bLength is ${length}, expected at least ${DFU_SUFFIX_LENGTH}`, 'the suffix is damaged; remove it and add it again', { reason: 'damaged-suffix', bLength: length });
  }
  if (length > n) {
    throw fail(`bLength is ${length} but the file has only ${n} bytes`, 'the suffix is damaged; remove it and add it again', { reason: 'damaged-suffix', bLength: length, fileLength: n });
  }
  const stored = u32(bytes, n - 4);
  const computed = dfuCrc(bytes.subarray(0, n - 4));
  if (stored !== computed) {
    throw fail(
      `dwCRC is ${hex32(stored)}, expected ${hex32(computed)} (CRC of the first ${n - 4} bytes)`,
      'the file was damaged or edited after its suffix was written; rebuild it, or re-create the suffix (remove it, then add it again)',
      { reason: 'damaged-suffix', foundCrc: stored, expectedCrc: computed },
    );
  }
  return {
    payload: bytes.subarray(0, n - length),
    suffix: {
      bcdDevice: u16(bytes, n - 16),
      idProduct: u16(bytes, n - 14),
      idVendor: u16(bytes, n - 12),
      bcdDFU: u16(bytes, n - 10),
      length,
      crc: stored,
    },
  };
}

function field(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new DfuFlashError('USAGE', `${name} must be a 16-bit value (0x0000-0xffff), got ${String(v)}`, {
      hint: `give ${name} as 4 hex digits, e.g. 0483`,
    });
  }
  return v;
}

/**
 * Append a standard 16-byte suffix, as `dfu-suffix -a` does: fields not given
 * are 0xFFFF ("any"), bcdDFU defaults to 0x0100. A payload that already ends
 * in a valid suffix is refused (dfu-suffix refuses too). An empty payload is
 * refused (dfu-suffix accepts it): the result would hold nothing to flash, and
 * parseFirmware refuses such a file.
 */
export function addDfuSuffix(payload: Uint8Array, fields: DfuSuffixFields = {}, options: ParseOptions = {}): Uint8Array {
  const bcdDevice = field('bcdDevice', fields.bcdDevice, 0xffff);
  const idProduct = field('idProduct', fields.idProduct, 0xffff);
  const idVendor = field('idVendor', fields.idVendor, 0xffff);
  const bcdDFU = field('bcdDFU', fields.bcdDFU, 0x0100);
  if (payload.length === 0) {
    throw wholeFileError('dfu-suffix', options, { what: 'is empty: there is no firmware to add a DFU suffix to', hint: 'check that the build produced the firmware' });
  }
  const existing = parseDfuSuffix(payload);
  if (existing !== undefined) {
    const s = existing.suffix;
    throw new DfuFlashError('FORMAT', `the data already ends in a DFU suffix (${hex16(s.idVendor)}:${hex16(s.idProduct)}, CRC ${hex32(s.crc)})`, {
      hint: 'remove the existing suffix first',
      details: { reason: 'suffix-exists', format: 'dfu-suffix' },
    });
  }
  return appendDfuSuffix(payload, { bcdDevice, idProduct, idVendor, bcdDFU });
}

/** Append a 16-byte suffix without looking at what the payload ends with (DfuSe files may end in anything). */
export function appendDfuSuffix(payload: Uint8Array, fields: { bcdDevice: number; idProduct: number; idVendor: number; bcdDFU: number }): Uint8Array {
  const { bcdDevice, idProduct, idVendor, bcdDFU } = fields;
  const out = new Uint8Array(payload.length + DFU_SUFFIX_LENGTH);
  out.set(payload, 0);
  const n = payload.length;
  const put16 = (at: number, v: number) => {
    out[at] = v & 0xff;
    out[at + 1] = v >>> 8;
  };
  put16(n, bcdDevice);
  put16(n + 2, idProduct);
  put16(n + 4, idVendor);
  put16(n + 6, bcdDFU);
  out.set([0x55, 0x46, 0x44, DFU_SUFFIX_LENGTH], n + 8);
  const crc = dfuCrc(out.subarray(0, n + 12));
  out.set([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24], n + 12);
  return out;
}

/**
 * The payload without its suffix; a file without one is a FORMAT error (as
 * `dfu-suffix -D` reports), and so is a file that is nothing but a suffix
 * (removing it would leave an empty file).
 */
export function removeDfuSuffix(bytes: Uint8Array, options: ParseOptions = {}): Uint8Array {
  const split = parseDfuSuffix(bytes, options);
  if (split === undefined) {
    throw formatError('dfu-suffix', options, {
      where: bytes.length < DFU_SUFFIX_LENGTH ? undefined : `last ${DFU_SUFFIX_LENGTH} bytes`,
      what: bytes.length < DFU_SUFFIX_LENGTH ? `${bytes.length} bytes is too short for a DFU suffix (16 bytes)` : "no DFU suffix: the 'UFD' signature is missing",
      hint: 'there is nothing to remove; the file is already a plain payload',
    });
  }
  if (split.payload.length === 0) {
    throw wholeFileError('dfu-suffix', options, {
      what: `is only a DFU suffix (${bytes.length} bytes, no firmware before it): removing it would leave an empty file`,
      hint: 'there is no firmware in this file; check that the build produced the firmware',
    });
  }
  return split.payload;
}
