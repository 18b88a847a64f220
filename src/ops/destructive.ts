/**
 * Operations that destroy more than the image needs, or take the chip away:
 * mass erase, read-out unprotect, writing the option bytes. Each is announced
 * with a `warning` event naming the region and its size before it is done.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { formatRange, formatSize } from '../dfu/memory-layout.js';
import { byteCount } from '../dfu/planner.js';
import type { DownloadPlan, MemoryLayout } from '../dfu/plan-types.js';

export interface Warning {
  message: string;
  hint: string;
}

/** "@Option Bytes  /0x1FFFC000/01*016 g": writing there resets the chip (AN2662 Write Memory). */
export function isOptionBytesRegion(layout: MemoryLayout | undefined): boolean {
  return layout !== undefined && /^option\s*bytes$/i.test(layout.name.trim());
}

/** The erasable memory of a layout, in words: '1 MiB, 0x08000000-0x080fffff'. */
export function erasableExtent(layout: MemoryLayout): string {
  const erasable = layout.segments.filter((s) => s.erasable);
  if (erasable.length === 0) return 'no erasable sectors';
  const bytes = erasable.reduce((n, s) => n + (s.end - s.start), 0);
  const start = Math.min(...erasable.map((s) => s.start));
  const end = Math.max(...erasable.map((s) => s.end));
  return `${formatSize(bytes)}, ${formatRange(start, end)}`;
}

export function massEraseWarning(layout: MemoryLayout, plan?: DownloadPlan): Warning {
  const needed = plan === undefined ? '' : `, not only the ${byteCount(plan.totals.writeBytes)} the image needs`;
  return {
    message: `mass erase: all of ${layout.name} (${erasableExtent(layout)}) will be erased${needed}`,
    hint: 'everything else in the flash (another application, calibration data, EEPROM emulation) is lost; drop :mass-erase to erase only the sectors the image needs',
  };
}

export function unprotectWarning(layout: MemoryLayout): Warning {
  return {
    message: `unprotect: lifting read-out protection makes the chip erase all of ${layout.name} (${erasableExtent(layout)}) and reset`,
    hint: 'the erase cannot be undone; the device leaves the bus and comes back unprotected (BOOT0 permitting): flash the firmware again afterwards',
  };
}

export function optionBytesWarning(layout: MemoryLayout, plan: DownloadPlan): Warning {
  const first = plan.writes[0]?.address ?? layout.segments[0]?.start ?? 0;
  return {
    message: `writing ${layout.name} (${byteCount(plan.totals.writeBytes)} at ${hex32(first)}): the chip resets to load them and leaves the bus (will-reset)`,
    hint: 'check the values: wrong option bytes can disable the bootloader or lock the chip for good (read-out protection level 2)',
  };
}

export interface WillResetPart {
  layout?: MemoryLayout | undefined;
  plan: DownloadPlan;
}

/**
 * Option-bytes parts get will-reset semantics (no final ABORT; the device
 * leaving after the last block is success) and go last, since nothing can be
 * sent once the chip has reset; a leave on them is dropped. Returns the parts
 * in execution order and the warnings to emit.
 */
export function orderForWillReset<P extends WillResetPart>(parts: P[], file: string): { parts: P[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const ob = parts.filter((p) => isOptionBytesRegion(p.layout));
  if (ob.length > 1) {
    throw new DfuFlashError('USAGE', `${file} writes the option bytes in ${ob.length} parts, but the chip resets after the first`, {
      hint: 'put all option bytes in one target of the file',
    });
  }
  const ordered = [...parts.filter((p) => !isOptionBytesRegion(p.layout)), ...ob];
  const leave = parts.find((p) => p.plan.leave !== undefined)?.plan.leave;
  const out = ordered.map((p, i): P => {
    if (!isOptionBytesRegion(p.layout)) {
      // the leave belongs at the very end: on the last part, unless that is the option bytes
      const last = i === ordered.length - 1;
      return { ...p, plan: { ...p.plan, leave: last ? leave : undefined } };
    }
    warnings.push(optionBytesWarning(p.layout!, p.plan));
    if (leave !== undefined) {
      warnings.push({
        message: ':leave is not done after writing the option bytes: the chip resets by itself',
        hint: 'drop :leave; whether the application or the bootloader starts after the reset depends on BOOT0',
      });
    }
    return { ...p, plan: { ...p.plan, willReset: true, leave: undefined } };
  });
  return { parts: out, warnings };
}
