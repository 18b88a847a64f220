/**
 * Build the sparse segment list of a FirmwareImage from (address, bytes)
 * pieces, as every addressed format produces them: drop empty pieces, sort by
 * address, reject overlaps (naming both ranges) and merge adjacent pieces.
 */
import { hex32 } from '../shared/errors.js';
import type { ImageSegment } from './image.js';
import { formatError, type ParseOptions } from './format-error.js';

export interface Piece {
  address: number;
  data: Uint8Array;
  /** Where the piece came from, for error messages: 'line 12', 'program header 1 (PT_LOAD)'. */
  origin?: string | undefined;
}

const ADDRESS_SPACE = 0x1_0000_0000;

/** '0x08000000-0x080000ff' (last byte included); an empty range prints its start only. */
export function describeRange(address: number, length: number): string {
  return length === 0 ? hex32(address) : `${hex32(address)}-${hex32(address + length - 1)}`;
}

function describePiece(p: Piece): string {
  const range = describeRange(p.address, p.data.length);
  return p.origin === undefined ? range : `${range} (${p.origin})`;
}

/**
 * Sorted, non-overlapping, merged segments. `format` and `options` only shape
 * the FORMAT error raised for overlaps and for pieces past 0xffffffff.
 */
export function buildSegments(pieces: readonly Piece[], format: string, options: ParseOptions = {}): ImageSegment[] {
  const present: (Piece & { index: number })[] = [];
  let sorted = true;
  for (let index = 0; index < pieces.length; index++) {
    const p = pieces[index]!;
    if (!Number.isInteger(p.address) || p.address < 0 || p.address + p.data.length > ADDRESS_SPACE) {
      throw formatError(format, options, {
        where: p.origin,
        what: `data at ${hex32(p.address)} (${p.data.length} bytes) runs past the end of the 32-bit address space`,
        hint: 'the file is damaged, or it was built for a target with more than 32 address bits',
      });
    }
    if (p.data.length === 0) continue;
    const last = present[present.length - 1];
    if (last !== undefined && p.address < last.address) sorted = false;
    present.push({ address: p.address, data: p.data, origin: p.origin, index });
  }
  // Files list their data in address order almost always: skip the sort then (it is stable by file order either way).
  if (!sorted) present.sort((a, b) => a.address - b.address || a.index - b.index);
  for (let i = 1; i < present.length; i++) {
    const prev = present[i - 1]!;
    const cur = present[i]!;
    if (cur.address < prev.address + prev.data.length) {
      // Name them in file order: the later piece overlaps the earlier one.
      const [first, second] = cur.index < prev.index ? [cur, prev] : [prev, cur];
      throw formatError(format, options, {
        what: `${describePiece(second)} overlaps ${describePiece(first)}`,
        hint: 'two parts of the file write the same memory; fix the build (linker script, objcopy options) so each byte has one value',
        details: {
          ranges: [
            { address: first.address, length: first.data.length, origin: first.origin },
            { address: second.address, length: second.data.length, origin: second.origin },
          ],
        },
      });
    }
  }
  return mergeAdjacent(present);
}

function mergeAdjacent(sorted: readonly Piece[]): ImageSegment[] {
  const out: ImageSegment[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    let end = sorted[i]!.address + sorted[i]!.data.length;
    while (j < sorted.length && sorted[j]!.address === end) {
      end += sorted[j]!.data.length;
      j++;
    }
    const start = sorted[i]!.address;
    if (j === i + 1) {
      out.push({ address: start, data: sorted[i]!.data });
    } else {
      const data = new Uint8Array(end - start);
      for (let k = i; k < j; k++) data.set(sorted[k]!.data, sorted[k]!.address - start);
      out.push({ address: start, data });
    }
    i = j;
  }
  return out;
}
