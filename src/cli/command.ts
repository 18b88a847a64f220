/**
 * What one CLI command is: its name, arguments, help, options, how its raw
 * option values become a typed invocation, and how it runs. Each command is
 * one module in src/cli/commands exporting one CommandDefinition; the
 * registry (registry.ts) lists them, and the program, dispatch, help and
 * completion are all made from it.
 *
 * A definition module is loaded for every command line (the program needs
 * every command's options), so it imports only commander's option groups at
 * the top; its validation (zod) and its work (the library, reporters) are
 * imported inside `validate` and `run`, when that command runs.
 */
import type { Command } from 'commander';
import type { CommandEnv } from './commands/env.js';
import type { ToolEnv } from './commands/tool-env.js';
import type { Common } from './invocation.js';
import type { DeviceSelector } from './requests.js';

/** A command line split by commander: the command, its positional arguments and its raw option values. */
export interface RawCommand {
  command: string;
  /** The positional arguments, in order (e.g. ['add', 'fw.bin'] for `suffix add fw.bin`). */
  args: string[];
  opts: Record<string, unknown>;
  /** Built from a dfu-util command line (dfu-util compatibility mode). */
  dfuUtil?: boolean;
  /** Warnings to show before the operation (dfu-util options that have no effect). */
  notices?: string[];
}

interface DefinitionBase<I extends Common & { command: string }> {
  name: I['command'];
  /** Positional arguments in commander's syntax: '<file>', '<action> <file>', ''. */
  args: string;
  summary: string;
  /** Shown after the command's --help. */
  examples: string;
  /** Adds the command's options (and argument choices) to its commander Command. */
  options(cmd: Command): Command;
  /** Raw values → the typed invocation; every bad value is a DfuFlashError before anything runs. */
  validate(raw: RawCommand, cwd: string): Promise<I>;
  /** Checks on local files before any backend exists (a missing input, an existing output). */
  preflight?(inv: I, cwd: string): Promise<void>;
}

/** A command that talks to devices: run() gets a backend and a reporter. */
export interface DeviceCommand<I extends Common & { command: string } = Common & { command: string }> extends DefinitionBase<I> {
  kind: 'device';
  /** The same invocation with its selection narrowed to one port path (-N, resolved once the devices are listed). */
  atPath(inv: I, path: string): I;
  /** How the reporter shows progress: one set of bars (default), none (per-board output, or a listing). */
  progress?(inv: I): 'bars' | 'lines' | 'none';
  /** The command prints its own JSON document (events then go to stderr). */
  ownJson?: boolean;
  run(inv: I, env: CommandEnv): Promise<number | void>;
}

/** A command that needs no device (or makes its own backend, as doctor does). */
export interface ToolCommand<I extends Common & { command: string } = Common & { command: string }> extends DefinitionBase<I> {
  kind: 'tool';
  run(inv: I, env: ToolEnv): Promise<number | void>;
}

export type CommandDefinition<I extends Common & { command: string } = Common & { command: string }> = DeviceCommand<I> | ToolCommand<I>;

/** The invocation type a definition produces. */
export type InvocationOf<D> = D extends CommandDefinition<infer I> ? I : never;

/** `{ ...inv, request: { ...inv.request, selector: { ...selector, path } } }`: the usual atPath. */
export function requestAtPath<I extends { request: { selector: DeviceSelector } }>(inv: I, path: string): I {
  return { ...inv, request: { ...inv.request, selector: { ...inv.request.selector, path } } };
}
