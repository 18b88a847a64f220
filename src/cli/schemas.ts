/**
 * Validation at the edge: one zod schema per command turns commander's raw
 * option strings into typed values, then into the typed request the use case
 * takes. Any bad value becomes a DfuFlashError ('USAGE', or 'BAD_ADDRESS_SPEC'
 * for -s) with a one-line message and a hint, before any backend exists.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDfuseAddress } from '../dfu/dfuse-address.js';
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import type { DeviceSelector } from '../ops/types.js';
import type { Invocation, OutputOptions, SimOptions } from './invocation.js';
import {
  parseAlt,
  parseDeviceIds,
  parseInteger,
  parsePortPath,
  parseProfiles,
  parseSerials,
  parseTimeScale,
} from './parse-values.js';
import type { RawCommand } from './program.js';

/** A string option parsed by `parse`; its DfuFlashError becomes a zod issue carrying code and hint. */
function parsed<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx): T => {
    try {
      return parse(text);
    } catch (e) {
      if (!(e instanceof DfuFlashError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message, params: { code: e.code, hint: e.hint, details: e.details } });
      return z.NEVER;
    }
  });
}

const integer = (flag: string, min: number, max: number) => parsed((s) => parseInteger(flag, s, { min, max }));

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
  simulate: parsed(parseProfiles).optional(),
  simTimeScale: parsed(parseTimeScale).optional(),
  simState: z.string().min(1, '--sim-state needs a file name').optional(),
  json: z.boolean().optional(),
  quiet: z.boolean().optional(),
  verbose: z.number().int().min(0).default(0),
};

const transfer = {
  transferSize: integer('-t/--transfer-size', 1, 0xffff).optional(),
  dfuseAddress: parsed(parseDfuseAddress).optional(),
  reset: z.boolean().optional(),
};

const file = z.string().min(1, 'the file name is empty');

export const listSchema = z.object({ ...selection, ...common }).strict();
export const downloadSchema = z.object({ ...selection, ...common, ...transfer, file }).strict();
export const uploadSchema = z
  .object({
    ...selection,
    ...common,
    ...transfer,
    file,
    uploadSize: integer('-Z/--upload-size', 1, 0xffffffff).optional(),
    force: z.boolean().optional(),
  })
  .strict();
export const detachSchema = z.object({ ...selection, ...common }).strict();

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

function toOutput(v: CommonValues): OutputOptions {
  return { json: v.json === true, quiet: v.quiet === true, verbose: v.verbose };
}

function toSim(v: CommonValues, cwd: string): SimOptions | undefined {
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

function check<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw issueToError(r.error);
  return r.data;
}

/** Validate a parsed command line and build its typed invocation. */
export function toInvocation(raw: RawCommand, cwd: string): Invocation {
  const input = raw.file === undefined ? raw.opts : { ...raw.opts, file: raw.file };
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
      };
      return withSim({ command: 'download', request, output: toOutput(v) }, toSim(v, cwd));
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
      return withSim({ command: 'upload', request, output: toOutput(v) }, toSim(v, cwd));
    }
    case 'detach': {
      const v = check(detachSchema, input);
      return withSim({ command: 'detach', request: { selector: toSelector(v) }, output: toOutput(v) }, toSim(v, cwd));
    }
  }
}

function withSim<T extends Invocation>(inv: T, sim: SimOptions | undefined): T {
  return sim === undefined ? inv : { ...inv, sim };
}
