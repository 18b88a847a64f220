/** Option groups shared by the commands of the commander program (names and help texts only). */
import { Option, type Command } from 'commander';

/** -v may be repeated: count it. */
function increase(_value: string, previous: number | undefined): number {
  return (previous ?? 0) + 1;
}

export const INPUT_FORMATS = ['auto', 'bin', 'ihex', 'srec', 'elf', 'dfuse'] as const;
export const CONVERT_TARGETS = ['bin', 'hex', 'srec', 'dfu'] as const;
export const IMAGE_SIZE_CONVENTIONS = ['st', 'dfuse-pack'] as const;
export const SUFFIX_ACTIONS = ['add', 'check', 'remove'] as const;
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function addSelection(cmd: Command): Command {
  return cmd
    .option('-d, --device <vid:pid[,vid:pid]>', 'runtime[,DFU-mode] ids in hex; * = any, - = none, ",vid:pid" = DFU mode only')
    .option('-p, --path <bus-port.port>', 'USB port path, as `list` shows it')
    .option('-c, --cfg <n>', 'configuration value to match (0 = any)')
    .option('-i, --intf <n>', 'DFU interface number')
    .option('-a, --alt <n|name>', 'alt setting number, or its name ("Internal Flash" or the exact interface string)')
    .option('-S, --serial <serial[,dfuSerial]>', 'serial number in runtime[,DFU] mode')
    .option('-n, --devnum <n>', 'USB device address')
    .option('-N, --index <n>', 'the device numbered n in `dfu-flash list` (1, 2, ...)');
}

/** -w, --wait-timeout and --no-auto-detach: how to get hold of a device that is not there yet, or in runtime mode. */
export function addAcquire(cmd: Command): Command {
  return cmd
    .option('-w, --wait', 'wait for a matching device to appear (up to --wait-timeout)')
    .option('--wait-timeout <s>', 'seconds to wait for the device to appear, or to come back in DFU mode after a detach (default 10)')
    .option('--no-auto-detach', 'fail on a runtime-mode device instead of detaching it into DFU mode');
}

/** download only: --all and --leave-watch. */
export function addBoards(cmd: Command): Command {
  return cmd
    .option('--all', 'flash every matching board in parallel (one result per board)')
    .option('--leave-watch <ms>', 'after :leave or manifestation, watch the bus this long and warn if the device comes back to the bootloader (default 0 = off)');
}

export function addTransfer(cmd: Command): Command {
  return cmd
    .option('-t, --transfer-size <bytes>', "override the device's wTransferSize")
    .option('-s, --dfuse-address <ADDR[:...]>', 'DfuSe address and modifiers: ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]')
    .option('-R, --reset', 'reset the device after the operation');
}

export function addTransferTimeout(cmd: Command): Command {
  return cmd.option('--transfer-timeout <ms>', 'timeout of each control transfer in ms (default 5000; slow devices may need more)');
}

export function addSimulation(cmd: Command): Command {
  return cmd
    .option('--simulate <profile[,profile]>', 'use simulated devices instead of USB')
    .option('--sim-time-scale <x>', 'simulated time factor: 1 = real device timing, 0 = no waiting');
}

/** --json, -q, and -v (or only --verbose where -v means something else). */
export function addOutput(cmd: Command, shortVerbose = true, events = false): Command {
  return cmd
    .option('--json', events ? 'machine-readable output on stdout (NDJSON events and a result line)' : 'machine-readable output on stdout (one JSON result line)')
    .option('-q, --quiet', 'print errors only')
    .option(shortVerbose ? '-v, --verbose' : '--verbose', shortVerbose ? 'protocol details (one line per control transfer) and stack traces' : 'stack traces', increase);
}

export function addCommon(cmd: Command): Command {
  return addOutput(addSimulation(cmd).option('--sim-state <file.json>', 'load the simulated flash from this file and save it back afterwards'), true, true);
}

export function addDownloadExtras(cmd: Command): Command {
  return cmd
    .option('--verify', 'refuse a device that cannot be read back (every download is verified where the device allows it)')
    .option('--no-verify', 'do not read the written bytes back')
    .option('--skip-unchanged', 'read each sector first; erase and write only the sectors that differ')
    .option('--dry-run', 'resolve the device and print the plan (erases, writes, leave); transfer nothing')
    .addOption(new Option('--format <format>', 'file format (default: detected from the content)').choices(INPUT_FORMATS))
    .option('--ignore-suffix', "flash even when the file's DFU suffix names another VID:PID");
}

export function addFormat(cmd: Command): Command {
  return cmd.addOption(new Option('--format <format>', 'input file format (default: detected from the content)').choices(INPUT_FORMATS));
}

export function addSuffixFields(cmd: Command): Command {
  return cmd
    .option('-v, --vid <hex>', 'idVendor (hex, with or without 0x; default ffff = any)')
    .option('-p, --pid <hex>', 'idProduct (default ffff = any)')
    .option('-d, --did <hex>', 'bcdDevice, the firmware version (default ffff = any)')
    .option('-S, --spec <hex>', 'bcdDFU (default 0100; DfuSe files use 011a)')
    .option('-o, --output <file>', 'write the result here instead of changing the file in place')
    .option('-f, --force', 'with -o: overwrite an existing file');
}

export function addConvertOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-o, --output <file>', 'the file to write')
    .addOption(new Option('--to <format>', 'output format (default: from the output file extension)').choices(CONVERT_TARGETS))
    .addOption(new Option('--format <format>', 'input file format (default: detected from the content)').choices(INPUT_FORMATS))
    .option('--address <addr>', 'address of the first byte of a raw binary input')
    .option('--alt <n>', '.dfu output: alt setting of the target (default 0); DfuSe input: keep only this target')
    .option('--vid <hex>', '.dfu output: suffix idVendor (default: the input suffix, else 0483)')
    .option('--pid <hex>', '.dfu output: suffix idProduct (default: the input suffix, else df11)')
    .option('--device-bcd <hex>', '.dfu output: suffix bcdDevice (default: the input suffix, else 0000)')
    .option('--target-name <name>', '.dfu output: target name (default: the S-record header, else "ST...")')
    .addOption(new Option('--image-size <convention>', '.dfu output: DFUImageSize without the suffix (st, default) or with it (dfuse-pack)').choices(IMAGE_SIZE_CONVENTIONS))
    .option('--gap-fill <byte>', 'bin output: value of the bytes between segments (default 0xFF)')
    .option('-f, --force', 'overwrite the output file if it exists');
}
