/**
 * Plan a DfuSe upload (read-back): where to start and how many bytes to read.
 * ST bootloaders misbehave when an upload runs past the end of their memory,
 * so the range is checked against the layout: it must be readable memory,
 * unless `force`. Without a length, the upload reads to the end of the
 * contiguous readable memory that holds the start address.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { MemoryLayout } from './plan-types.js';
import { findSegment, layoutEnd, layoutRanges, nextAddress, pageAt } from './memory-layout.js';
import { formatRange, formatSize } from './memory-layout.js';
import { checkTransferSize, describeAccess } from './planner.js';

const ADDRESS_SPACE_END = 0x1_0000_0000;

export interface DfuseUploadOptions {
  /** Start address (-s ADDR); required. */
  address: number | undefined;
  /** Bytes to read (-s ADDR:LEN); defaults to the end of the region holding `address`. */
  length?: number | undefined;
  transferSize: number;
  /** Read unknown or unreadable memory all the same. */
  force?: boolean;
}

export interface UploadPlan {
  address: number;
  length: number;
  /** UPLOAD requests of transferSize bytes (the last one may be short). */
  blocks: number;
}

const EXAMPLE = '-s 0x08000000:0x10000';

export function planDfuseUpload(layout: MemoryLayout | undefined, options: DfuseUploadOptions): UploadPlan {
  checkTransferSize(options.transferSize);
  const { address, length } = options;
  if (address === undefined) {
    throw new DfuFlashError('USAGE', 'A DfuSe upload needs a start address', {
      hint: `Give -s ADDR[:LEN], e.g. ${EXAMPLE}; without LEN the upload reads to the end of the memory region that holds ADDR.`,
    });
  }
  if (!Number.isInteger(address) || address < 0 || address >= ADDRESS_SPACE_END) {
    throw new DfuFlashError('USAGE', `Upload address ${address} is not a 32-bit address`, {
      hint: `Give -s ADDR[:LEN], e.g. ${EXAMPLE}.`,
      details: { address },
    });
  }
  if (length !== undefined && (!Number.isInteger(length) || length < 1 || address + length > ADDRESS_SPACE_END)) {
    throw new DfuFlashError('USAGE', `Upload length ${length} at ${hex32(address)} is not a positive size inside the 32-bit address space`, {
      hint: `Give -s ADDR:LEN with LEN > 0, e.g. ${EXAMPLE}.`,
      details: { address, length },
    });
  }
  const memory = layout ?? { name: '', raw: '', segments: [] };
  const resolved = options.force === true ? forcedLength(memory, address, length) : checkedLength(memory, address, length);
  return { address, length: resolved, blocks: Math.ceil(resolved / options.transferSize) };
}

function forcedLength(layout: MemoryLayout, address: number, length: number | undefined): number {
  if (length !== undefined) return length;
  const end = layoutEnd(layout, address);
  if (end === undefined) {
    throw new DfuFlashError(
      'USAGE',
      `Cannot tell how much to read: ${hex32(address)} is not in the memory layout${nameOf(layout)}`,
      { hint: `Give the length too: -s ${hex32(address)}:LEN, e.g. -s ${hex32(address)}:0x4000.`, details: { address } },
    );
  }
  return end - address;
}

function checkedLength(layout: MemoryLayout, address: number, length: number | undefined): number {
  const segment = findSegment(layout, address);
  if (segment === undefined) throw outside(layout, address, address, length);
  if (!segment.readable) throw unreadable(layout, address, address, length);
  const readableEnd = layoutEnd(layout, address, (s) => s.readable) as number;
  if (length === undefined) return readableEnd - address;
  if (address + length > readableEnd) {
    const beyond = findSegment(layout, readableEnd);
    throw beyond === undefined
      ? outside(layout, readableEnd, address, length)
      : unreadable(layout, readableEnd, address, length);
  }
  return length;
}

function outside(layout: MemoryLayout, at: number, address: number, length: number | undefined): DfuFlashError {
  const ranges = layoutRanges(layout);
  const rangeText = ranges.length === 0 ? 'no memory at all' : ranges.map((r) => formatRange(r.start, r.end)).join(', ');
  const what = length === undefined ? `Upload start ${hex32(address)}` : `Upload ${formatRange(address, address + length)}`;
  const room = at > address ? ` Shorten LEN to at most ${at - address} bytes (-s ${hex32(address)}:${at - address}), or` : '';
  const message =
    layout.raw === ''
      ? `${what}: no memory layout is known for this alt setting`
      : `${what} is outside the memory layout of "${layout.name}" (${rangeText}): ${hex32(at)} is not in it`;
  return new DfuFlashError(
    'DOES_NOT_FIT',
    message,
    {
      hint: `Check -s ADDR[:LEN] and the alt setting (-a).${room}${room === '' ? ' Add' : ' add'} :force to read it anyway.`,
      details: { address, length, at, layout: layout.raw },
    },
  );
}

function unreadable(layout: MemoryLayout, at: number, address: number, length: number | undefined): DfuFlashError {
  const page = pageAt(layout, at);
  const segment = page?.segment;
  const sector = page?.start ?? at;
  const type = segment === undefined ? '' : ` (${formatSize(segment.pageSize)}, type '${segment.type}' = ${describeAccess(segment)})`;
  const what =
    length === undefined && at === address
      ? 'the upload starts there'
      : length === undefined
        ? `the upload from ${hex32(address)} reaches it`
        : `upload ${formatRange(address, address + length)} reaches it`;
  const next = nextAddress(layout, at, (s) => s.readable);
  const room =
    at > address
      ? `Shorten LEN to at most ${at - address} bytes (-s ${hex32(address)}:${at - address}).`
      : next !== undefined
        ? `The next readable address is ${hex32(next)}.`
        : '';
  return new DfuFlashError(
    'UNSUPPORTED',
    `Sector ${hex32(sector)}${type} of "${layout.name}" is not readable; ${what}`,
    {
      hint: `${room}${room === '' ? '' : ' '}Add :force to try reading it anyway (the device will probably refuse).`,
      details: { address, length, at: sector, type: segment?.type, layout: layout.raw },
    },
  );
}

function nameOf(layout: MemoryLayout): string {
  return layout.raw === '' ? ' (none is known for this alt setting)' : ` of "${layout.name}"`;
}
