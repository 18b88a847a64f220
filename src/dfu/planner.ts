/**
 * The download planner: a pure function from (image, layout, options) to the
 * complete list of what a download will do. The engines execute a plan step by
 * step; --dry-run prints it (describePlan); progress totals come from it.
 *
 * DfuSe plan order: mass erase (optional) → every page erase, ascending, each
 * page once → every write run → leave. All erases come before any write: ST's
 * CubeMX-generated bootloaders erase from the application start on every ERASE
 * command, so interleaving erases and writes destroys data already written.
 *
 * Here too: the checks the planner runs before it plans anything (transfer
 * size, the image's own segments, every byte in writable memory), and the
 * pruning of a plan for skip-unchanged.
 */
import type { FirmwareImage, ImageSegment } from '../formats/image.js';
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { DownloadPlan, EraseStep, MemoryLayout, MemorySegment, WriteRun } from './plan-types.js';
import { findSegment, formatRange, formatSize, layoutRanges, nextAddress, pageAt } from './memory-layout.js';

export { planDfuseUpload } from './plan-upload.js';
export type { DfuseUploadOptions, UploadPlan } from './plan-upload.js';
export { describePlan } from './plan-describe.js';

/**
 * Most blocks one write run may hold. After one SET_ADDRESS the engine numbers
 * DfuSe data blocks wBlockNum 2, 3, …; a run of this many blocks ends at
 * wBlockNum 65534, safely inside the u16. Longer runs are split.
 */
export const MAX_BLOCKS_PER_RUN = 0xffff - 2;

export interface DfuseDownloadOptions {
  /** Bytes per DNLOAD block (wTransferSize or -t). */
  transferSize: number;
  /** Allow unknown and non-writable memory (unknown pages are written without an erase). */
  force?: boolean;
  /** Mass erase instead of page erases. */
  massErase?: boolean;
  leave?: boolean;
  /** Jump address sent with SET_ADDRESS before the leave request. */
  leaveAddress?: number;
  willReset?: boolean;
}

/** Plan a DfuSe download of `image` into the memory described by `layout`. Throws before anything happens. */
export function planDfuseDownload(
  image: FirmwareImage,
  layout: MemoryLayout,
  options: DfuseDownloadOptions,
): DownloadPlan {
  checkTransferSize(options.transferSize);
  if (options.leaveAddress !== undefined) checkLeaveAddress(options.leaveAddress);
  const segments = sortedImageSegments(image.segments);
  const force = options.force ?? false;
  const massErase = options.massErase ?? false;
  checkImageFits(segments, layout, force);
  const erase = massErase ? [] : erasePages(segments, layout);
  const writes = writeRuns(segments, options.transferSize);
  return {
    protocol: 'dfuse',
    transferSize: options.transferSize,
    massErase,
    erase,
    writes,
    leave: options.leave === true ? { address: options.leaveAddress } : undefined,
    willReset: options.willReset ?? false,
    totals: totals(erase, writes),
  };
}

/**
 * Plan a plain DFU 1.1 download: one run from the device's own start (address 0
 * by convention; the device decides where the bytes go). wBlockNum wraps at
 * 0xFFFF in DFU 1.1 (the engine handles that), so the run is never split.
 */
export function planDfuDownload(data: Uint8Array, options: { transferSize: number }): DownloadPlan {
  checkTransferSize(options.transferSize);
  const writes: WriteRun[] = [{ address: 0, data, blocks: Math.ceil(data.length / options.transferSize) }];
  return {
    protocol: 'dfu',
    transferSize: options.transferSize,
    massErase: false,
    erase: [],
    writes,
    leave: undefined,
    willReset: false,
    totals: totals([], writes),
  };
}

/** Every erasable page any image byte lands in, once each, ascending. Unknown memory (force) is not erased. */
function erasePages(segments: readonly ImageSegment[], layout: MemoryLayout): EraseStep[] {
  const pages = new Map<number, number>();
  for (const s of segments) {
    const end = s.address + s.data.length;
    let at = s.address;
    while (at < end) {
      const page = pageAt(layout, at);
      if (page === undefined) {
        at = Math.min(nextAddress(layout, at) ?? end, end);
        continue;
      }
      if (page.segment.erasable && !pages.has(page.start)) pages.set(page.start, page.size);
      at = Math.min(page.start + page.size, end);
    }
  }
  return [...pages.entries()].sort((a, b) => a[0] - b[0]).map(([address, size]) => ({ address, size }));
}

/** One run per contiguous stretch of image bytes (adjacent segments merge), split to keep wBlockNum in a u16. */
function writeRuns(segments: readonly ImageSegment[], transferSize: number): WriteRun[] {
  const stretches: ImageSegment[][] = [];
  for (const s of segments) {
    const current = stretches[stretches.length - 1];
    const last = current?.[current.length - 1];
    if (current !== undefined && last !== undefined && last.address + last.data.length === s.address) current.push(s);
    else stretches.push([s]);
  }
  const maxRunBytes = MAX_BLOCKS_PER_RUN * transferSize;
  const runs: WriteRun[] = [];
  for (const stretch of stretches) {
    const address = (stretch[0] as ImageSegment).address;
    const data = stretch.length === 1 ? (stretch[0] as ImageSegment).data : concat(stretch.map((s) => s.data));
    for (let offset = 0; offset < data.length; offset += maxRunBytes) {
      const chunk = data.subarray(offset, Math.min(offset + maxRunBytes, data.length));
      runs.push({ address: address + offset, data: chunk, blocks: Math.ceil(chunk.length / transferSize) });
    }
  }
  return runs;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function totals(erase: readonly EraseStep[], writes: readonly WriteRun[]): DownloadPlan['totals'] {
  return {
    eraseBytes: erase.reduce((n, e) => n + e.size, 0),
    writeBytes: writes.reduce((n, w) => n + w.data.length, 0),
    blocks: writes.reduce((n, w) => n + w.blocks, 0),
  };
}

function checkLeaveAddress(address: number): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) {
    throw new DfuFlashError('USAGE', `leave address ${address} is not a 32-bit address`, {
      hint: `give the address to jump to as a 32-bit number, e.g. ${hex32(0x08000000)}`,
      details: { reason: 'bad-leave-address', address },
    });
  }
}

