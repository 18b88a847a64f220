/** argv → typed invocation: commander splits the command line, the zod schemas validate it. */
import type { ParseOutcome } from './invocation.js';
import { parseArgv } from './program.js';
import { packageVersion } from './version.js';

export interface ParseContext {
  /** Relative file names are resolved against this directory. */
  cwd: string;
}

/**
 * Parse and validate a command line (without the node and script paths).
 * Throws DfuFlashError('USAGE' | 'BAD_ADDRESS_SPEC') for anything invalid.
 */
export async function parseInvocation(argv: readonly string[], context: ParseContext): Promise<ParseOutcome> {
  const raw = await parseArgv(argv, `dfu-flash ${packageVersion()}`);
  if ('text' in raw) return { kind: 'text', stream: raw.stream, text: raw.text, exitCode: raw.exitCode };
  const { toInvocation } = await import('./schemas.js');
  return { kind: 'invocation', invocation: toInvocation(raw, context.cwd) };
}
