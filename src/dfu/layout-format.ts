/** Human-readable renderings of layouts, sizes and ranges (for listings, --dry-run and error messages). */
import { hex32 } from '../shared/errors.js';
import type { MemoryLayout, MemorySegment } from './plan-types.js';

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
