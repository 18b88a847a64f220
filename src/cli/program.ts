/**
 * The commander program: command names, arguments and option groups. It only
 * splits argv into a command name, positional arguments and raw option
 * values; the schemas turn those into typed requests. Commander never prints
 * or exits here: its output is captured and its errors become
 * DfuFlashError('USAGE').
 */
import { Argument, Command, CommanderError } from 'commander';
import { DfuFlashError } from '../shared/errors.js';
import type { CommandName } from './invocation.js';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES } from './help-text.js';
import {
  addAcquire,
  addBoards,
  addCommon,
  addConvertOptions,
  addDownloadExtras,
  addFormat,
  addOutput,
  addSelection,
  addSimulation,
  addSuffixFields,
  addTransfer,
  addTransferTimeout,
  SHELLS,
  SUFFIX_ACTIONS,
} from './program-options.js';

export interface RawCommand {
  command: CommandName;
  /** The positional arguments, in order (e.g. ['add', 'fw.bin'] for `suffix add fw.bin`). */
  args: string[];
  opts: Record<string, unknown>;
  /** Built from a dfu-util command line (dfu-util compatibility mode). */
  dfuUtil?: boolean;
  /** Warnings to show before the operation (dfu-util options that have no effect). */
  notices?: string[];
}

export const COMMANDS = [
  'list',
  'download',
  'upload',
  'detach',
  'erase',
  'unprotect',
  'leave',
  'reset',
  'run',
  'info',
  'suffix',
  'convert',
  'udev-rules',
  'doctor',
  'completion',
] as const satisfies readonly CommandName[];

export type RawParse = RawCommand | { text: string; stream: 'stdout' | 'stderr'; exitCode: number };

/** Build the program; `onCommand` receives the parsed command. */
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

  const define = (name: CommandName, args: string, description: string): Command => {
    const cmd = program.command(args === '' ? name : `${name} ${args}`).description(description);
    cmd.addHelpText('after', COMMAND_EXAMPLES[name]);
    return cmd;
  };
  const action =
    (command: CommandName) =>
    (...values: unknown[]): void => {
      // commander passes the arguments, then the options object, then the command
      const opts = values[values.length - 2] as Record<string, unknown>;
      const args = values.slice(0, -2).map((v) => String(v));
      onCommand({ command, args, opts });
    };

  addCommon(addSelection(define('list', '', 'list DFU-capable devices, their alt settings and memory layouts'))).action(action('list'));
  const device = (cmd: Command): Command => addTransferTimeout(addCommon(addSelection(cmd)));
  addBoards(
    addDownloadExtras(
      addAcquire(device(addTransfer(define('download', '<file>', 'write a firmware file (bin, DfuSe .dfu, Intel HEX, S-record, ELF) to the device')))),
    ),
  ).action(action('download'));
  addAcquire(
    device(addTransfer(define('upload', '<file>', "read the device's memory into a file")))
      .option('-Z, --upload-size <bytes>', 'expected upload size (plain DFU: also an upper limit)')
      .option('-f, --force', 'overwrite the output file if it exists'),
  ).action(action('upload'));
  device(define('detach', '', 'send DFU_DETACH to a runtime-mode device so it enters DFU mode'))
    .option('-w, --wait', 'wait until the device is back in DFU mode (up to --wait-timeout)')
    .option('--wait-timeout <s>', 'seconds to wait for the device to come back in DFU mode (default 10)')
    .action(action('detach'));
  addAcquire(device(define('erase', '', 'DfuSe: erase the whole flash of the alt setting (mass erase)')))
    .option('--mass', 'erase every sector (required: a download erases only the sectors it needs by itself)')
    .option('--force', 'confirm: everything in the flash is lost')
    .option('--leave [address]', 'leave DFU mode afterwards (jumping to address, if given)')
    .action(action('erase'));
  addAcquire(device(define('unprotect', '', 'DfuSe: lift read-out protection (the chip erases its whole flash and resets)')))
    .option('--force', 'confirm: everything in the flash is lost')
    .action(action('unprotect'));
  addAcquire(device(define('leave', '', 'leave DFU mode and start the application (DfuSe: jump to --address; DFU 1.1: reset)')))
    .option('--address <addr>', 'DfuSe: the address to jump to (default: the one the device uses)')
    .action(action('leave'));
  addAcquire(device(define('reset', '', 'reset the device (DFU_DETACH, then a USB reset unless it detaches by itself)'))).action(action('reset'));
  addTransferTimeout(addCommon(addSelection(define('run', '<plan>', 'run a plan file (JSON): steps such as detach, download, upload, leave on one board or --all'))))
    .option('--all', 'run the plan on every matching board in parallel')
    .option('--wait-timeout <s>', "seconds to wait for a board to come back in DFU mode after a detach (default: the plan's waitTimeoutMs, else 10)")
    .action(action('run'));

  addOutput(addFormat(define('info', '<file>', 'describe a firmware file: format, segments, start address, DFU suffix, DfuSe targets'))).action(action('info'));
  const suffix = program
    .command('suffix')
    .description("add, check or remove a file's DFU suffix (as dfu-suffix does)")
    .addArgument(new Argument('<action>', 'add, check or remove').choices(SUFFIX_ACTIONS))
    .argument('<file>', 'the firmware file');
  suffix.addHelpText('after', COMMAND_EXAMPLES.suffix);
  addOutput(addSuffixFields(suffix), false).action(action('suffix'));
  addOutput(addConvertOptions(define('convert', '<input>', 'convert a firmware file to bin, Intel HEX, S-record or DfuSe .dfu'))).action(action('convert'));
  addOutput(define('udev-rules', '', 'print udev rules giving the logged-in user access to known DFU devices (Linux)').option('--install', 'write them to /etc/udev/rules.d/70-dfu-flash.rules and reload udev (as root)')).action(
    action('udev-rules'),
  );
  addOutput(addSimulation(define('doctor', '', 'check Node, the usb package, udev rules and every DFU device found'))).action(action('doctor'));
  const completion = program.command('completion').description('print a shell completion script').addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS));
  completion.addHelpText('after', COMMAND_EXAMPLES.completion);
  completion.action(action('completion'));
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
  // `dfu-flash --json list`: the options belong to the command
  const option = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (option !== undefined && command !== undefined && argv.indexOf(option) >= 0 && argv.indexOf(option) < commandAt) {
    hint = `options go after the command: dfu-flash ${command} ${option} ...`;
  }
  return new DfuFlashError('USAGE', message, { hint, details: { commander: e.code } });
}

/** Split argv (without the node and script paths) into a command and raw option values. */
export async function parseArgv(argv: readonly string[], version: string): Promise<RawParse> {
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
