/**
 * Validation at the edge, the zod building blocks every command's schema is
 * made of: option strings parsed into typed values (each parser's
 * DfuFlashError becomes the error, with its hint), the output, simulation,
 * selection, transfer and acquire options, and the helpers that turn them
 * into the requests' fields. Loaded only once a command line has been split,
 * by the command that validates it.
 */

import { resolve } from 'node:path';
import { z } from 'zod';
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import { parseDfuseAddress } from '../dfu/dfuse-address.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { AcquireOptions, DeviceSelector } from './requests.js';
import type { Common, OutputOptions, SimOptions } from './invocation.js';
import { parseAlt, parseDeviceIds, parseInteger, parsePortPath, parseProfiles, parseSecondsToMs, parseSerials, parseTimeScale } from './parse-values.js';

function parseOrIssue<T>(parse: (text: string) => T, text: string, ctx: z.core.$RefinementCtx): T {
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof DfuFlashError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message, params: { code: e.code, hint: e.hint, details: e.details } });
    return z.NEVER;
  }
}

/** A string option parsed by `parse`; its DfuFlashError becomes a zod issue carrying code and hint. */
export function parsed<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx): T => parseOrIssue(parse, text, ctx));
}

/** An option with an optional value (`--leave [address]`): true without one, else the parsed value. */
export function flagOrParsed<T>(parse: (text: string) => T) {
  return z.union([z.literal(true), z.string()]).transform((v, ctx): true | T => (v === true ? true : parseOrIssue(parse, v, ctx)));
}

export const integer = (flag: string, min: number, max: number) => parsed((s) => parseInteger(flag, s, { min, max }));

export const output = {
  json: z.boolean().optional(),
  quiet: z.boolean().optional(),
  verbose: z.number().int().min(0).default(0),
};

export const simulation = {
  simulate: parsed(parseProfiles).optional(),
  simTimeScale: parsed(parseTimeScale).optional(),
};

type OutputValues = z.output<z.ZodObject<typeof output>>;

export function toOutput(v: OutputValues): OutputOptions {
  return { json: v.json === true, quiet: v.quiet === true, verbose: v.verbose };
}

/** The first zod issue as a DfuFlashError. */
function issueToError(error: z.ZodError): DfuFlashError {
  const issue = error.issues[0];
  if (issue === undefined) return new DfuFlashError('USAGE', 'invalid command line');
  const params = issue.code === 'custom' ? (issue.params as { code?: ErrorCode; hint?: string; details?: Record<string, unknown> } | undefined) : undefined;
  if (params?.code !== undefined) {
    return new DfuFlashError(params.code, issue.message, { hint: params.hint, details: params.details ?? {} });
  }
  const where = issue.path.length > 0 ? `option ${String(issue.path[0])}: ` : '';
  return new DfuFlashError('USAGE', `invalid command line: ${where}${issue.message}`, { hint: 'run "dfu-flash --help" for the options' });
}

export function check<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw issueToError(r.error);
  return r.data;
}

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

export function withSim<T extends Common>(inv: T, sim: SimOptions | undefined): T {
  return sim === undefined ? inv : { ...inv, sim };
}

export function withTimeout<T extends Common>(inv: T, ms: number | undefined): T {
  return ms === undefined ? inv : { ...inv, transferTimeoutMs: ms };
}

/** -N: kept on the invocation; run() turns it into a port path once the devices are listed. */
export function withIndex<T extends Common>(inv: T, v: SelectionValues): T {
  if (v.index === undefined) return inv;
  if (v.path !== undefined) {
    throw new DfuFlashError('USAGE', '-N/--index and -p/--path both choose the port: give one of them', {
      hint: '`dfu-flash list` shows both the number and the path of each device',
    });
  }
  return { ...inv, deviceIndex: v.index };
}

/** Everything a device command shares, applied to its invocation. */
export function finishDevice<T extends Common>(inv: T, v: SelectionValues & Partial<CommonValues> & { transferTimeout?: number | undefined }, cwd: string): T {
  return withIndex(withTimeout(withSim(inv, toSim(v, cwd)), v.transferTimeout), v);
}

export const transfer = {
  transferSize: integer('-t/--transfer-size', 1, 0xffff).optional(),
  dfuseAddress: parsed(parseDfuseAddress).optional(),
  reset: z.boolean().optional(),
};

export const file = z.string().min(1, 'the file name is empty');

/** The raw options with the command's first argument as `file`. */
export function withFile(raw: { args: string[]; opts: Record<string, unknown> }): Record<string, unknown> {
  const f = raw.args[0];
  return f === undefined ? raw.opts : { ...raw.opts, file: f };
}



/** A DfuseOptions with only `o` set (the commands that imply -s modifiers: erase, unprotect). */
export function dfuseOptions(o: Partial<DfuseOptions>): DfuseOptions {
  return { address: undefined, length: undefined, leave: false, massErase: false, unprotect: false, willReset: false, force: false, ...o };
}
export { resolve };
