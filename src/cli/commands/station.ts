/**
 * `dfu-flash station [download options] FILE` / `dfu-flash station PLAN.json`:
 * flash every DFU-mode board that matches the selection as it is plugged in,
 * until --count boards have finished, --timeout has passed, or Ctrl-C.
 *
 * One self-contained command module: its name, summary, examples, options
 * (added to a commander Command), validation (raw values → StationInvocation;
 * zod and the plan parser are loaded only then) and run(). At the top only
 * commander's option groups (loaded whenever a command line is parsed): the
 * engine (src/station), the reporters and the log are loaded by run().
 */
import type { DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { Option } from 'commander';
import { INPUT_FORMATS, addCommon, addSelection, addTransfer, addTransferTimeout } from '../program-options.js';
import type { DownloadRequest, FlashPlan, DeviceSelector } from '../requests.js';
import type { CommandEnv } from './env.js';

const EXAMPLES = `
Examples:
  dfu-flash station -d ,0483:df11 -a 0 -s 0x08000000:leave fw.bin
  dfu-flash station plan.json --log boards.ndjson --count 50
  dfu-flash station -a 0 -s 0x08000000:leave --jobs 4 --timeout 3600 fw.bin
  dfu-flash station -s 0x08000000:leave --again fw.bin        flash a board again when it is replugged
  dfu-flash station --json fw.dfu | jq -c 'select(.type=="board-finished")'
  dfu-flash station -a 0 -s 0x08000000:leave --simulate stm32f4-sysboot,stm32f4-sysboot --sim-time-scale 0 --count 2 fw.bin

Only DFU-mode devices that match the selection are flashed (never a runtime one);
a board is its port path and serial. A board that was just flashed and comes back
(its application, or the bootloader: a warning) is left alone. Ctrl-C (or SIGTERM):
no new boards, boards in flight finish; a second Ctrl-C aborts them (back in dfuIDLE).
Exit status: 0 when every board succeeded, else that of the first board that failed.`;

/** What each board gets: the download of one file, or a plan's steps. */
export type StationWork = { kind: 'download'; request: DownloadRequest } | { kind: 'plan'; planFile: string; plan: FlashPlan };

export interface StationInvocation extends Common {
  command: 'station';
  /** Which DFU-mode devices to flash. */
  selector: DeviceSelector;
  work: StationWork;
  /** --jobs: boards at once (default: all present). */
  jobs?: number;
  /** --count: end after this many boards finished. */
  count?: number;
  /** --timeout: take no new board after this long. */
  timeoutMs?: number;
  /** --again: flash a board again when it is plugged in again. */
  again: boolean;
  /** --log: append one JSON line per finished board. */
  logFile?: string;
}

export const station: DeviceCommand<StationInvocation> = {
  kind: 'device',
  name: 'station',
  args: '<file>',
  summary: 'flash every DFU-mode board as it is plugged in (a firmware file, or a plan file ending in .json), hour after hour',
  examples: EXAMPLES,
  options: (cmd) =>
    addTransferTimeout(addCommon(addSelection(addTransfer(cmd))))
      .option('--verify', 'refuse a board that cannot be read back (every download is verified where the device allows it)')
      .option('--no-verify', 'do not read the written bytes back')
      .option('--skip-unchanged', 'read each sector first; erase and write only the sectors that differ')
      .addOption(new Option('--format <format>', 'file format (default: detected from the content)').choices(INPUT_FORMATS))
      .option('--ignore-suffix', "flash even when the file's DFU suffix names another VID:PID")
      .option('--jobs <n>', 'flash at most this many boards at once (default: every board present)')
      .option('--count <n>', 'stop after this many boards have finished, succeeded or failed')
      .option('--timeout <s>', 'take no new board after this many seconds; boards in flight finish')
      .option('--again', 'flash a board again when it is unplugged and plugged in again (same port and serial)')
      .option('--log <file>', 'append one JSON line per finished board (never truncated)'),
  // zod, the plan parser and the file checks are loaded only now
  validate: async (raw, cwd) => (await import('../station/schema.js')).toStationInvocation(raw, cwd),
  // -N is refused by validate: nothing to narrow
  atPath: (inv) => inv,
  progress: () => 'none',
  run: async (inv: StationInvocation, env: CommandEnv) => (await import('../station/run.js')).runStation(inv, env),
};
