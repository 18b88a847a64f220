/**
 * The options of dfu-util 0.11 (every one of them, short and long), and the
 * dfu-flash options that may be added to a dfu-util command line. Data only:
 * the compatibility parser builds its commander program from it, and the
 * detector uses it to tell option values from words.
 */

export interface CompatOption {
  /** Commander flags, e.g. '-a, --alt <alt>'. */
  flags: string;
  description: string;
  /** The key commander stores the value under. */
  key: string;
  /** dfu-util's own option (ignored with a warning where it has no effect), or one of ours (an error where it has none). */
  origin: 'dfu-util' | 'dfu-flash';
}

export const DFU_UTIL_OPTIONS: readonly CompatOption[] = [
  { flags: '-l, --list', key: 'list', origin: 'dfu-util', description: 'list DFU-capable devices (in dfu-util\'s "Found DFU: ..." format)' },
  { flags: '-e, --detach', key: 'detach', origin: 'dfu-util', description: 'send DFU_DETACH to a runtime-mode device' },
  { flags: '-E, --detach-delay <seconds>', key: 'detachDelay', origin: 'dfu-util', description: 'the longest wait for the device to come back in DFU mode after a detach (dfu-util: a fixed sleep)' },
  { flags: '-d, --device <vid:pid[,vid:pid]>', key: 'device', origin: 'dfu-util', description: 'runtime[,DFU-mode] ids in hex; * = any, - = none' },
  { flags: '-n, --devnum <n>', key: 'devnum', origin: 'dfu-util', description: 'USB device address' },
  { flags: '-p, --path <bus-port.port>', key: 'path', origin: 'dfu-util', description: 'USB port path' },
  { flags: '-c, --cfg <n>', key: 'cfg', origin: 'dfu-util', description: 'configuration value to match' },
  { flags: '-i, --intf <n>', key: 'intf', origin: 'dfu-util', description: 'DFU interface number' },
  { flags: '-S, --serial <serial[,dfuSerial]>', key: 'serial', origin: 'dfu-util', description: 'serial number in runtime[,DFU] mode' },
  { flags: '-a, --alt <n|name>', key: 'alt', origin: 'dfu-util', description: 'alt setting number or name' },
  { flags: '-t, --transfer-size <bytes>', key: 'transferSize', origin: 'dfu-util', description: "override the device's wTransferSize" },
  { flags: '-U, --upload <file>', key: 'upload', origin: 'dfu-util', description: "read the device's memory into file (which must not exist)" },
  { flags: '-Z, --upload-size <bytes>', key: 'uploadSize', origin: 'dfu-util', description: 'expected upload size' },
  { flags: '-D, --download <file>', key: 'download', origin: 'dfu-util', description: 'write file to the device' },
  { flags: '-R, --reset', key: 'reset', origin: 'dfu-util', description: 'reset the device afterwards (alone: just reset it)' },
  { flags: '-w, --wait', key: 'wait', origin: 'dfu-util', description: 'wait for the device to appear (dfu-flash: up to --wait-timeout)' },
  { flags: '-s, --dfuse-address <ADDR[:...]>', key: 'dfuseAddress', origin: 'dfu-util', description: 'DfuSe address and modifiers; without -D/-U: a DfuSe command (:leave, :mass-erase:force, :unprotect:force)' },
  { flags: '-v, --verbose', key: 'verbose', origin: 'dfu-util', description: 'more detail (one line per control transfer)' },
  // dfu-flash additions
  { flags: '--wait-timeout <s>', key: 'waitTimeout', origin: 'dfu-flash', description: 'deadline for -w and for re-enumeration after a detach, in seconds (default 10)' },
  { flags: '--no-auto-detach', key: 'autoDetach', origin: 'dfu-flash', description: 'fail on a runtime-mode device instead of detaching it' },
  { flags: '--leave-watch <ms>', key: 'leaveWatch', origin: 'dfu-flash', description: 'with -D: warn if the device comes back to the bootloader after leaving' },
  { flags: '-N, --index <n>', key: 'index', origin: 'dfu-flash', description: 'the device numbered n in `dfu-flash list`' },
  { flags: '--all', key: 'all', origin: 'dfu-flash', description: 'with -D: every matching board in parallel' },
  { flags: '--verify', key: 'verify', origin: 'dfu-flash', description: 'with -D: read back and compare' },
  { flags: '--skip-unchanged', key: 'skipUnchanged', origin: 'dfu-flash', description: 'with -D: write only the sectors that differ' },
  { flags: '--dry-run', key: 'dryRun', origin: 'dfu-flash', description: 'with -D: print the plan, transfer nothing' },
  { flags: '--format <format>', key: 'format', origin: 'dfu-flash', description: 'with -D: auto, bin, ihex, srec, elf or dfuse' },
  { flags: '--ignore-suffix', key: 'ignoreSuffix', origin: 'dfu-flash', description: "with -D: flash even when the file's suffix names another device" },
  { flags: '--force', key: 'force', origin: 'dfu-flash', description: 'with -U: overwrite the file' },
  { flags: '--transfer-timeout <ms>', key: 'transferTimeout', origin: 'dfu-flash', description: 'timeout of each control transfer in ms (default 5000)' },
  { flags: '--json', key: 'json', origin: 'dfu-flash', description: 'NDJSON events and a result line on stdout' },
  { flags: '-q, --quiet', key: 'quiet', origin: 'dfu-flash', description: 'print errors only' },
  { flags: '--simulate <profile[,profile]>', key: 'simulate', origin: 'dfu-flash', description: 'use simulated devices instead of USB' },
  { flags: '--sim-time-scale <x>', key: 'simTimeScale', origin: 'dfu-flash', description: 'simulated time factor' },
  { flags: '--sim-state <file.json>', key: 'simState', origin: 'dfu-flash', description: 'keep the simulated flash in this file' },
];

/** '-a' and '--alt' of every option that takes a value. */
export function valueFlags(): Set<string> {
  const out = new Set<string>();
  for (const o of DFU_UTIL_OPTIONS) {
    if (!/[<[]/.test(o.flags)) continue;
    for (const m of o.flags.matchAll(/(--?[A-Za-z][\w-]*)/g)) out.add(m[1]!);
  }
  return out;
}
