/**
 * Checks the planner runs before it plans anything: the transfer size, the
 * image's own segments, and whether every image byte lies in writable memory.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { ImageSegment } from '../formats/image.js';
import type { MemoryLayout, MemorySegment } from './plan-types.js';
import { findSegment, layoutRanges, nextAddress, pageAt } from './layout-query.js';
import { formatRange, formatSize } from './layout-format.js';

const ADDRESS_SPACE_END = 0x1_0000_0000;

/** wTransferSize is a u16 (wLength of the control transfer). */
export function checkTransferSize(transferSize: number): void {
  if (!Number.isInteger(transferSize) || transferSize < 1 || transferSize > 0xffff) {
    throw new DfuFlashError('USAGE', `Transfer size ${transferSize} is not an integer from 1 to 65535`, {
      hint: 'Pass -t with a size in bytes such as 1024 or 2048, or leave it out to use the device-reported wTransferSize.',
      details: { transferSize },
    });
  }
}

/** Image segments sorted by address, empty ones dropped; refuses overlaps and the 32-bit wrap. */
export function sortedImageSegments(segments: readonly ImageSegment[]): ImageSegment[] {
  const sorted = segments.filter((s) => s.data.length > 0).sort((a, b) => a.address - b.address);
  let previousEnd = 0;
  for (const [i, s] of sorted.entries()) {
    const end = s.address + s.data.length;
    if (!Number.isInteger(s.address) || s.address < 0 || end > ADDRESS_SPACE_END) {
      throw new DfuFlashError(
        'DOES_NOT_FIT',
        `Image data at ${hex32(s.address)} (${byteCount(s.data.length)}) does not fit in the 32-bit address space`,
        { hint: 'Check the start address given with -s ADDR.', details: { address: s.address, length: s.data.length } },
      );
    }
    if (i > 0 && s.address < previousEnd) {
      throw new DfuFlashError(
        'FORMAT',
        `Image segments overlap: the segment at ${hex32(s.address)} starts before ${hex32(previousEnd)}, where the previous one ends`,
        { hint: 'The firmware file describes some addresses twice; rebuild it.', details: { address: s.address } },
      );
    }
    previousEnd = end;
  }
  return sorted;
}

/**
 * Every byte of every segment must lie in writable layout memory. With `force`,
 * unknown and non-writable memory is accepted. Throws DOES_NOT_FIT / NOT_WRITABLE.
 */
export function checkImageFits(segments: readonly ImageSegment[], layout: MemoryLayout, force: boolean): void {
  if (force) return;
  for (const s of segments) {
    const end = s.address + s.data.length;
    let at = s.address;
    while (at < end) {
      const segment = findSegment(layout, at);
      if (segment === undefined) throw doesNotFit(segments, layout, at);
      if (!segment.writable) throw notWritable(layout, segment, at, s.address, end);
      at = Math.min(segment.end, end);
    }
  }
}

function doesNotFit(segments: readonly ImageSegment[], layout: MemoryLayout, at: number): DfuFlashError {
  const first = segments[0] as ImageSegment;
  const last = segments[segments.length - 1] as ImageSegment;
  const imageStart = first.address;
  const imageEnd = last.address + last.data.length;
  const ranges = layoutRanges(layout);
  const rangeText = ranges.length === 0 ? 'no memory at all' : ranges.map((r) => formatRange(r.start, r.end)).join(', ');
  return new DfuFlashError(
    'DOES_NOT_FIT',
    `Image ${formatRange(imageStart, imageEnd)} (${byteCount(imageEnd - imageStart)}) does not fit the memory layout ` +
      `"${layout.name}" (${rangeText}): ${hex32(at)} is outside it`,
    {
      hint:
        'Check the start address given with -s ADDR and the alt setting (-a): the image must lie inside the ' +
        "alt setting's memory. Use :force only if you know the device's layout string is wrong.",
      details: {
        imageStart,
        imageEnd,
        address: at,
        layout: layout.raw,
        ranges: ranges.map((r) => ({ start: r.start, end: r.end })),
      },
    },
  );
}

function notWritable(
  layout: MemoryLayout,
  segment: MemorySegment,
  at: number,
  start: number,
  end: number,
): DfuFlashError {
  const page = pageAt(layout, at);
  const sector = page?.start ?? at;
  const access = describeAccess(segment);
  const firstWritable = nextAddress(layout, at, (s) => s.writable);
  const where =
    firstWritable === undefined
      ? 'The layout has no writable memory after it.'
      : `The first writable address after it is ${hex32(firstWritable)}; start the image there (-s ${hex32(firstWritable)}) if that is where it belongs.`;
  const forceNote = segment.readable && !segment.erasable
    ? ''
    : " If the device's layout string mislabels this memory, :force writes anyway.";
  return new DfuFlashError(
    'NOT_WRITABLE',
    `Sector ${hex32(sector)} (${formatSize(segment.pageSize)}, type '${segment.type}' = ${access}) of "${layout.name}" ` +
      `is not writable; the image writes ${formatRange(Math.max(start, segment.start), Math.min(end, segment.end))} there`,
    {
      hint:
        (segment.readable && !segment.erasable
          ? 'Read-only sectors usually hold a bootloader. '
          : '') +
        where +
        forceNote,
      details: { address: sector, type: segment.type, region: layout.name, layout: layout.raw },
    },
  );
}

/** 'g' → 'readable, erasable, writable'; 'a' → 'read-only'. */
export function describeAccess(s: { readable: boolean; erasable: boolean; writable: boolean }): string {
  if (s.readable && !s.erasable && !s.writable) return 'read-only';
  const parts = [s.readable && 'readable', s.erasable && 'erasable', s.writable && 'writable'].filter(
    (p): p is string => typeof p === 'string',
  );
  return parts.length === 0 ? 'no access' : parts.join(', ');
}

export function byteCount(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}
