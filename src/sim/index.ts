/**
 * Simulated DFU / DfuSe devices: entry points for tests, `--simulate` and the
 * umockdev harness. Nothing here touches the file system or prints.
 */
import { DfuFlashError } from '../shared/errors.js';
import { systemClock, type Clock } from '../transport/clock.js';
import { PROFILES, findProfile } from './profiles/index.js';
import { SimBackend } from './sim-backend.js';
import { SimBus } from './sim-bus.js';
import { SimDevice } from './sim-device.js';
import { SIM_TIMINGS, type SimTiming } from './timing-variants.js';

export { SimDevice, requestName } from './sim-device.js';
export type { SimDeviceOptions, SimClaimResult } from './sim-device.js';
export { SimTransport } from './sim-transport.js';
export { SimBus } from './sim-bus.js';
export type { SimAttachment, SimBusLogEntry, SimBusOptions, SimBusStats } from './sim-bus.js';
export { SimBackend } from './sim-backend.js';
export type { SimDeviceFactory, SimPlugOptions } from './sim-backend.js';
export { SimFaults } from './faults.js';
export type { SimFaultAction, SimFaultSpec, SimRequestName } from './faults.js';
export type { SimFlashSnapshot, SimWrite } from './flash.js';
export { readRawDescriptors, readDeviceInfo } from './host-enumerate.js';
export type { SimProfile } from './profile-types.js';
export { SIM_TIMINGS, type SimTiming } from './timing-variants.js';
export type * from './types.js';

export interface SimOptions {
  clock?: Clock | undefined;
  /** Multiplies every busy duration: 1 = real timing (default), 0 = instant, 0.01 = fast demo. */
  timeScale?: number | undefined;
  /** How many arrivals and departures the bus log keeps (createSimBackend; default 1000). */
  busLogLimit?: number | undefined;
  /** The devices' timing set: 'typical' (default), 'worst-case', 'short-poll' (see timing-variants.ts). */
  timing?: SimTiming | undefined;
}

export const SIM_PROFILES: { name: string; description: string }[] = PROFILES.map((p) => ({
  name: p.name,
  description: p.description,
}));

function unknownProfile(name: string): DfuFlashError {
  return new DfuFlashError('USAGE', `unknown simulated device profile '${name}'`, {
    hint: `known profiles: ${SIM_PROFILES.map((p) => p.name).join(', ')}`,
    details: { profile: name },
  });
}

export function createSimDevice(profile: string, options: SimOptions & { serial?: string | undefined } = {}): SimDevice {
  const definition = findProfile(profile);
  if (definition === undefined) throw unknownProfile(profile);
  const clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) {
    throw new DfuFlashError('USAGE', `timeScale must be a finite number >= 0, got ${timeScale}`, {
      hint: 'use 1 for real timing, 0 for instant, 0.01 for a fast demo',
    });
  }
  const timing = options.timing ?? 'typical';
  if (!SIM_TIMINGS.includes(timing)) {
    throw new DfuFlashError('USAGE', `unknown simulated timing '${String(timing)}'`, { hint: `one of ${SIM_TIMINGS.join(', ')}` });
  }
  return new SimDevice(definition, {
    clock,
    timeScale,
    timing,
    serial: options.serial,
    spawn: (name, serial) => createSimDevice(name, { clock, timeScale, timing, serial }),
  });
}

/** Make the k-th repeat of a hex serial distinct (real chips have distinct UIDs). */
function nthSerial(serial: string | undefined, k: number): string | undefined {
  if (serial === undefined || k === 0 || !/^[0-9A-Fa-f]{2,}$/.test(serial)) return serial;
  const last = parseInt(serial.slice(-2), 16);
  return serial.slice(0, -2) + ((last + k) & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/**
 * One device per entry, on ports 1-1, 1-2, … of bus 1. Repeated profiles get
 * distinct serials (the first 256 of a profile), and so do devices plugged in
 * later with `backend.plug(profile)`. `backend.bus.devices` gives each device
 * for assertions.
 */
export function createSimBackend(profiles: string[], options: SimOptions = {}): SimBackend {
  for (const p of profiles) if (findProfile(p) === undefined) throw unknownProfile(p);
  const clock = options.clock ?? systemClock;
  const bus = new SimBus(clock, 1, { logLimit: options.busLogLimit });
  const seen = new Map<string, number>();
  const factory = (profile: string, serial: string | undefined): SimDevice => {
    const definition = findProfile(profile);
    if (definition === undefined) throw unknownProfile(profile);
    const k = seen.get(profile) ?? 0;
    seen.set(profile, k + 1);
    return createSimDevice(profile, { clock, timeScale: options.timeScale, timing: options.timing, serial: serial ?? nthSerial(definition.identity.serial, k) });
  };
  const backend = new SimBackend(bus, clock, factory);
  for (const p of profiles) backend.plug(p);
  return backend;
}
