/**
 * Put a fake `navigator.usb` (simulated devices) into a page before its own
 * scripts run: the test injects the browser bundle of this module
 * (dist/web/sim-inject.js, see scripts/bundle-web.mjs) with
 * page.evaluateOnNewDocument / addInitScript and calls
 *
 *   DfuFlashSim.installFakeWebUsb({ profiles: ['stm32f4-sysboot'], timeScale: 0.01 })
 *
 * The controller it returns (also `globalThis.dfuFlashSim`) gives the page
 * and the test the simulated devices: flash contents, transcripts, faults.
 */
import type { SimFaultSpec } from '../faults.js';
import { createSimDevice } from '../index.js';
import type { SimDevice } from '../sim-device.js';
import { FakeUsb, type FakeWebUsbOptions } from './fake-usb.js';
import { pageClock } from './page-clock.js';
import type { FakeUsbDevice } from './fake-device.js';

export interface FakeDeviceSpec {
  profile: string;
  serial?: string | undefined;
  /** Armed before the page runs (the sim's faults.add). */
  faults?: SimFaultSpec[] | undefined;
}

export interface InstallFakeWebUsbOptions extends FakeWebUsbOptions {
  profiles: (string | FakeDeviceSpec)[];
  /** Simulated busy times × this (default 1: real timing). */
  timeScale?: number | undefined;
  /** Where to install: an object with a `navigator` (default globalThis). */
  target?: { navigator?: unknown } | undefined;
  /** Also publish the controller as globalThis.dfuFlashSim (default true). */
  expose?: boolean | undefined;
}

export interface FakeWebUsbController {
  usb: FakeUsb;
  /** The simulated devices on the bus now, in plug order. */
  attached(): SimDevice[];
  /** Every simulated device ever on the bus (re-enumerated ones included), in arrival order. */
  history(): SimDevice[];
  /** Plug another device in (fires `connect` when the page may see it). */
  plug(spec: string | FakeDeviceSpec): FakeUsbDevice;
  /** Pull the n-th attached device out. */
  unplug(index?: number, reason?: string): void;
}

export function installFakeWebUsb(input: InstallFakeWebUsbOptions): FakeWebUsbController {
  const options = { ...input, clock: input.clock ?? pageClock };
  const usb = new FakeUsb(options);
  const make = (spec: string | FakeDeviceSpec): SimDevice => {
    const s = typeof spec === 'string' ? { profile: spec } : spec;
    const sim = createSimDevice(s.profile, { timeScale: options.timeScale ?? 1, serial: s.serial, clock: options.clock });
    for (const f of s.faults ?? []) sim.faults.add(f);
    return sim;
  };
  for (const spec of options.profiles) usb.plug(make(spec), false);
  const target = (options.target ?? globalThis) as { navigator?: object };
  const nav = target.navigator;
  if (nav !== undefined) {
    // navigator.usb is an accessor on Navigator.prototype in browsers: shadow it on the instance
    Object.defineProperty(nav, 'usb', { configurable: true, enumerable: true, get: () => usb });
  }
  const controller: FakeWebUsbController = {
    usb,
    attached: () => usb.attached.map((d) => d.sim),
    history: () => usb.history.map((d) => d.sim),
    plug: (spec) => usb.plug(make(spec)),
    unplug: (index = 0, reason) => {
      const d = usb.attached[index];
      if (d !== undefined) usb.unplug(d, reason);
    },
  };
  if (options.expose ?? true) (globalThis as { dfuFlashSim?: FakeWebUsbController }).dfuFlashSim = controller;
  return controller;
}
