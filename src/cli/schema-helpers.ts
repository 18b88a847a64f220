/** Zod building blocks shared by the command schemas: parsed option strings, output flags, error mapping. */
import { z } from 'zod';
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import type { OutputOptions } from './invocation.js';
import { parseInteger, parseProfiles, parseTimeScale } from './parse-values.js';

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
