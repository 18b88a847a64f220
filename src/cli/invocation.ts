/**
 * What a command line means once parsed and validated: one command's typed
 * invocation. Each command module defines its own (src/cli/commands); the
 * union of them all is derived from the registry, so a new command is one
 * module and one line there.
 */
import type { InvocationOf } from './command.js';
import type { COMMAND_DEFINITIONS } from './registry.js';

export interface OutputOptions {
  /** NDJSON events and a result line on stdout (`list`: one JSON document). */
  json: boolean;
  /** Errors only. */
  quiet: boolean;
  /** Number of -v given: 1 = debug events and stack traces. */
  verbose: number;
}

export interface SimOptions {
  profiles: string[];
  /** 1 = real device timing. */
  timeScale: number;
  /** Load the simulated flash from here (if present) and save it back afterwards. */
  stateFile?: string;
}

/** What every invocation carries. */
export interface Common {
  command: string;
  output: OutputOptions;
  /** Present with --simulate. */
  sim?: SimOptions;
  /** --transfer-timeout: per-control-transfer timeout in ms (device commands). */
  transferTimeoutMs?: number;
  /** -N/--index: the n-th device of `dfu-flash list` (1-based), resolved to its port path before the operation. */
  deviceIndex?: number;
  /** Things to tell the user before the operation (dfu-util options that have no effect here): warning events. */
  notices?: string[];
}

export type Invocation = InvocationOf<(typeof COMMAND_DEFINITIONS)[number]>;

export type CommandName = Invocation['command'];

/** Parsing either yields an invocation, or text to show (help, version) and an exit status. */
export type ParseOutcome =
  | { kind: 'invocation'; invocation: Invocation }
  | { kind: 'text'; stream: 'stdout' | 'stderr'; text: string; exitCode: number };
