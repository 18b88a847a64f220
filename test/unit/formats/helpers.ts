/** Shared test helpers for the format parsers. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DfuFlashError, type ErrorCode } from '../../../src/shared/errors.js';
import type { FirmwareImage, ImageSegment } from '../../../src/formats/image.js';

/** The repository root: the nearest folder above this file holding package.json. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRepoRoot();

/** A file from fixtures/formats/. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(repoRoot, 'fixtures', 'formats', name)));
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Run `fn`, expect a DfuFlashError with `code` whose message matches every pattern; return it. */
export function expectError(fn: () => unknown, code: ErrorCode, ...patterns: (RegExp | string)[]): DfuFlashError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DfuFlashError, `expected a DfuFlashError, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, `code of: ${caught.message}`);
  for (const p of patterns) {
    if (typeof p === 'string') assert.ok(caught.message.includes(p), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(p)}`);
    else assert.match(caught.message, p);
  }
  return caught;
}

export function expectFormatError(fn: () => unknown, ...patterns: (RegExp | string)[]): DfuFlashError {
  return expectError(fn, 'FORMAT', ...patterns);
}

/** Compare segments as plain (address, hex) pairs so failures print readably. */
export function plainSegments(segments: readonly ImageSegment[]): { address: string; data: string }[] {
  return segments.map((s) => ({ address: '0x' + s.address.toString(16).padStart(8, '0'), data: toHex(s.data) }));
}

/** The bytes of an image laid out from its lowest address, gaps filled with `fill`. */
export function flatten(image: FirmwareImage, fill = 0xff): { address: number; data: Uint8Array } {
  const first = image.segments[0];
  if (first === undefined) return { address: 0, data: new Uint8Array(0) };
  const last = image.segments[image.segments.length - 1]!;
  const data = new Uint8Array(last.address + last.data.length - first.address).fill(fill);
  for (const s of image.segments) data.set(s.data, s.address - first.address);
  return { address: first.address, data };
}

/** Replace the suffix dwCRC so a deliberately edited file still passes the CRC check. */
export function resign(bytes: Uint8Array, dfuCrc: (b: Uint8Array) => number): Uint8Array {
  const out = bytes.slice();
  const crc = dfuCrc(out.subarray(0, out.length - 4));
  new DataView(out.buffer).setUint32(out.length - 4, crc, true);
  return out;
}
