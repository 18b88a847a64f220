/**
 * The commander program: command names, arguments and option groups. It only
 * splits argv into a command name, positional arguments and raw option
 * values; the schemas turn those into typed requests. Commander never prints
 * or exits here: its output is captured and its errors become
 * DfuFlashError('USAGE').
 */
import { Command, CommanderError } from 'commander';
import { DfuFlashError } from '../shared/errors.js';
import type { CommandDefinition, RawCommand } from './command.js';
import { PROGRAM_EXAMPLES } from './help-text.js';
import { COMMAND_DEFINITIONS, COMMANDS } from './registry.js';

export type { RawCommand } from './command.js';
export { COMMANDS } from './registry.js';

export type RawParse = RawCommand | { text: string; stream: 'stdout' | 'stderr'; exitCode: number };

/** Build the program from the registry; `onCommand` receives the parsed command. */
export function buildProgram(version: string, onCommand: (raw: RawCommand) => void, out: { text: string }): Command {
  const program = new Command('dfu-flash')
    .description('USB DFU 1.1 and ST DfuSe flasher (dfu-util compatible options), and firmware file tools')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        out.text += s;
      },
      writeErr: (s) => {
        out.text += s;
      },
      outputError: () => {},
    })
    .addHelpText('after', PROGRAM_EXAMPLES);
  for (const def of COMMAND_DEFINITIONS as readonly CommandDefinition[]) {
    const cmd = program.command(def.args === '' ? def.name : `${def.name} ${def.args}`).description(def.summary);
    cmd.addHelpText('after', def.examples);
    def.options(cmd).action((...values: unknown[]): void => {
      // commander passes the arguments, then the options object, then the command
      const opts = values[values.length - 2] as Record<string, unknown>;
      const args = values.slice(0, -2).filter((v) => v !== undefined).map((v) => (Array.isArray(v) ? v.map(String) : String(v))).flat();
      onCommand({ command: def.name, args, opts });
    });
  }
  return program;
}

/** Turn a commander error message into our one-line message and hint. */
function usageFromCommander(e: CommanderError, argv: readonly string[]): DfuFlashError {
  const lines = e.message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const message = (lines[0] ?? 'invalid command line').replace(/^error:\s*/, '');
  const suggestion = lines.slice(1).find((l) => /^\(Did you mean/.test(l));
  const commandAt = argv.findIndex((a) => (COMMANDS as readonly string[]).includes(a));
  const command = commandAt < 0 ? undefined : argv[commandAt];
  const helpHint = `run "dfu-flash ${command === undefined ? '' : command + ' '}--help" for the options`;
  let hint = suggestion === undefined ? helpHint : suggestion.replace(/^\((.*)\)$/, '$1').replace(/^Did/, 'did');
  // an option before the command that is not one of the global ones
  const option = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (option !== undefined && command !== undefined && argv.indexOf(option) >= 0 && argv.indexOf(option) < commandAt) {
    hint = `only -v, -q, --json, --simulate, --sim-time-scale, --sim-state and --transfer-timeout may come before the command: dfu-flash ${command} ${option} ...`;
  }
  return new DfuFlashError('USAGE', message, { hint });
}

/** Options every device command takes that may also come before the command name; the value-taking ones with their value. */
const GLOBAL_FLAGS: Record<string, string> = { '-v': '--verbose', '--verbose': '--verbose', '--json': '--json', '-q': '--quiet', '--quiet': '--quiet' };
const GLOBAL_VALUES = new Set(['--simulate', '--sim-time-scale', '--sim-state', '--transfer-timeout']);

/**
 * `dfu-flash -v --json download fw.bin` means `dfu-flash download -v --json fw.bin`:
 * the global options before the command are moved after it (spelled out
 * long, so `-v` before `suffix` stays --verbose, not its --vid). Anything
 * else before the command leaves argv as it is, for commander to explain.
 */
export function hoistGlobalOptions(argv: readonly string[]): readonly string[] {
  const moved: string[] = [];
  const others: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (COMMANDS.includes(a)) return i === 0 ? argv : [...others, a, ...moved, ...argv.slice(i + 1)];
    const flag = GLOBAL_FLAGS[a];
    if (flag !== undefined) moved.push(flag);
    else if (/^-[vq]{2,}$/.test(a)) moved.push(...[...a.slice(1)].map((c) => GLOBAL_FLAGS[`-${c}`]!));
    else if (GLOBAL_VALUES.has(a) && i + 1 < argv.length) moved.push(a, argv[++i]!);
    else if (GLOBAL_VALUES.has(a.split('=')[0]!)) moved.push(a);
    else if (a.startsWith('-')) others.push(a); // not ours to move: commander says what is wrong with it
    else return argv;
  }
  return argv;
}

/** Split argv (without the node and script paths) into a command and raw option values. */
export async function parseArgv(given: readonly string[], version: string): Promise<RawParse> {
  const argv = hoistGlobalOptions(given);
  const out = { text: '' };
  let parsed: RawCommand | undefined;
  const program = buildProgram(version, (raw) => (parsed = raw), out);
  if (argv.length === 0) {
    return { text: program.helpInformation() + PROGRAM_EXAMPLES + '\n', stream: 'stderr', exitCode: 64 };
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
      return { text: out.text, stream: 'stdout', exitCode: 0 };
    }
    if (e.code === 'commander.help') return { text: out.text, stream: 'stderr', exitCode: 64 };
    throw usageFromCommander(e, argv);
  }
  if (parsed === undefined) throw new DfuFlashError('USAGE', 'no command given', { hint: 'run "dfu-flash --help"' });
  return parsed;
}
