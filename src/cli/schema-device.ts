/**
 * Zod pieces every device command shares: the selection flags (dfu-util's
 * -d -p -c -i -a -S -n, and -N), output and simulation flags, the
 * per-transfer timeout, and how to get hold of a device (-w, --wait-timeout,
 * --no-auto-detach); and the helpers that turn their values into the
 * use cases' request fields.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DfuFlashError } from '../shared/errors.js';
import type { AcquireOptions, DeviceSelector } from '../ops/types.js';
import type { Invocation, SimOptions } from './invocation.js';
import { integer, output, parsed, simulation } from './schema-helpers.js';
import { parseAlt, parseDeviceIds, parsePortPath, parseSecondsToMs, parseSerials } from './parse-values.js';

export const selection = {
  device: parsed(parseDeviceIds).optional(),
  path: parsed(parsePortPath).optional(),
  cfg: integer('-c/--cfg', 0, 255).optional(),
  intf: integer('-i/--intf', 0, 255).optional(),
  alt: parsed(parseAlt).optional(),
  serial: parsed(parseSerials).optional(),
  devnum: integer('-n/--devnum', 0, 255).optional(),
  index: integer('-N/--index', 1, 1000).optional(),
};

export const common = {
  ...simulation,
  simState: z.string().min(1, '--sim-state needs a file name').optional(),
  ...output,
};

export const timeout = {
  transferTimeout: integer('--transfer-timeout', 1, 3_600_000).optional(),
};

export const waitTimeout = parsed((s) => parseSecondsToMs('--wait-timeout', s)).optional();

export const acquire = {
  wait: z.boolean().optional(),
  waitTimeout,
  autoDetach: z.boolean().optional(),
};

export type SelectionValues = z.output<z.ZodObject<typeof selection>>;
export type CommonValues = z.output<z.ZodObject<typeof common>>;
export type AcquireValues = z.output<z.ZodObject<typeof acquire>>;

export function toSelector(v: SelectionValues): DeviceSelector {
  const s: DeviceSelector = {};
  if (v.device?.runtimeIds !== undefined) s.runtimeIds = v.device.runtimeIds;
  if (v.device?.dfuIds !== undefined) s.dfuIds = v.device.dfuIds;
  if (v.device?.runtimeOnly) s.runtimeOnly = true;
  if (v.serial?.runtimeSerial !== undefined) s.runtimeSerial = v.serial.runtimeSerial;
  if (v.serial?.dfuSerial !== undefined) s.dfuSerial = v.serial.dfuSerial;
  if (v.path !== undefined) s.path = v.path;
  if (v.devnum !== undefined) s.devnum = v.devnum;
  if (v.cfg !== undefined) s.cfg = v.cfg;
  if (v.intf !== undefined) s.intf = v.intf;
  if (v.alt !== undefined) s.alt = v.alt;
  return s;
}

/** The request fields of -w / --wait-timeout / --no-auto-detach (only those given). */
export function toAcquire(v: AcquireValues): AcquireOptions {
  return {
    ...(v.wait === true ? { wait: true } : {}),
    ...(v.waitTimeout !== undefined ? { waitTimeoutMs: v.waitTimeout } : {}),
    ...(v.autoDetach === false ? { autoDetach: false } : {}),
  };
}

export function toSim(v: Partial<CommonValues>, cwd: string): SimOptions | undefined {
  if (v.simulate === undefined) {
    const stray = v.simState !== undefined ? '--sim-state' : v.simTimeScale !== undefined ? '--sim-time-scale' : undefined;
    if (stray !== undefined) {
      throw new DfuFlashError('USAGE', `${stray} needs --simulate`, { hint: 'e.g. --simulate stm32f4-sysboot ' + stray + (stray === '--sim-state' ? ' flash.json' : ' 0') });
    }
    return undefined;
  }
  const sim: SimOptions = { profiles: v.simulate, timeScale: v.simTimeScale ?? 1 };
  if (v.simState !== undefined) sim.stateFile = resolve(cwd, v.simState);
  return sim;
}

export function withSim<T extends Invocation>(inv: T, sim: SimOptions | undefined): T {
  return sim === undefined ? inv : { ...inv, sim };
}

export function withTimeout<T extends Invocation>(inv: T, ms: number | undefined): T {
  return ms === undefined ? inv : { ...inv, transferTimeoutMs: ms };
}

/** -N: kept on the invocation; run() turns it into a port path once the devices are listed. */
export function withIndex<T extends Invocation>(inv: T, v: SelectionValues): T {
  if (v.index === undefined) return inv;
  if (v.path !== undefined) {
    throw new DfuFlashError('USAGE', '-N/--index and -p/--path both choose the port: give one of them', {
      hint: '`dfu-flash list` shows both the number and the path of each device',
    });
  }
  return { ...inv, deviceIndex: v.index };
}

/** Everything a device command shares, applied to its invocation. */
export function finishDevice<T extends Invocation>(inv: T, v: SelectionValues & Partial<CommonValues> & { transferTimeout?: number | undefined }, cwd: string): T {
  return withIndex(withTimeout(withSim(inv, toSim(v, cwd)), v.transferTimeout), v);
}
