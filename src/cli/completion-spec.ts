/**
 * What shell completion needs to know, read from the commander program
 * itself (so a new option is completed without anyone remembering to):
 * commands, their options, which options take a value and what values.
 */
import type { Command } from 'commander';
import { buildProgram } from './program.js';

/** How to complete a value: from a fixed list, as a file name, or not at all. */
export type ValueKind = { kind: 'choices'; values: string[] } | { kind: 'file' } | { kind: 'none' };

export interface OptionSpec {
  /** '-d' */
  short?: string | undefined;
  /** '--device' */
  long: string;
  description: string;
  /** Undefined for a flag that takes no value. */
  value?: ValueKind | undefined;
  /** May be given more than once (-v -v). */
  repeatable: boolean;
}

export interface ArgumentSpec {
  name: string;
  value: ValueKind;
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  args: ArgumentSpec[];
}

export interface CompletionSpec {
  program: string;
  /** Options valid before any command (--help, --version). */
  globalOptions: OptionSpec[];
  commands: CommandSpec[];
}

/** Options whose value is a file name. */
const FILE_OPTIONS = new Set(['--sim-state', '--output']);

function valueOf(long: string, choices: readonly string[] | undefined, profiles: readonly string[]): ValueKind {
  if (choices !== undefined) return { kind: 'choices', values: [...choices] };
  if (long === '--simulate') return { kind: 'choices', values: [...profiles] };
  if (FILE_OPTIONS.has(long)) return { kind: 'file' };
  return { kind: 'none' };
}

function optionsOf(cmd: Command, profiles: readonly string[]): OptionSpec[] {
  const out: OptionSpec[] = cmd.options
    .filter((o) => o.long !== undefined && !o.hidden)
    .map((o) => ({
      short: o.short,
      long: o.long!,
      description: o.description,
      value: o.required || o.optional ? valueOf(o.long!, o.argChoices, profiles) : undefined,
      repeatable: o.long === '--verbose',
    }));
  out.push({ short: '-h', long: '--help', description: 'show help', repeatable: false });
  return out;
}

/** The completion spec of the real program; `profiles` are the --simulate profile names. */
export function completionSpec(profiles: readonly string[]): CompletionSpec {
  const program = buildProgram('0.0.0', () => {}, { text: '' });
  const commands = program.commands.map(
    (cmd): CommandSpec => ({
      name: cmd.name(),
      description: cmd.description(),
      options: optionsOf(cmd, profiles),
      args: cmd.registeredArguments.map((a) => ({
        name: a.name(),
        value: a.argChoices !== undefined ? { kind: 'choices', values: [...a.argChoices] } : { kind: 'file' },
      })),
    }),
  );
  return {
    program: program.name(),
    globalOptions: [
      { short: '-h', long: '--help', description: 'show help', repeatable: false },
      { short: '-V', long: '--version', description: 'print the version', repeatable: false },
    ],
    commands,
  };
}
