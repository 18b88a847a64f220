/**
 * `dfu-flash/sim`: simulated DFU devices behind the same backend interface as
 * real USB — the devices `--simulate` offers, for trying dfu-flash, rehearsing
 * a flashing job, and testing a program that uses it, without a board.
 *
 * ```ts
 * import { simBackend } from 'dfu-flash/sim';
 * const backend = simBackend(['stm32f4-sysboot', { profile: 'dapboot', count: 2 }], { timeScale: 0 });
 * ```
 */
import { DfuFlashError } from '../shared/errors.js';
import type { Clock } from '../transport/clock.js';
import { SIM_PROFILES, createSimBackend } from './index.js';
import type { SimBackend } from './sim-backend.js';

export type { SimBackend } from './sim-backend.js';
export type { SimDevice } from './sim-device.js';
export type { SimBus, SimBusLogEntry } from './sim-bus.js';
export type { SimFaultSpec, SimFaultAction, SimRequestName } from './faults.js';
export type { SimTranscriptEntry } from './types.js';
export { SIM_PROFILES };

/** Bytes a simulated board's flash holds before anything is flashed (the rest is erased, 0xFF). */
export interface SimFlashContents {
  address: number;
  data: Uint8Array;
}

/** One kind of board: a profile name, or a profile with how many boards of it and what their flash holds. */
export type SimBoards =
  | string
  | {
      profile: string;
      /** How many boards of this profile (default 1); each gets its own serial and port. */
      count?: number | undefined;
      /** Initial flash contents of these boards. */
      flash?: SimFlashContents[] | undefined;
    };

export interface SimBackendOptions {
  /**
   * Multiplies every simulated busy time (erase, program, manifestation):
   * 1 = the real device's timing (default), 0 = no waiting, 0.01 = 100 times faster.
   */
  timeScale?: number | undefined;
  /** The clock the devices and the operations share (default: real time). A FakeClock makes everything instant and deterministic. */
  clock?: Clock | undefined;
}

/**
 * Simulated boards on one bus (ports 1-1, 1-2, … in the order given). The
 * returned backend also has `bus` (the devices, their flash, transcripts and
 * faults) for assertions. Unknown profile names are a USAGE error listing the known ones.
 */
export function simBackend(boards: readonly SimBoards[], options: SimBackendOptions = {}): SimBackend {
  const profiles: string[] = [];
  const contents: (SimFlashContents[] | undefined)[] = [];
  for (const b of boards) {
    const spec = typeof b === 'string' ? { profile: b } : b;
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 0 || count > 127) {
      throw new DfuFlashError('USAGE', `count for simulated profile '${spec.profile}' must be a whole number from 0 to 127, got ${String(count)}`);
    }
    for (let i = 0; i < count; i++) {
      profiles.push(spec.profile);
      contents.push(typeof b === 'string' ? undefined : b.flash);
    }
  }
  const backend = createSimBackend(profiles, { timeScale: options.timeScale, clock: options.clock });
  backend.bus.devices.forEach((device, i) => {
    for (const c of contents[i] ?? []) device.loadFlash(c.address, c.data);
  });
  return backend;
}
