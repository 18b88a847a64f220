/**
 * DfuSe memory-layout strings (UM0424 §4.3.2): the interface name of every
 * DfuSe alt setting describes the memory behind it, e.g.
 *
 *   @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg
 *   @Option Bytes  /0x1FF00000/01*040 e/0x1FF01000/01*040 e
 *
 * Grammar: `@NAME` then any number of `/0xADDR/GROUP[,GROUP...]` regions, where
 * GROUP = COUNT*SIZE UNIT TYPE:
 *   COUNT, SIZE  decimal digits; leading zeros are padding, never octal (`0128*0002Kg`)
 *   UNIT         `B` or a space = bytes, `K` = 1024, `M` = 1024²
 *   TYPE         a–g; (letter − 'a' + 1) bit0 readable, bit1 erasable, bit2 writable
 * Groups after a comma continue where the previous group ended; each `/0xADDR/`
 * starts a new region. A name without any region (`@Flash3`) is a valid, empty layout.
 *
 * Segments keep the order of the string. Regions may overlap (fwupd's own test
 * vector does); lookups then take the first segment listed.
 *
 * This module holds the layout as one concept: parsing the string, looking
 * addresses up in it, and writing it, its sizes and ranges for people.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { MemoryLayout, MemorySegment } from './plan-types.js';

const ADDRESS_SPACE_END = 0x1_0000_0000;

const UNIT_BYTES: Record<string, number> = { B: 1, ' ': 1, K: 1024, M: 1024 * 1024 };

/** What a layout string looks like (the CLI adds how to pick another alt setting: details.reason 'bad-layout'). */
export const LAYOUT_SYNTAX =
  'a DfuSe interface name looks like @NAME/0xADDR/COUNT*SIZE<unit><type>[,...] with unit B, K, M or a space ' +
  'and type a–g, e.g. "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"';

const LAYOUT_HINT = `${LAYOUT_SYNTAX}; the string comes from the device's descriptors: choose another alt setting, or report the device`;

/** True when an interface name claims to be a DfuSe memory layout (it starts with '@'). */
export function isDfuseLayout(s: string): boolean {
  return s.startsWith('@');
}

/** Type letter → access flags: (letter − 'a' + 1) bit0 readable, bit1 erasable, bit2 writable. */
export function sectorAccess(type: string): { readable: boolean; erasable: boolean; writable: boolean } {
  const bits = type.charCodeAt(0) - 0x60;
  return { readable: (bits & 1) !== 0, erasable: (bits & 2) !== 0, writable: (bits & 4) !== 0 };
}

/** Parse a DfuSe memory-layout string; throws DfuFlashError('LAYOUT') naming the offending part. */
export function parseMemoryLayout(s: string): MemoryLayout {
  if (!isDfuseLayout(s)) {
    throw layoutError(s, "does not start with '@', so it is not a DfuSe memory layout", s);
  }
  const slash = s.indexOf('/');
  const name = (slash < 0 ? s.slice(1) : s.slice(1, slash)).trim();
  const segments: MemorySegment[] = [];
  if (slash >= 0) {
    const fields = s.slice(slash + 1).split('/');
    for (let i = 0; i < fields.length; i += 2) {
      const addressText = fields[i] as string;
      const start = parseRegionAddress(s, addressText);
      const groupsText = fields[i + 1];
      if (groupsText === undefined || groupsText.trim() === '') {
        throw layoutError(
          s,
          `region at ${addressText} has no sector list (expected /${addressText}/COUNT*SIZE<unit><type>)`,
          addressText,
        );
      }
      segments.push(...parseGroups(s, start, groupsText));
    }
  }
  return { name, raw: s, segments };
}

function parseRegionAddress(layout: string, text: string): number {
  const m = /^0[xX]0*([0-9a-fA-F]{1,8})$/.exec(text);
  if (m === null) {
    const what = text === '' ? 'an empty address' : `address '${text}'`;
    throw layoutError(layout, `${what} is not a 0x-prefixed hexadecimal number of at most 32 bits`, text);
  }
  return parseInt(m[1] as string, 16);
}

