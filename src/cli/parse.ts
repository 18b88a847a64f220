/**
 * argv → typed invocation: commander splits the command line (the program
 * made from the registry), the command's own schema validates it. A dfu-util
 * command line (`dfu-flash -a 0 -D fw.bin`, or `dfu-flash dfu-util ...`) goes
 * through the dfu-util compatibility parser first, which produces the same
 * raw command a subcommand would.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { CommandDefinition } from './command.js';
import type { Invocation, ParseOutcome } from './invocation.js';
import { COMMANDS, parseArgv } from './program.js';
import { findCommand } from './registry.js';
import { packageVersion } from './version.js';

export interface ParseContext {
  /** Relative file names are resolved against this directory. */
  cwd: string;
}

export type CommandOutcome =
  | { kind: 'invocation'; definition: CommandDefinition; invocation: Invocation }
  | Extract<ParseOutcome, { kind: 'text' }>;

/**
 * Parse and validate a command line (without the node and script paths): the
 * command's definition and its invocation. Throws DfuFlashError('USAGE' |
 * 'BAD_ADDRESS_SPEC' | 'FILE_NOT_FOUND') for anything invalid.
 */
export async function parseCommand(argv: readonly string[], context: ParseContext): Promise<CommandOutcome> {
  const version = `dfu-flash ${packageVersion()}`;
  const { dfuUtilArguments } = await import('./dfu-util/detect.js');
  const dfuUtilArgs = dfuUtilArguments(argv, COMMANDS);
  const raw = dfuUtilArgs === undefined ? await parseArgv(argv, version) : await (await import('./dfu-util/parse.js')).parseDfuUtilArgs(dfuUtilArgs, version);
  if ('text' in raw) return { kind: 'text', stream: raw.stream, text: raw.text, exitCode: raw.exitCode };
  const definition = findCommand(raw.command);
  if (definition === undefined) throw new DfuFlashError('INTERNAL', `internal error: no definition for the command ${raw.command}`);
  const inv = await definition.validate(raw, context.cwd);
  const invocation = (raw.notices === undefined || raw.notices.length === 0 ? inv : { ...inv, notices: raw.notices }) as Invocation;
  return { kind: 'invocation', definition, invocation };
}

/** Parse and validate a command line into its invocation (or help/version text). */
export async function parseInvocation(argv: readonly string[], context: ParseContext): Promise<ParseOutcome> {
  const outcome = await parseCommand(argv, context);
  return outcome.kind === 'text' ? outcome : { kind: 'invocation', invocation: outcome.invocation };
}
