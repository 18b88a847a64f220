/**
 * Lookups in a parsed DfuSe memory layout. Where regions overlap, the first
 * segment listed in the layout string wins (as in dfu-util's segment list).
 */
import type { MemoryLayout, MemorySegment } from './plan-types.js';

/** One sector (page) of a layout. */
export interface LayoutPage {
  start: number;
  size: number;
  segment: MemorySegment;
}

/** A half-open address range [start, end). */
export interface LayoutRange {
  start: number;
  end: number;
}

/** The segment holding `address`, or undefined when the layout does not describe it. */
export function findSegment(layout: MemoryLayout, address: number): MemorySegment | undefined {
  return layout.segments.find((s) => address >= s.start && address < s.end);
}

/** The sector (page) holding `address`. */
export function pageAt(layout: MemoryLayout, address: number): LayoutPage | undefined {
  const segment = findSegment(layout, address);
  if (segment === undefined) return undefined;
  const index = Math.floor((address - segment.start) / segment.pageSize);
  return { start: segment.start + index * segment.pageSize, size: segment.pageSize, segment };
}

/**
 * End (exclusive) of the contiguous memory that starts at `address`: follows
 * segments that begin where the previous one ends, across regions. Only segments
 * accepted by `accept` count (e.g. readable ones). Undefined when `address`
 * itself is not in an accepted segment.
 */
export function layoutEnd(
  layout: MemoryLayout,
  address: number,
  accept: (segment: MemorySegment) => boolean = () => true,
): number | undefined {
  const first = findSegment(layout, address);
  if (first === undefined || !accept(first)) return undefined;
  let end = first.end;
  for (;;) {
    const next = findSegment(layout, end);
    if (next === undefined || !accept(next)) return end;
    end = next.end; // next contains `end`, so next.end > end: the loop terminates
  }
}

/** The layout's memory as sorted, merged ranges (adjacent and overlapping segments joined). */
export function layoutRanges(layout: MemoryLayout): LayoutRange[] {
  const sorted = [...layout.segments].sort((a, b) => a.start - b.start);
  const ranges: LayoutRange[] = [];
  for (const s of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else ranges.push({ start: s.start, end: s.end });
  }
  return ranges;
}

/**
 * The lowest address ≥ `from` that lies in a segment accepted by `accept`
 * (and is found as that segment by findSegment), or undefined.
 */
export function nextAddress(
  layout: MemoryLayout,
  from: number,
  accept: (segment: MemorySegment) => boolean = () => true,
): number | undefined {
  const bounds = layout.segments.flatMap((s) => [s.start, s.end]).filter((a) => a > from);
  const candidates = [from, ...bounds].sort((a, b) => a - b);
  for (const a of candidates) {
    const s = findSegment(layout, a);
    if (s !== undefined && accept(s)) return a;
  }
  return undefined;
}
