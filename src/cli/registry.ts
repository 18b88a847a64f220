/**
 * Every command of the CLI, in the order `--help` lists them. The program
 * (program.ts), dispatch (main.ts), help and shell completion are made from
 * this list: a new command is one module in commands/ and one line here.
 */
import type { CommandDefinition } from './command.js';
import { list } from './commands/list.js';
import { download } from './commands/download.js';
import { upload } from './commands/upload.js';
import { detach } from './commands/detach.js';
import { erase, unprotect } from './commands/erase.js';
import { leave, reset } from './commands/leave.js';
import { run } from './commands/run.js';
import { station } from './commands/station.js';
import { info } from './commands/info.js';
import { suffix } from './commands/suffix.js';
import { convert } from './commands/convert.js';
import { udevRules } from './commands/udev-rules.js';
import { doctor } from './commands/doctor.js';
import { completion } from './commands/completion.js';
import { web } from './commands/web.js';

export const COMMAND_DEFINITIONS = [list, download, upload, detach, erase, unprotect, leave, reset, run, station, info, suffix, convert, udevRules, doctor, completion, web] as const;

/** The command names, for the dfu-util detector and completion. */
export const COMMANDS: readonly string[] = COMMAND_DEFINITIONS.map((d) => d.name);

export function findCommand(name: string): CommandDefinition | undefined {
  return (COMMAND_DEFINITIONS as readonly CommandDefinition[]).find((d) => d.name === name);
}
