/** What --dry-run prints: a download plan as plain lines, one step per line, then the totals. */
import { hex32 } from '../shared/errors.js';
import type { DownloadPlan, EraseStep, MemoryLayout } from './plan-types.js';
import { pageAt } from './memory-layout.js';
import { formatSize } from './memory-layout.js';

export function describePlan(plan: DownloadPlan, layout?: MemoryLayout): string[] {
  return plan.protocol === 'dfu' ? describeDfu(plan) : describeDfuse(plan, layout);
}

function describeDfu(plan: DownloadPlan): string[] {
  const lines = [`DFU 1.1 download, transfer size ${plan.transferSize} bytes`];
  for (const w of plan.writes) {
    lines.push(`write ${w.data.length} bytes in ${blocks(w.blocks)} (the device chooses the address)`);
  }
  lines.push('manifest: zero-length download, then wait for the device to apply the firmware');
  lines.push(`total: write ${plan.totals.writeBytes} bytes in ${blocks(plan.totals.blocks)}`);
  return lines;
}

function describeDfuse(plan: DownloadPlan, layout: MemoryLayout | undefined): string[] {
  const lines = [`DfuSe download, transfer size ${plan.transferSize} bytes`];
  if (plan.massErase) lines.push('mass erase: the whole flash (no page erases)');
  for (const e of plan.erase) lines.push(`erase ${hex32(e.address)}, ${formatSize(e.size)}${eraseNote(plan, e, layout)}`);
  for (const w of plan.writes) {
    lines.push(`write ${hex32(w.address)}, ${w.data.length} bytes in ${blocks(w.blocks)}`);
  }
  if (plan.willReset) lines.push('will-reset: the device resets itself after the last write (no final abort)');
  if (plan.leave === undefined) lines.push('stay in DFU mode (no leave)');
  else if (plan.leave.address === undefined) lines.push('leave: zero-length download, the device starts its application');
  else lines.push(`leave: set address ${hex32(plan.leave.address)}, then zero-length download (the device jumps there)`);
  const sectors = `${plan.erase.length} ${plan.erase.length === 1 ? 'sector' : 'sectors'}`;
  const erase = plan.massErase ? 'mass erase' : `erase ${plan.totals.eraseBytes} bytes in ${sectors}`;
  lines.push(`total: ${erase}, write ${plan.totals.writeBytes} bytes in ${blocks(plan.totals.blocks)}`);
  return lines;
}

/** ' (Internal Flash sector 4; the image fills 4096 bytes of it)' — the parts that are known. */
function eraseNote(plan: DownloadPlan, e: EraseStep, layout: MemoryLayout | undefined): string {
  const notes: string[] = [];
  const index = layout === undefined ? undefined : sectorIndex(layout, e.address);
  if (layout !== undefined && index !== undefined) notes.push(`${layout.name} sector ${index}`);
  const covered = coveredBytes(plan, e);
  if (covered < e.size) notes.push(`the image fills ${covered} bytes of it`);
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

/** The sector's number counting every sector of the layout in string order (ST's sector numbering). */
function sectorIndex(layout: MemoryLayout, address: number): number | undefined {
  const page = pageAt(layout, address);
  if (page === undefined) return undefined;
  let index = 0;
  for (const s of layout.segments) {
    if (s === page.segment) return index + (page.start - s.start) / s.pageSize;
    index += s.count;
  }
  return undefined;
}

function coveredBytes(plan: DownloadPlan, e: EraseStep): number {
  const end = e.address + e.size;
  let n = 0;
  for (const w of plan.writes) {
    const from = Math.max(w.address, e.address);
    const to = Math.min(w.address + w.data.length, end);
    if (to > from) n += to - from;
  }
  return n;
}

function blocks(n: number): string {
  return `${n} ${n === 1 ? 'block' : 'blocks'}`;
}
