/**
 * The commander program: option names, help texts and examples. It only
 * splits argv into a command name, a positional file and raw option values;
 * schemas.ts turns those into typed requests. Commander never prints or exits
 * here: its output is captured and its errors become DfuFlashError('USAGE').
 */
import { Command, CommanderError } from 'commander';
import { DfuFlashError } from '../shared/errors.js';
import type { CommandName } from './invocation.js';

export interface RawCommand {
  command: CommandName;
  file?: string | undefined;
  opts: Record<string, unknown>;
}

const COMMANDS = ['list', 'download', 'upload', 'detach'] as const satisfies readonly CommandName[];

export type RawParse = RawCommand | { text: string; stream: 'stdout' | 'stderr'; exitCode: number };

const PROGRAM_EXAMPLES = `
Examples:
  dfu-flash list
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin
  dfu-flash download -d 0483:df11 firmware.dfu
  dfu-flash upload -a "Internal Flash" -s 0x08000000:0x4000 dump.bin
  dfu-flash detach -d 1d50:6018
  dfu-flash list --simulate stm32f4-sysboot

Exit status: 0 ok, 64 bad usage, 65 bad file, 66 file not found, 69 device not found
or ambiguous, 73 output exists, 74 USB I/O, 75 busy, 76 protocol, 77 permission or
driver, 78 image does not fit the device, 79 verify mismatch, 70 internal error.`;

const COMMAND_EXAMPLES: Record<CommandName, string> = {
  list: `
Examples:
  dfu-flash list
  dfu-flash list -d 0483:df11 --json
  dfu-flash list --simulate stm32f4-sysboot,blackmagic-runtime`,
  download: `
Examples:
  dfu-flash download -a 0 -s 0x08000000:leave firmware.bin     raw binary at an address (DfuSe)
  dfu-flash download firmware.dfu                              DfuSe file: addresses come from the file
  dfu-flash download -d ,0483:df11 -S 3276365B3138 fw.hex      one board among several, DFU mode only
  dfu-flash download -s 0x08000000:mass-erase:force:leave fw.bin
  dfu-flash download --simulate stm32f4-sysboot --sim-state flash.json fw.bin`,
  upload: `
Examples:
  dfu-flash upload -a 0 -s 0x08000000:0x4000 dump.bin          16 KiB from 0x08000000
  dfu-flash upload -a "Internal Flash" -s 0x08000000 all.bin   up to the end of that memory segment
  dfu-flash upload -Z 65536 --force firmware.bin               plain DFU device, overwrite the file`,
  detach: `
Examples:
  dfu-flash detach                                             the only runtime-mode device
  dfu-flash detach -d 1d50:6018 -S C2C89BDB`,
};

/** -v may be repeated: count it. */
function increase(_value: string, previous: number | undefined): number {
  return (previous ?? 0) + 1;
}

function addSelection(cmd: Command): Command {
  return cmd
    .option('-d, --device <vid:pid[,vid:pid]>', 'runtime[,DFU-mode] ids in hex; * = any, - = none, ",vid:pid" = DFU mode only')
    .option('-p, --path <bus-port.port>', 'USB port path, as `list` shows it')
    .option('-c, --cfg <n>', 'configuration value to match (0 = any)')
    .option('-i, --intf <n>', 'DFU interface number')
    .option('-a, --alt <n|name>', 'alt setting number, or its name ("Internal Flash" or the exact interface string)')
    .option('-S, --serial <serial[,dfuSerial]>', 'serial number in runtime[,DFU] mode')
    .option('-n, --devnum <n>', 'USB device address');
}

function addTransfer(cmd: Command): Command {
  return cmd
    .option('-t, --transfer-size <bytes>', "override the device's wTransferSize")
    .option('-s, --dfuse-address <ADDR[:...]>', 'DfuSe address and modifiers: ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]')
    .option('-R, --reset', 'reset the device after the operation');
}

function addCommon(cmd: Command): Command {
  return cmd
    .option('--simulate <profile[,profile]>', 'use simulated devices instead of USB')
    .option('--sim-time-scale <x>', 'simulated time factor: 1 = real device timing, 0 = no waiting')
    .option('--sim-state <file.json>', 'load the simulated flash from this file and save it back afterwards')
    .option('--json', 'machine-readable output on stdout (NDJSON events and a result line)')
    .option('-q, --quiet', 'print errors only')
    .option('-v, --verbose', 'protocol details and stack traces', increase);
}

/** Build the program; `onCommand` receives the parsed command. */
function buildProgram(version: string, onCommand: (raw: RawCommand) => void, out: { text: string }): Command {
  const program = new Command('dfu-flash')
    .description('USB DFU 1.1 and ST DfuSe flasher (dfu-util compatible options)')
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

  const define = (name: CommandName, description: string, withFile: boolean): Command => {
    const cmd = program.command(withFile ? `${name} <file>` : name).description(description);
    cmd.addHelpText('after', COMMAND_EXAMPLES[name]);
    return cmd;
  };

  addCommon(addSelection(define('list', 'list DFU-capable devices, their alt settings and memory layouts', false))).action(
    (opts: Record<string, unknown>) => onCommand({ command: 'list', opts }),
  );
  addCommon(addTransfer(addSelection(define('download', 'write a firmware file (bin, DfuSe .dfu, Intel HEX, S-record, ELF) to the device', true)))).action(
    (file: string, opts: Record<string, unknown>) => onCommand({ command: 'download', file, opts }),
  );
  addCommon(
    addTransfer(addSelection(define('upload', "read the device's memory into a file", true)))
      .option('-Z, --upload-size <bytes>', 'expected upload size (plain DFU: also an upper limit)')
      .option('-f, --force', 'overwrite the output file if it exists'),
  ).action((file: string, opts: Record<string, unknown>) => onCommand({ command: 'upload', file, opts }));
  addCommon(addSelection(define('detach', 'send DFU_DETACH to a runtime-mode device so it enters DFU mode', false))).action(
    (opts: Record<string, unknown>) => onCommand({ command: 'detach', opts }),
  );
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
