/**
 * Plan files for `dfu-flash run plan.json`: JSON read, validated with zod and
 * turned into the FlashPlan the use case runs. Every mistake is reported with
 * its JSON path (`steps[2].download.address: ...`) as a USAGE error (exit 64),
 * before any device is touched. File names are resolved against the plan's
 * folder; `{port}` and `{serial}` stay for the use case to fill in per board.
 *
 *   {
 *     "device": ",0483:df11", "serial": "...", "path": "1-1", "alt": 0,
 *     "all": true, "waitTimeoutMs": 10000,
 *     "steps": [
 *       { "detach": {} },
 *       { "download": { "file": "fw.bin", "alt": 0, "address": "0x08000000:leave", "verify": true } },
 *       { "upload": { "file": "dump-{serial}.bin", "address": "0x08000000:4096", "force": true } },
 *       { "leave": { "address": "0x08000000" } },
 *       { "reset": {} }
 *     ]
 *   }
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DfuFlashError } from '../shared/errors.js';
import { parseDfuseAddress } from '../dfu/dfuse-address.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { DeviceSelector, FlashPlan, PlanStep } from './requests.js';
import { parseAlt, parseDeviceIds, parseInteger, parsePortPath, parseSerials } from './parse-values.js';
import { INPUT_FORMATS } from './program-options.js';

type Ctx = z.core.$RefinementCtx;

/** Run a string through one of the option parsers; its error becomes the issue message. */
function parseText<T>(v: unknown, ctx: Ctx, parse: (s: string) => T): T {
  if (typeof v !== 'string') {
    ctx.addIssue({ code: 'custom', message: `expected a string, got ${describe(v)}` });
    return z.NEVER;
  }
  try {
    return parse(v);
  } catch (e) {
    if (!(e instanceof DfuFlashError)) throw e;
    ctx.addIssue({ code: 'custom', message: reword(e), params: { hint: e.hint } });
    return z.NEVER;
  }
}

function text<T>(parse: (s: string) => T) {
  return z.unknown().transform((v, ctx): T => parseText(v, ctx, parse));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** A bad option value as `"x": problem` (the JSON path names the field), from the error's facts. */
function reword(e: DfuFlashError): string {
  const value = e.details['value'] ?? e.details['spec'];
  const problem = e.details['problem'];
  return typeof value === 'string' && typeof problem === 'string' ? `${JSON.stringify(value)}: ${problem}` : e.message;
}

/** A JSON number in range, or a string the option parser takes (so "0x08000000" works as in the flags). */
function numberOr<T>(max: number, parse: (s: string) => T) {
  return z.unknown().transform((v, ctx): number | T => {
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v <= max) return v;
      ctx.addIssue({ code: 'custom', message: `${v} is out of range (an integer from 0 to ${max})` });
      return z.NEVER;
    }
    return parseText(v, ctx, parse);
  });
}

const address = numberOr(0xffffffff, (s) => parseInteger('address', s, { min: 0, max: 0xffffffff }));
const timeoutMs = z.number().int().min(1).max(86_400_000);
const alt = numberOr(255, parseAlt);
const file = z.string().min(1, 'the file name is empty');

/** `-s` grammar, with what makes sense for the step kind. */
function dfuseFor(kind: 'download' | 'upload') {
  return text((s): DfuseOptions => {
    const o = parseDfuseAddress(s);
    const problem =
      kind === 'download'
        ? o.length !== undefined
          ? `a length (${o.length}) reads memory: that is an upload`
          : o.unprotect
            ? ':unprotect cannot be part of a download (the chip erases itself and resets)'
            : undefined
        : o.leave || o.massErase || o.unprotect || o.willReset || o.force
          ? 'an upload takes ADDR[:LEN] only'
          : undefined;
    if (problem !== undefined) {
      throw new DfuFlashError('USAGE', `${JSON.stringify(s)}: ${problem}`, {
        hint: kind === 'download' ? 'write "ADDR[:leave][:mass-erase:force][:will-reset]"' : 'write "ADDR:LEN", e.g. "0x08000000:4096"',
      });
    }
    return o;
  });
}

