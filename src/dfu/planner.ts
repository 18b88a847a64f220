/**
 * The download planner: a pure function from (image, layout, options) to the
 * complete list of what a download will do. The engines execute a plan step by
 * step; --dry-run prints it (describePlan); progress totals come from it.
 *
 * DfuSe plan order: mass erase (optional) → every page erase, ascending, each
 * page once → every write run → leave. All erases come before any write: ST's
 * CubeMX-generated bootloaders erase from the application start on every ERASE
 * command, so interleaving erases and writes destroys data already written.
 */
import type { FirmwareImage, ImageSegment } from '../formats/image.js';
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { DownloadPlan, EraseStep, MemoryLayout, WriteRun } from './plan-types.js';
import { pageAt, nextAddress } from './layout-query.js';
import { checkImageFits, checkTransferSize, sortedImageSegments } from './plan-checks.js';

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
    throw new DfuFlashError('USAGE', `Leave address ${address} is not a 32-bit address`, {
      hint: `Give the jump address as -s ADDR:leave, e.g. -s ${hex32(0x08000000)}:leave.`,
      details: { address },
    });
  }
}
