/**
 * argv → typed invocation: commander splits the command line, the zod
 * schemas validate it. A dfu-util command line (`dfu-flash -a 0 -D fw.bin`,
 * or `dfu-flash dfu-util ...`) goes through the dfu-util compatibility
 * parser first, which produces the same raw command a subcommand would.
 */
import type { ParseOutcome } from './invocation.js';
import { COMMANDS, parseArgv } from './program.js';
import { packageVersion } from './version.js';

export interface ParseContext {
  /** Relative file names are resolved against this directory. */
  cwd: string;
}

/**
 * Parse and validate a command line (without the node and script paths).
 * Throws DfuFlashError('USAGE' | 'BAD_ADDRESS_SPEC' | 'FILE_NOT_FOUND') for anything invalid.
 */
export async function parseInvocation(argv: readonly string[], context: ParseContext): Promise<ParseOutcome> {
  const version = `dfu-flash ${packageVersion()}`;
  const { dfuUtilArguments } = await import('./dfu-util/detect.js');
  const dfuUtilArgs = dfuUtilArguments(argv, COMMANDS);
  const raw = dfuUtilArgs === undefined ? await parseArgv(argv, version) : await (await import('./dfu-util/parse.js')).parseDfuUtilArgs(dfuUtilArgs, version);
  if ('text' in raw) return { kind: 'text', stream: raw.stream, text: raw.text, exitCode: raw.exitCode };
  const { toInvocation } = await import('./schemas.js');
  return { kind: 'invocation', invocation: toInvocation(raw, context.cwd) };
}