const STEP_SCHEMAS = {
  detach: z.object({ timeoutMs: timeoutMs.optional() }).strict(),
  download: z
    .object({
      file,
      alt: alt.optional(),
      address: dfuseFor('download').optional(),
      verify: z.boolean().optional(),
      skipUnchanged: z.boolean().optional(),
      format: z.enum(INPUT_FORMATS).optional(),
      timeoutMs: timeoutMs.optional(),
    })
    .strict(),
  upload: z
    .object({ file, alt: alt.optional(), address: dfuseFor('upload').optional(), force: z.boolean().optional(), timeoutMs: timeoutMs.optional() })
    .strict(),
  leave: z.object({ address: address.optional(), timeoutMs: timeoutMs.optional() }).strict(),
  reset: z.object({ timeoutMs: timeoutMs.optional() }).strict(),
} as const;

type StepKind = keyof typeof STEP_SCHEMAS;
const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

const planSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    device: text(parseDeviceIds).optional(),
    serial: text(parseSerials).optional(),
    path: text(parsePortPath).optional(),
    alt: alt.optional(),
    cfg: z.number().int().min(0).max(255).optional(),
    intf: z.number().int().min(0).max(255).optional(),
    all: z.boolean().optional(),
    waitTimeoutMs: timeoutMs.optional(),
    steps: z.array(z.unknown()).min(1, 'a plan needs at least one step'),
  })
  .strict();

/** `["steps", 2, "download", "address"]` → `steps[2].download.address`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

class PlanError extends Error {
  constructor(
    readonly path: PropertyKey[],
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

function firstIssue(error: z.ZodError, prefix: PropertyKey[]): PlanError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return new PlanError([...prefix, ...issue.path, key], 'unknown key', 'check the spelling against the plan format in the README (dfu-flash run --help)');
  }
  const hint = issue.code === 'custom' ? (issue.params as { hint?: string } | undefined)?.hint : undefined;
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
  const message = missing ? `missing (a ${issue.expected} is required)` : issue.message.replace(/^Invalid input: /, '');
  return new PlanError([...prefix, ...issue.path], message, hint);
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: PropertyKey[]): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw firstIssue(r.error, prefix);
  return r.data;
}

function toStep(raw: unknown, i: number, base: string): PlanStep {
  const at: PropertyKey[] = ['steps', i];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PlanError(at, `expected an object such as { "download": { "file": "fw.bin" } }, got ${describe(raw)}`);
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    throw new PlanError(at, keys.length === 0 ? 'empty step' : `one step per object, got ${keys.map((k) => JSON.stringify(k)).join(', ')}`, `each step is one of: ${STEP_KINDS.join(', ')}`);
  }
  const kind = keys[0]! as StepKind;
  if (!STEP_KINDS.includes(kind)) throw new PlanError([...at, kind], 'unknown step', `each step is one of: ${STEP_KINDS.join(', ')}`);
  const body = (raw as Record<string, unknown>)[kind];
  const prefix = [...at, kind];
  switch (kind) {
    case 'detach':
    case 'reset': {
      const v = parseWith(STEP_SCHEMAS[kind], body, prefix);
      return { kind, ...(v.timeoutMs !== undefined ? { timeoutMs: v.timeoutMs } : {}) };
    }
    case 'leave': {
      const v = parseWith(STEP_SCHEMAS.leave, body, prefix);
      return { kind, ...(v.address !== undefined ? { address: v.address } : {}), ...(v.timeoutMs !== undefined ? { timeoutMs: v.timeoutMs } : {}) };
    }
    case 'download': {
      const v = parseWith(STEP_SCHEMAS.download, body, prefix);
      return {
        kind,
        file: resolve(base, v.file),
        ...(v.alt !== undefined ? { alt: v.alt } : {}),
        ...(v.address !== undefined ? { dfuse: v.address } : {}),
        ...(v.verify !== undefined ? { verify: v.verify } : {}),
        ...(v.skipUnchanged !== undefined ? { skipUnchanged: v.skipUnchanged } : {}),
        ...(v.format !== undefined && v.format !== 'auto' ? { format: v.format } : {}),
        ...(v.timeoutMs !== undefined ? { timeoutMs: v.timeoutMs } : {}),
      };
    }
    case 'upload': {
      const v = parseWith(STEP_SCHEMAS.upload, body, prefix);
      return {
        kind,
        file: resolve(base, v.file),
        ...(v.alt !== undefined ? { alt: v.alt } : {}),
        ...(v.address !== undefined ? { dfuse: v.address } : {}),
        ...(v.force !== undefined ? { force: v.force } : {}),
        ...(v.timeoutMs !== undefined ? { timeoutMs: v.timeoutMs } : {}),
      };
    }
  }
}

/** What the command line adds to (and overrides in) the plan. */
export interface PlanOverrides {
  selector: DeviceSelector;
  all?: boolean | undefined;
  waitTimeoutMs?: number | undefined;
}

