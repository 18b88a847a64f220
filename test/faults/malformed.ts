/**
 * Builders for well-formed firmware files and for the ways they get damaged.
 * Each damaged file differs from a good one in exactly one thing; where the
 * format has a checksum that would catch the damage first, it is recomputed,
 * so the parser meets the damage the row is about.
 */
import { addDfuSuffix, buildDfuseFile, dfuCrc } from '../../src/formats/index.js';
import { buildElf32, type TestElf } from '../unit/formats/elf-builder.js';

const h2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0').toUpperCase();

/** One Intel HEX record with a correct checksum (unless `checksum` is given). */
export function ihex(type: number, offset: number, data: number[], checksum?: number): string {
  const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return ':' + [...bytes, checksum ?? -sum & 0xff].map(h2).join('');
}

/** One S-record (type 0-9) with a correct count and checksum (unless given). */
export function srec(type: number, address: number, addressLength: number, data: number[], o: { count?: number; checksum?: number } = {}): string {
  const addr = Array.from({ length: addressLength }, (_, i) => (address >>> (8 * (addressLength - 1 - i))) & 0xff);
  const count = o.count ?? addressLength + data.length + 1;
  const sum = [count, ...addr, ...data].reduce((a, b) => a + b, 0);
  return `S${type}` + [count, ...addr, ...data, o.checksum ?? ~sum & 0xff].map(h2).join('');
}

export const DATA16 = Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);

/** 32 bytes at 0x08000000 as Intel HEX, line by line (edit one line, join with '\n'). */
export function hexLines(base = 0x0800): string[] {
  return [ihex(4, 0, [base >> 8, base & 0xff]), ihex(0, 0, DATA16), ihex(0, 0x10, DATA16), ihex(1, 0, [])];
}

/** 32 bytes at 0x08000000 as S-records (S0 header, two S3, S5 count, S7 start). */
export function srecLines(address = 0x08000000): string[] {
  return [
    srec(0, 0, 2, [...Buffer.from('fw')]),
    srec(3, address, 4, DATA16),
    srec(3, address + 16, 4, DATA16),
    srec(5, 2, 2, []),
    srec(7, address, 4, []),
  ];
}

export const text = (lines: string[]): string => lines.join('\n') + '\n';

export function elf(spec: Partial<TestElf> = {}): Uint8Array {
  return buildElf32({ phdrs: [{ paddr: 0x08000000, data: Uint8Array.from(DATA16) }], ...spec });
}

/** A one-target, one-element DfuSe file (ST image-size convention) with a 0483:df11 suffix. */
export function dfuse(address = 0x08000000, data = Uint8Array.from(DATA16), vidPid: [number, number] = [0x0483, 0xdf11]): Uint8Array {
  return buildDfuseFile([{ alternateSetting: 0, name: 'fw', segments: [{ address, data }] }], { idVendor: vidPid[0], idProduct: vidPid[1] });
}

/** DfuSe file offsets (UM0391): prefix 11 bytes, target prefix 274, element header 8. */
export const DFUSE = { version: 5, imageSize: 6, targets: 10, targetSignature: 11, targetAlt: 17, targetSize: 11 + 266, elements: 11 + 270, elementAddress: 285, elementSize: 289, data: 293 };

/** Recompute the suffix CRC of an edited file, so only the edit is wrong. */
export function resign(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, dfuCrc(out.subarray(0, out.length - 4)), true);
  return out;
}

export function patch(bytes: Uint8Array, at: number, values: number[], signed = true): Uint8Array {
  const out = bytes.slice();
  out.set(values, at);
  return signed ? resign(out) : out;
}

export function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

/** A raw binary with a standard DFU suffix. */
export function suffixed(data: Uint8Array, vidPid: [number, number] = [0x0483, 0xdf11]): Uint8Array {
  return addDfuSuffix(data, { idVendor: vidPid[0], idProduct: vidPid[1] });
}
