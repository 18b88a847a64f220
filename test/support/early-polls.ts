/**
 * No early poll, checked after every test of a file that imports this (through
 * the rigs): each simulated device a rig created or a bus received must have
 * seen no GETSTATUS before the bwPollTimeout of the reply before it (the sim's
 * `earlyPolls`). A test that polls early on purpose says so with
 * `allowEarlyPolls(device)`.
 */
import { afterEach } from 'node:test';
import type { SimBus, SimDevice } from '../../src/sim/index.js';

const watched = new Set<SimDevice>();
const allowed = new WeakSet<SimDevice>();

export function watchEarlyPolls(device: SimDevice): SimDevice {
  watched.add(device);
  return device;
}

/** Watch every device on `bus` now and every device plugged into it later (re-enumerations). */
export function watchBus(bus: SimBus): void {
  for (const d of bus.devices) watched.add(d);
  const plug = bus.plug.bind(bus);
  bus.plug = (device, port) => {
    watched.add(device);
    return plug(device, port);
  };
}

export function allowEarlyPolls(device: SimDevice): void {
  allowed.add(device);
}

afterEach(() => {
  const bad = [...watched].filter((d) => d.earlyPolls > 0 && !allowed.has(d));
  watched.clear();
  if (bad.length > 0) {
    const where = bad.map((d) => {
      const first = d.transcript.find((e) => e.early);
      return `${d.profile}: ${d.earlyPolls} early GETSTATUS (first at t=${first?.t})`;
    });
    throw new Error(`a GETSTATUS came before the bwPollTimeout of the reply before it: ${where.join('; ')}`);
  }
});