/** Validate parsed JSON as a plan; file names are resolved against `base`. Throws PlanError. */
function toPlan(json: unknown, base: string, overrides: PlanOverrides): FlashPlan {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PlanError([], `expected a JSON object with "steps", got ${describe(json)}`);
  }
  const v = parseWith(planSchema, json, []);
  const steps = v.steps.map((s, i) => toStep(s, i, base));
  const selector: DeviceSelector = {};
  if (v.device?.runtimeIds !== undefined) selector.runtimeIds = v.device.runtimeIds;
  if (v.device?.dfuIds !== undefined) selector.dfuIds = v.device.dfuIds;
  if (v.serial?.runtimeSerial !== undefined) selector.runtimeSerial = v.serial.runtimeSerial;
  if (v.serial?.dfuSerial !== undefined) selector.dfuSerial = v.serial.dfuSerial;
  if (v.path !== undefined) selector.path = v.path;
  if (v.alt !== undefined) selector.alt = v.alt;
  if (v.cfg !== undefined) selector.cfg = v.cfg;
  if (v.intf !== undefined) selector.intf = v.intf;
  const all = overrides.all === true || v.all === true;
  if (all) {
    steps.forEach((s, i) => {
      if (s.kind === 'upload' && !/\{(port|serial)\}/.test(s.file)) {
        throw new PlanError(['steps', i, 'upload', 'file'], 'every board would write the same file', 'with "all", put {port} or {serial} in the file name, e.g. "dump-{serial}.bin"');
      }
    });
  }
  const waitTimeoutMs = overrides.waitTimeoutMs ?? v.waitTimeoutMs;
  return { selector: { ...selector, ...overrides.selector }, all, steps, ...(waitTimeoutMs !== undefined ? { waitTimeoutMs } : {}) };
}

/** Read and validate a plan file (synchronously: it is small, and this runs before anything else). */
export function loadPlanFile(planFile: string, overrides: PlanOverrides, shown: string = planFile): FlashPlan {
  let text: string;
  try {
    text = readFileSync(planFile, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DfuFlashError('FILE_NOT_FOUND', `plan file ${shown} ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(e)})`}`, {
      hint: 'give the path of a plan file (JSON); relative paths start at the current directory',
      details: { file: planFile },
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DfuFlashError('USAGE', `plan file ${shown} is not valid JSON: ${(e as Error).message}`, { hint: 'check the commas, quotes and brackets', details: { file: planFile } });
  }
  try {
    return toPlan(json, dirname(planFile), overrides);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    throw new DfuFlashError('USAGE', `plan file ${shown}: ${jsonPath(e.path)}: ${e.message}`, {
      hint: e.hint ?? 'the plan format is described in the README (CI section) and in dfu-flash run --help',
      details: { file: planFile, path: jsonPath(e.path) },
    });
  }
}