function parseGroups(layout: string, regionStart: number, text: string): MemorySegment[] {
  const segments: MemorySegment[] = [];
  let start = regionStart;
  for (const group of text.split(',')) {
    const seg = parseGroup(layout, start, group);
    segments.push(seg);
    start = seg.end;
  }
  return segments;
}

function parseGroup(layout: string, start: number, group: string): MemorySegment {
  if (group === '') {
    throw layoutError(layout, 'empty sector group (two commas, or a comma at the end of a region)', group);
  }
  const m = /^(\d+)\*(\d+)(.*)$/s.exec(group);
  if (m === null) {
    throw layoutError(layout, `sector group '${group}' is not COUNT*SIZE<unit><type> (e.g. 04*016Kg)`, group);
  }
  const count = Number(m[1]);
  const size = Number(m[2]);
  const tail = m[3] as string;
  const unit = tail.charAt(0);
  const type = tail.charAt(1);
  if (tail === '') {
    throw layoutError(layout, `sector group '${group}' has no unit (B, K, M or a space) and no type letter (a–g)`, group);
  }
  if (/^[a-g]$/.test(tail)) {
    throw layoutError(
      layout,
      `sector group '${group}' has no unit (B, K, M or a space) before its type letter '${tail}'`,
      group,
    );
  }
  if (UNIT_BYTES[unit] === undefined) {
    throw layoutError(layout, `sector group '${group}' has an unknown unit '${unit}' (expected B, K, M or a space)`, group);
  }
  if (type === '') {
    throw layoutError(layout, `sector group '${group}' has no type letter (a–g) after its unit`, group);
  }
  if (!/^[a-g]$/.test(type)) {
    throw layoutError(layout, `sector group '${group}' has an unknown type letter '${type}' (expected a–g)`, group);
  }
  if (!/^\s*$/.test(tail.slice(2))) {
    throw layoutError(layout, `sector group '${group}' has unexpected text '${tail.slice(2)}' after its type letter`, group);
  }
  if (count === 0) throw layoutError(layout, `sector group '${group}' has a sector count of 0`, group);
  if (size === 0) throw layoutError(layout, `sector group '${group}' has a sector size of 0`, group);
  const pageSize = size * (UNIT_BYTES[unit] as number);
  const end = start + count * pageSize;
  if (end > ADDRESS_SPACE_END) {
    throw layoutError(
      layout,
      `sector group '${group}' starting at ${hex32(start)} runs past the end of the 32-bit address space`,
      group,
    );
  }
  return { start, end, pageSize, count, type, ...sectorAccess(type) };
}

function layoutError(layout: string, problem: string, part: string): DfuFlashError {
  return new DfuFlashError('LAYOUT', `memory layout "${layout}": ${problem}`, {
    hint: LAYOUT_HINT,
    details: { reason: 'bad-layout', layout, part },
  });
}

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

const KIB = 1024;
const MIB = 1024 * 1024;

/** 16384 → '16 KiB', 1048576 → '1 MiB', 40 → '40 B', 1536 → '1536 B' (exact values only). */
export function formatSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} B`;
}

/** A half-open range [start, end) printed with its last byte: '0x08000000-0x080fffff'. */
export function formatRange(start: number, end: number): string {
  return `${hex32(start)}-${hex32(end - 1)}`;
}

/**
 * One line for listings: each region's start address, then its sector groups.
 * '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg' → '0x08000000 4×16 KiB g, 1×64 KiB g, 7×128 KiB g'.
 * A segment that does not start where the previous one ended opens a new region ('; ').
 * An empty layout gives 'no sectors'.
 */
export function formatLayout(layout: MemoryLayout): string {
  const regions: string[][] = [];
  let previous: MemorySegment | undefined;
  for (const s of layout.segments) {
    const group = `${s.count}×${formatSize(s.pageSize)} ${s.type}`;
    const current = regions[regions.length - 1];
    if (current !== undefined && previous !== undefined && s.start === previous.end) current.push(group);
    else regions.push([hex32(s.start), group]);
    previous = s;
  }
  if (regions.length === 0) return 'no sectors';
  return regions.map(([address, ...groups]) => `${address} ${groups.join(', ')}`).join('; ');
}
