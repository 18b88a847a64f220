/** fast-check generators and checks shared by the format property tests. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DfuFlashError } from '../../../src/shared/errors.js';
import type { FirmwareImage, ImageSegment } from '../../../src/formats/image.js';
import { dfuCrc } from '../../../src/formats/crc32.js';
import { resign } from './helpers.js';

/** Disjoint, sorted, non-adjacent segments (what every parser returns) somewhere in the 32-bit space. */
export const segmentsArb = (maxSegments = 6, maxLength = 80): fc.Arbitrary<ImageSegment[]> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 0x30000 }), fc.uint8Array({ minLength: 1, maxLength })), { maxLength: maxSegments }),
    )
    .map(([base, parts]) => {
      const out: ImageSegment[] = [];
      let at = base;
      for (const [gap, data] of parts) {
        if (out.length > 0) at += gap;
        if (at + data.length > 0x1_0000_0000) break;
        out.push({ address: at, data });
        at += data.length;
      }
      return out;
    });

export const imageArb: fc.Arbitrary<FirmwareImage> = fc
  .tuple(segmentsArb(), fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }))
  .map(([segments, startAddress]) => ({ format: 'test', addressed: true, segments, startAddress }));

/** Latin-1 printable text without NULs (S0 headers, target names). */
export const nameArb = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

export interface Edit {
  kind: 'set' | 'insert' | 'delete' | 'truncate';
  at: number;
  value: number;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('set', 'set', 'set', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
}) as fc.Arbitrary<Edit>;

/** Byte values worth trying in text records: hex digits, record starts, line ends, and anything. */
const textByteArb = fc.oneof(
  fc.constantFrom(...Array.from('0123456789ABCDEFabcdef:S\r\n ', (c) => c.charCodeAt(0))),
  fc.integer({ min: 0, max: 255 }),
);

export const editsArb = fc.array(editArb, { minLength: 1, maxLength: 4 });
export const textEditsArb = fc.array(fc.record({ kind: fc.constantFrom('set', 'set', 'insert', 'delete', 'truncate'), at: fc.nat(), value: textByteArb }) as fc.Arbitrary<Edit>, {
  minLength: 1,
  maxLength: 4,
});

export function applyEdits(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let out = bytes.slice();
  for (const e of edits) {
    const n = out.length;
    if (e.kind === 'insert') {
      const at = e.at % (n + 1);
      const next = new Uint8Array(n + 1);
      next.set(out.subarray(0, at), 0);
      next[at] = e.value;
      next.set(out.subarray(at), at + 1);
      out = next;
    } else if (n === 0) {
      continue;
    } else if (e.kind === 'set') {
      out[e.at % n] = e.value;
    } else if (e.kind === 'delete') {
      const at = e.at % n;
      const next = new Uint8Array(n - 1);
      next.set(out.subarray(0, at), 0);
      next.set(out.subarray(at + 1), at);
      out = next;
    } else {
      out = out.slice(0, e.at % n);
    }
  }
  return out;
}

/** Mutate, then (optionally) recompute the suffix CRC so the structure checks behind it run too. */
export function mutateSigned(bytes: Uint8Array, edits: readonly Edit[], sign: boolean): Uint8Array {
  const m = applyEdits(bytes, edits);
  return sign && m.length >= 4 ? resign(m, dfuCrc) : m;
}

/** The property every parser must keep: either a well-formed image or a FORMAT DfuFlashError. */
export function parsesOrFormatError(parse: () => FirmwareImage | undefined | { payload: Uint8Array }): void {
  let result;
  try {
    result = parse();
  } catch (e) {
    if (!(e instanceof DfuFlashError)) throw new Error(`not a DfuFlashError: ${String(e)}`, { cause: e });
    assert.equal(e.code, 'FORMAT', e.message);
    assert.ok(e.message.length > 0);
    assert.ok(e.hint !== undefined && e.hint.length > 0, `no hint on: ${e.message}`);
    return;
  }
  if (result !== undefined && 'segments' in result) checkImage(result);
}

export function checkImage(image: FirmwareImage): void {
  let end = -1;
  for (const s of image.segments) {
    assert.ok(Number.isInteger(s.address) && s.address >= 0);
    assert.ok(s.address + s.data.length <= 0x1_0000_0000);
    if (image.addressed) assert.ok(s.data.length > 0, 'no empty segments');
    assert.ok(s.address > end, 'sorted, disjoint, not adjacent');
    end = s.address + s.data.length;
  }
}
