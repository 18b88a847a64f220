/**
 * The bridge's view of a simulated device: SimUsbDevice plus the inspection
 * members src/sim's SimDevice has (flash, logs, faults). Everything beyond
 * SimUsbDevice is optional, so any SimUsbDevice can be driven.
 */
import type { SimFaultSpec } from '../../../src/sim/faults.js';
import type { SimUsbDevice } from '../../../src/sim/types.js';
import { toHex } from './hex.js';
import type { UnplugCounter } from './unplug-trigger.js';
import type { MemoryRange, WireDescriptors, WireDeviceState } from './protocol.js';

export interface InspectableDevice extends SimUsbDevice {
  readonly serial?: string | undefined;
  readonly connected?: boolean;
  readonly stateName?: string;
  readonly statusName?: string;
  snapshot?(): unknown;
  readFlash?(address: number, length: number): Uint8Array;
  restore?(snapshot: never): void;
  unplug?(reason?: string): void;
  readonly eraseLog?: readonly number[];
  readonly writeLog?: readonly MemoryRange[];
  readonly earlyPolls?: number;
  readonly faults?: { add(spec: SimFaultSpec): void; readonly fired: { request: string; action: unknown }[] };
}

export interface BridgeDevice {
  dev: number;
  device: InspectableDevice;
  replaces?: number | undefined;
  /** The DeviceSpec entry (index) and physical board it belongs to; re-enumerated devices inherit both. */
  slot?: number | undefined;
  board?: string | undefined;
  carriedFrom?: number | undefined;
  /** DeviceSpec.unplugOn, shared with the devices this one re-enumerates into. */
  trigger?: UnplugCounter | undefined;
  triggered?: boolean | undefined;
}

export function wireDescriptors(device: SimUsbDevice): WireDescriptors {
  const d = device.descriptors();
  const strings: Record<string, string> = {};
  for (const [index, text] of Object.entries(d.strings)) strings[index] = text;
  return { device: toHex(d.device), configuration: toHex(d.configuration), strings };
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export function deviceState(entry: BridgeDevice, ranges: MemoryRange[]): WireDeviceState {
  const d = entry.device;
  return {
    dev: entry.dev,
    profile: d.profile,
    serial: d.serial,
    replaces: entry.replaces,
    slot: entry.slot,
    board: entry.board,
    carriedFrom: entry.carriedFrom,
    triggered: entry.triggered,
    connected: attempt(() => d.connected),
    state: attempt(() => d.stateName),
    status: attempt(() => d.statusName),
    snapshot: d.snapshot ? attempt(() => d.snapshot!()) : undefined,
    ranges: ranges.map((r) => {
      if (!d.readFlash) return { ...r, error: 'device has no readable memory' };
      try {
        return { ...r, data: toHex(d.readFlash(r.address, r.length)) };
      } catch (e) {
        return { ...r, error: (e as Error).message };
      }
    }),
    eraseLog: [...(d.eraseLog ?? [])],
    writeLog: (d.writeLog ?? []).map((w) => ({ address: w.address, length: w.length })),
    transcript: d.transcript,
    earlyPolls: d.earlyPolls ?? 0,
    faultsFired: d.faults ? [...d.faults.fired] : [],
  };
}
