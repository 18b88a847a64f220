/**
 * Applying the quirk table in the use cases: the flags for the chosen alt
 * setting (plus what the caller forces), the device's identity as the quirks
 * say it is, the functional descriptor and memory layout with their fixes,
 * and the warnings for layouts that claim more flash than the part has.
 */
import { hex32 } from '../shared/errors.js';
import { applyIdentityQuirks, quirksFor } from './quirk-table.js';
import { formatSize } from './memory-layout.js';
import { parseMemoryLayout } from './memory-layout.js';
import type { Quirks } from './quirks.js';
import type { DownloadPlan, MemoryLayout } from './plan-types.js';
import type { DfuAltSetting, DfuDeviceInfo, FunctionalDescriptor, UsbBackend } from '../transport/types.js';

export interface ResolvedQuirks {
  quirks: Quirks;
  /** Names of the table entries and descriptor rules that applied, then `forced: …` for what the caller set. */
  applied: string[];
}

/** The table's quirks for this alt setting, with `force` (a caller's explicit choice) on top. */
export function resolveQuirks(device: DfuDeviceInfo, alt: DfuAltSetting, force?: Partial<Quirks>): ResolvedQuirks {
  const found = quirksFor(device, alt, force);
  const forced = Object.entries(force ?? {}).filter(([, v]) => v !== undefined);
  if (forced.length === 0) return found;
  return {
    quirks: { ...found.quirks, ...Object.fromEntries(forced) },
    applied: [...found.applied, `forced: ${forced.map(([k]) => k).join(', ')}`],
  };
}

/** A backend whose list() shows each device as the quirks say it is (a GD32's serial decoded), so -S selects by it. */
export function quirkedBackend(backend: UsbBackend, force?: Partial<Quirks>): UsbBackend {
  const quirked: UsbBackend = {
    name: backend.name,
    capabilities: backend.capabilities,
    list: async () => (await backend.list()).map((d) => applyIdentityQuirks(d, force)),
    open: (device) => backend.open(device),
    dispose: () => backend.dispose(),
  };
  if (backend.watch) quirked.watch = (onChange) => backend.watch!(onChange);
  return quirked;
}

/** The functional descriptor with a forced bcdDFUVersion (Maple). */
export function functionalWithQuirks(functional: FunctionalDescriptor, quirks: Quirks): FunctionalDescriptor {
  const v = quirks.forceDfuVersion;
  return v === null || v === functional.bcdDFUVersion ? functional : { ...functional, bcdDFUVersion: v };
}

/** End of the contiguous region that starts with the layout's first segment. */
function firstRegionEnd(layout: MemoryLayout): number {
  let end = layout.segments[0]?.start ?? 0;
  for (const s of layout.segments) {
    if (s.start !== end) break;
    end = s.end;
  }
  return end;
}

function describeFirstRegion(layout: MemoryLayout): string {
  const first = layout.segments[0];
  if (first === undefined) return 'no memory';
  const size = formatSize(firstRegionEnd(layout) - first.start);
  return layout.segments.length === 1 ? `${size} (${first.count} × ${formatSize(first.pageSize)} pages)` : size;
}

function sameSegments(a: MemoryLayout, b: MemoryLayout): boolean {
  return a.segments.length === b.segments.length && a.segments.every((s, i) => {
    const t = b.segments[i]!;
    return s.start === t.start && s.end === t.end && s.pageSize === t.pageSize && s.type === t.type;
  });
}

export type Warn = (message: string, hint?: string) => void;

/**
 * The layout to plan with: the quirk's corrected layout (GD32VF103) instead of
 * the one the device claims, with a warning naming both; else the layout as is.
 */
export function layoutWithQuirks(layout: MemoryLayout, quirks: Quirks, warn: Warn): MemoryLayout {
  if (quirks.layoutOverride === null) return layout;
  const fixed = parseMemoryLayout(quirks.layoutOverride);
  if (sameSegments(layout, fixed)) return layout;
  const part = quirks.realFlash?.part ?? 'this device';
  const start = layout.segments[0]?.start ?? 0;
  warn(
    `${part}: the memory layout claims ${describeFirstRegion(layout)} at ${hex32(start)}, but the part has ${describeFirstRegion(fixed)}; using "${fixed.raw}"`,
    'the device reports a wrong layout (a known GD32VF103 ROM bug); dfu-flash plans with the real one',
  );
  return fixed;
}

/**
 * For a layout that may claim more than the part has (STM32H750 reports the
 * H743's 2 MiB): a warning when an operation reaches past the real size.
 */
export function realFlashWarning(layout: MemoryLayout, quirks: Quirks, reachesTo: number): { message: string; hint: string } | undefined {
  const real = quirks.realFlash;
  const first = layout.segments[0];
  if (real === null || first === undefined) return undefined;
  const realEnd = first.start + real.bytes;
  const claimedEnd = firstRegionEnd(layout);
  if (claimedEnd <= realEnd || reachesTo <= realEnd) return undefined;
  return {
    message:
      `the memory layout claims ${formatSize(claimedEnd - first.start)} at ${hex32(first.start)}, but an ${real.part} reports the same layout ` +
      `with only ${formatSize(real.bytes)}: this operation reaches ${hex32(reachesTo - 1)}, and on an ${real.part} everything above ${hex32(realEnd - 1)} fails`,
    hint: `if the chip is an ${real.part}, keep the image within its ${formatSize(real.bytes)}; other parts with this layout have the full size`,
  };
}

/** One past the highest address a download plan erases or writes. */
export function planReach(plan: DownloadPlan): number {
  let end = 0;
  for (const e of plan.erase) end = Math.max(end, e.address + e.size);
  for (const w of plan.writes) end = Math.max(end, w.address + w.data.length);
  return end;
}
