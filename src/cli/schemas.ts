/**
 * Validation at the edge: one zod schema per command turns commander's raw
 * option strings into typed values, then into the typed request the use case
 * takes. Any bad value becomes a DfuFlashError ('USAGE', or 'BAD_ADDRESS_SPEC'
 * for -s) with a one-line message and a hint, before any backend exists.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDfuseAddress } from '../dfu/dfuse-address.js';
import { DfuFlashError } from '../shared/errors.js';
import type { DeviceSelector } from '../ops/types.js';
import type { Invocation, SimOptions } from './invocation.js';
import { check, integer, output, parsed, simulation, toOutput } from './schema-helpers.js';
import {
  parseAlt,
  parseDeviceIds,
  parsePortPath,
  parseSerials,
} from './parse-values.js';
import type { RawCommand } from './program.js';
import { toToolInvocation } from './schemas-tools.js';

const selection = {
  device: parsed(parseDeviceIds).optional(),
  path: parsed(parsePortPath).optional(),
  cfg: integer('-c/--cfg', 0, 255).optional(),
  intf: integer('-i/--intf', 0, 255).optional(),
  alt: parsed(parseAlt).optional(),
  serial: parsed(parseSerials).optional(),
  devnum: integer('-n/--devnum', 0, 255).optional(),
};

const common = {
  ...simulation,
  simState: z.string().min(1, '--sim-state needs a file name').optional(),
  ...output,
};

const timeout = {
  transferTimeout: integer('--transfer-timeout', 1, 3_600_000).optional(),
};

const transfer = {
  transferSize: integer('-t/--transfer-size', 1, 0xffff).optional(),
  dfuseAddress: parsed(parseDfuseAddress).optional(),
  reset: z.boolean().optional(),
};

const file = z.string().min(1, 'the file name is empty');

export const listSchema = z.object({ ...selection, ...common }).strict();
export const downloadSchema = z
  .object({
    ...selection,
    ...common,
    ...transfer,
    ...timeout,
    file,
    verify: z.boolean().optional(),
    skipUnchanged: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    format: z.enum(['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse']).optional(),
    ignoreSuffix: z.boolean().optional(),
  })
  .strict();
export const uploadSchema = z
  .object({
    ...selection,
    ...common,
    ...transfer,
    ...timeout,
    file,
    uploadSize: integer('-Z/--upload-size', 1, 0xffffffff).optional(),
    force: z.boolean().optional(),
  })
  .strict();
export const detachSchema = z.object({ ...selection, ...common, ...timeout }).strict();

type SelectionValues = z.output<z.ZodObject<typeof selection>>;
type CommonValues = z.output<z.ZodObject<typeof common>>;

function toSelector(v: SelectionValues): DeviceSelector {
  const s: DeviceSelector = {};
  if (v.device?.runtimeIds !== undefined) s.runtimeIds = v.device.runtimeIds;
  if (v.device?.dfuIds !== undefined) s.dfuIds = v.device.dfuIds;
  if (v.serial?.runtimeSerial !== undefined) s.runtimeSerial = v.serial.runtimeSerial;
  if (v.serial?.dfuSerial !== undefined) s.dfuSerial = v.serial.dfuSerial;
  if (v.path !== undefined) s.path = v.path;
  if (v.devnum !== undefined) s.devnum = v.devnum;
  if (v.cfg !== undefined) s.cfg = v.cfg;
  if (v.intf !== undefined) s.intf = v.intf;
  if (v.alt !== undefined) s.alt = v.alt;
  return s;
}

function toSim(v: Partial<CommonValues>, cwd: string): SimOptions | undefined {
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

/** Validate a parsed command line and build its typed invocation. */
export function toInvocation(raw: RawCommand, cwd: string): Invocation {
  const file = raw.args[0];
  const input = file === undefined ? raw.opts : { ...raw.opts, file };
  switch (raw.command) {
    case 'list': {
      const v = check(listSchema, input);
      return withSim({ command: 'list', filter: toSelector(v), output: toOutput(v) }, toSim(v, cwd));
    }
    case 'download': {
      const v = check(downloadSchema, input);
      const request = {
        selector: toSelector(v),
        file: resolve(cwd, v.file),
        ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
        ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
        reset: v.reset === true,
        ...(v.verify === true ? { verify: true } : {}),
        ...(v.skipUnchanged === true ? { skipUnchanged: true } : {}),
        ...(v.dryRun === true ? { dryRun: true } : {}),
        ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
        ...(v.ignoreSuffix === true ? { ignoreSuffix: true } : {}),
      };
      return withTimeout(withSim({ command: 'download', request, output: toOutput(v) }, toSim(v, cwd)), v.transferTimeout);
    }
    case 'upload': {
      const v = check(uploadSchema, input);
      const request = {
        selector: toSelector(v),
        file: resolve(cwd, v.file),
        ...(v.dfuseAddress !== undefined ? { dfuse: v.dfuseAddress } : {}),
        ...(v.uploadSize !== undefined ? { uploadSize: v.uploadSize } : {}),
        ...(v.transferSize !== undefined ? { transferSize: v.transferSize } : {}),
        force: v.force === true,
        reset: v.reset === true,
      };
      return withTimeout(withSim({ command: 'upload', request, output: toOutput(v) }, toSim(v, cwd)), v.transferTimeout);
    }
    case 'detach': {
      const v = check(detachSchema, input);
      return withTimeout(withSim({ command: 'detach', request: { selector: toSelector(v) }, output: toOutput(v) }, toSim(v, cwd)), v.transferTimeout);
    }
    default:
      return toToolInvocation(raw, cwd, (v) => toSim(v, cwd));
  }
}

export function withSim<T extends Invocation>(inv: T, sim: SimOptions | undefined): T {
  return sim === undefined ? inv : { ...inv, sim };
}

function withTimeout<T extends Invocation>(inv: T, ms: number | undefined): T {
  return ms === undefined ? inv : { ...inv, transferTimeoutMs: ms };
}