const ADDRESS_SPACE_END = 0x1_0000_0000;

/** wTransferSize is a u16 (wLength of the control transfer). */
export function checkTransferSize(transferSize: number): void {
  if (!Number.isInteger(transferSize) || transferSize < 1 || transferSize > 0xffff) {
    throw new DfuFlashError('USAGE', `transfer size ${transferSize} is not an integer from 1 to 65535`, {
      hint: 'give a size in bytes such as 1024 or 2048, or none to use the device-reported wTransferSize',
      details: { reason: 'bad-transfer-size', transferSize },
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
        `image data at ${hex32(s.address)} (${byteCount(s.data.length)}) does not fit in the 32-bit address space`,
        { hint: 'check the start address the image is written to', details: { reason: 'image-past-address-space', address: s.address, length: s.data.length } },
      );
    }
    if (i > 0 && s.address < previousEnd) {
      throw new DfuFlashError(
        'FORMAT',
        `image segments overlap: the segment at ${hex32(s.address)} starts before ${hex32(previousEnd)}, where the previous one ends`,
        { hint: 'the firmware file describes some addresses twice; rebuild it', details: { address: s.address } },
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
    `image ${formatRange(imageStart, imageEnd)} (${byteCount(imageEnd - imageStart)}) does not fit the memory layout ` +
      `"${layout.name}" (${rangeText}): ${hex32(at)} is outside it`,
    {
      hint:
        "check the start address and the alt setting: the image must lie inside the alt setting's memory; " +
        "force the write only if you know the device's layout string is wrong",
      details: {
        reason: 'image-outside-layout',
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
  const readOnly = segment.readable && !segment.erasable;
  const hint = [
    ...(readOnly ? ['read-only sectors usually hold a bootloader'] : []),
    firstWritable === undefined
      ? 'the layout has no writable memory after it'
      : `the first writable address after it is ${hex32(firstWritable)}; start the image there if that is where it belongs`,
    ...(readOnly ? [] : ["if the device's layout string mislabels this memory, force the write"]),
  ].join('; ');
  return new DfuFlashError(
    'NOT_WRITABLE',
    `sector ${hex32(sector)} (${formatSize(segment.pageSize)}, type '${segment.type}' = ${access}) of "${layout.name}" ` +
      `is not writable; the image writes ${formatRange(Math.max(start, segment.start), Math.min(end, segment.end))} there`,
    {
      hint,
      details: {
        reason: 'sector-not-writable',
        address: sector,
        type: segment.type,
        readOnly,
        ...(firstWritable === undefined ? {} : { firstWritable }),
        region: layout.name,
        layout: layout.raw,
      },
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

/** What a page will hold after the plan runs: 0xFF (erased) except where the plan writes. */
export function expectedPageContents(plan: DownloadPlan, page: EraseStep): Uint8Array {
  const out = new Uint8Array(page.size).fill(0xff);
  const end = page.address + page.size;
  for (const run of plan.writes) {
    const runEnd = run.address + run.data.length;
    const from = Math.max(run.address, page.address);
    const to = Math.min(runEnd, end);
    if (from < to) out.set(run.data.subarray(from - run.address, to - run.address), from - page.address);
  }
  return out;
}

export interface PrunedPlan {
  plan: DownloadPlan;
  skippedPages: EraseStep[];
  skippedBytes: number;
}

/** Remove `unchanged` pages (by address) from the erase list and cut their bytes out of the write runs. */
export function pruneUnchangedPages(plan: DownloadPlan, unchanged: ReadonlySet<number>): PrunedPlan {
  const skippedPages = plan.erase.filter((p) => unchanged.has(p.address));
  if (skippedPages.length === 0) return { plan, skippedPages, skippedBytes: 0 };
  const erase = plan.erase.filter((p) => !unchanged.has(p.address));
  const holes = skippedPages.map((p) => [p.address, p.address + p.size] as const).sort((a, b) => a[0] - b[0]);
  const writes: WriteRun[] = [];
  let skippedBytes = 0;
  for (const run of plan.writes) {
    let cursor = run.address;
    const runEnd = run.address + run.data.length;
    const keep = (from: number, to: number) => {
      if (from >= to) return;
      const data = run.data.subarray(from - run.address, to - run.address);
      writes.push({ address: from, data, blocks: Math.ceil(data.length / plan.transferSize) });
    };
    for (const [hs, he] of holes) {
      if (he <= cursor || hs >= runEnd) continue;
      keep(cursor, Math.max(cursor, hs));
      const cutFrom = Math.max(cursor, hs);
      const cutTo = Math.min(runEnd, he);
      skippedBytes += cutTo - cutFrom;
      cursor = cutTo;
    }
    keep(cursor, runEnd);
  }
  const eraseBytes = erase.reduce((n, e) => n + e.size, 0);
  const writeBytes = writes.reduce((n, w) => n + w.data.length, 0);
  const blocks = writes.reduce((n, w) => n + w.blocks, 0);
  return { plan: { ...plan, erase, writes, totals: { eraseBytes, writeBytes, blocks } }, skippedPages, skippedBytes };
}
