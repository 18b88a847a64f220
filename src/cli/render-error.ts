/**
 * How a failure is shown: `dfu-flash: error: <message>` and `  hint: <hint>`
 * on stderr, one line each (stack and causes only with -v); with --json, also
 * a final result line on stdout.
 */
import { DfuFlashError } from '../shared/errors.js';
import { withGuidance } from './hints.js';
import { exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { oneLine } from './reporters/format.js';
import { errorJson, toJsonLine } from './reporters/json.js';
import type { Style } from './reporters/types.js';

/** Anything thrown, as a DfuFlashError (unexpected errors become INTERNAL). */
export function asDfuFlashError(e: unknown): DfuFlashError {
  if (e instanceof DfuFlashError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DfuFlashError('INTERNAL', `internal error: ${message}`, {
    hint: 'this is a bug in dfu-flash; please report it with the output of the same command run with -v',
    cause: e,
  });
}

function causeChain(e: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = e;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      lines.push(...(current.stack ?? `${current.name}: ${current.message}`).split('\n'));
      current = current.cause;
      if (current !== undefined) lines.push('caused by:');
    } else {
      lines.push(String(current));
      current = undefined;
    }
  }
  return lines;
}

/** Errors in what the user typed or gave: no details, no stack, whatever -v says. */
const USAGE_CODES = new Set(['USAGE', 'BAD_ADDRESS_SPEC', 'FILE_NOT_FOUND', 'FILE_EXISTS']);

/**
 * The stderr text for an error. With -v, the facts (details); the stack and
 * causes of `original` (what was thrown) only for a bug (INTERNAL).
 */
export function errorText(error: DfuFlashError, original: unknown, verbose: number, style: Style): string {
  let text = `dfu-flash: ${style.error('error:')} ${oneLine(error.message)}\n`;
  if (error.hint !== undefined && error.hint !== '') text += `  ${style.hint('hint:')} ${oneLine(error.hint)}\n`;
  if (verbose > 0 && !USAGE_CODES.has(error.code)) {
    const details = Object.keys(error.details).length > 0 ? [`details: ${toJsonLine(error.details)}`] : [];
    const stack = error.code === 'INTERNAL' ? causeChain(original) : [];
    const lines = [...details, ...stack];
    if (lines.length > 0) text += lines.map((l) => style.dim(`  ${l}`)).join('\n') + '\n';
  }
  return text;
}

/** Print the error (with the platform's guidance) and return the exit status. */
export function reportError(e: unknown, io: CliIo, o: { json: boolean; verbose: number; style: Style; platform?: NodeJS.Platform | undefined }): number {
  const error = withGuidance(asDfuFlashError(e), o.platform ?? process.platform);
  const exitCode = exitCodeFor(error);
  io.stderr.write(errorText(error, e, o.verbose, o.style));
  if (o.json) io.stdout.write(toJsonLine(errorJson(error, exitCode)) + '\n');
  return exitCode;
}
