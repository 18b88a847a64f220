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

export function planDfuseUpload(layout: MemoryLayout | undefined, options: DfuseUploadOptions): UploadPlan {
  checkTransferSize(options.transferSize);
  const { address, length } = options;
  if (address === undefined) {
    throw new DfuFlashError('USAGE', 'a DfuSe upload needs a start address', {
      hint: 'give the start address, and the length to read (without a length the upload reads to the end of the memory region that holds the address)',
      details: { reason: 'upload-needs-address' },
    });
  }
  if (!Number.isInteger(address) || address < 0 || address >= ADDRESS_SPACE_END) {
    throw new DfuFlashError('USAGE', `upload address ${address} is not a 32-bit address`, {
      hint: 'give an address from 0x00000000 to 0xffffffff, e.g. 0x08000000',
      details: { reason: 'bad-upload-address', address },
    });
  }
  if (length !== undefined && (!Number.isInteger(length) || length < 1 || address + length > ADDRESS_SPACE_END)) {
    throw new DfuFlashError('USAGE', `upload length ${length} at ${hex32(address)} is not a positive size inside the 32-bit address space`, {
      hint: 'give a length of at least 1 byte that ends inside the 32-bit address space, e.g. 0x10000',
      details: { reason: 'bad-upload-length', address, length },
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
      `cannot tell how much to read: ${hex32(address)} is not in the memory layout${nameOf(layout)}`,
      { hint: 'give the length to read too, e.g. 0x4000', details: { reason: 'upload-needs-length', address } },
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
  const what = length === undefined ? `upload start ${hex32(address)}` : `upload ${formatRange(address, address + length)}`;
  const maxLength = at > address ? at - address : undefined;
  const message =
    layout.raw === ''
      ? `${what}: no memory layout is known for this alt setting`
      : `${what} is outside the memory layout of "${layout.name}" (${rangeText}): ${hex32(at)} is not in it`;
  return new DfuFlashError(
    'DOES_NOT_FIT',
    message,
    {
      hint: `check the upload address and length, and the alt setting; ${maxLength === undefined ? '' : `shorten the length to at most ${maxLength} bytes, or `}force the upload to read it anyway`,
      details: { reason: 'upload-outside-layout', address, length, at, ...(maxLength === undefined ? {} : { maxLength }), layout: layout.raw },
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
  const maxLength = at > address ? at - address : undefined;
  const nextReadable = maxLength === undefined ? next : undefined;
  const room =
    maxLength !== undefined
      ? `shorten the length to at most ${maxLength} bytes; `
      : nextReadable !== undefined
        ? `the next readable address is ${hex32(nextReadable)}; `
        : '';
  return new DfuFlashError(
    'UNSUPPORTED',
    `sector ${hex32(sector)}${type} of "${layout.name}" is not readable; ${what}`,
    {
      hint: `${room}to try reading it anyway, force the upload (the device will probably refuse)`,
      details: {
        reason: 'upload-unreadable',
        address,
        length,
        at: sector,
        type: segment?.type,
        ...(maxLength === undefined ? {} : { maxLength }),
        ...(nextReadable === undefined ? {} : { nextReadable }),
        layout: layout.raw,
      },
    },
  );
}

function nameOf(layout: MemoryLayout): string {
  return layout.raw === '' ? ' (none is known for this alt setting)' : ` of "${layout.name}"`;
}
