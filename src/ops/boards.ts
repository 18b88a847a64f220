/** The boards a selection matches, for operations on several at once (`--all`, plan runs, the station). */
import { interfaceMode } from '../dfu/device-mode.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import { chooseTarget } from './select.js';
import { isUnrelatedRuntime, namesRuntimeDevice } from './unrelated.js';
import type { DeviceSelector } from './types.js';

/** The boards (one per port) the selector matches, in DFU or (not unrelated) runtime mode, in port order. */
export function matchingBoards(devices: DfuDeviceInfo[], sel: DeviceSelector): DfuDeviceInfo[] {
  const explicit = namesRuntimeDevice(sel);
  const boards = new Map<string, DfuDeviceInfo>();
  for (const d of devices) {
    for (const mode of ['dfu', 'runtime'] as const) {
      if (!d.alts.some((a) => interfaceMode(d, a) === mode && (mode === 'dfu' || explicit || !isUnrelatedRuntime(d, a)))) continue;
      try {
        chooseTarget([d], { ...sel, alt: mode === 'runtime' ? undefined : sel.alt }, mode);
        if (!boards.has(d.portPath)) boards.set(d.portPath, d);
      } catch {
        // not this board
      }
    }
  }
  return [...boards.values()].sort((a, b) => a.portPath.localeCompare(b.portPath, 'en', { numeric: true }));
}
