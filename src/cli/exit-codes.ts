/**
 * The one table that turns an error code into a process exit status
 * (sysexits.h numbering, as dfu-util uses). `satisfies` makes the compiler
 * refuse a table that misses an ErrorCode.
 */
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';

export const EXIT_OK = 0;
/** EX_SOFTWARE: anything unexpected (a bug). */
export const EXIT_INTERNAL = 70;

export const EXIT_CODES = {
  USAGE: 64, // EX_USAGE
  BAD_ADDRESS_SPEC: 64,
  FORMAT: 65, // EX_DATAERR
  FILE_NOT_FOUND: 66, // EX_NOINPUT
  NO_DEVICE: 69, // EX_UNAVAILABLE
  MULTIPLE_DEVICES: 69,
  RUNTIME_MODE: 69,
  INTERNAL: 70, // EX_SOFTWARE
  FILE_EXISTS: 73, // EX_CANTCREAT
  DEVICE_GONE: 74, // EX_IOERR
  TIMEOUT: 74,
  STALL: 74,
  USB_IO: 74,
  BUSY: 75, // EX_TEMPFAIL
  DFU_STATUS: 76, // EX_PROTOCOL
  DFU_STATE: 76,
  UNSUPPORTED: 76,
  ACCESS: 77, // EX_NOPERM
  DRIVER: 77,
  DOES_NOT_FIT: 78, // EX_CONFIG
  NOT_WRITABLE: 78,
  LAYOUT: 78,
  IMAGE_MISMATCH: 78,
  VERIFY_MISMATCH: 79, // not in sysexits: the device holds something else than the file
  NEEDS_PERMISSION: 77,
  ABORTED: 130, // as a shell reports a command ended by Ctrl-C
} as const satisfies Record<ErrorCode, number>;

/** Exit status for anything thrown: the table for DfuFlashError, 70 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof DfuFlashError) return (EXIT_CODES as Record<string, number>)[error.code] ?? EXIT_INTERNAL;
  return EXIT_INTERNAL;
}

/** `dfu-flash doctor` when at least one check fails. */
export const EXIT_CHECKS_FAILED = 1;

/** What each error code means, one short phrase each (README's exit-status table is generated from this). */
export const ERROR_DESCRIPTIONS = {
  USAGE: 'bad option value or combination',
  BAD_ADDRESS_SPEC: 'a `-s` string that does not parse',
  FORMAT: 'the firmware file is malformed or empty, or has no valid DFU suffix (`suffix check`)',
  FILE_NOT_FOUND: 'an input file is missing or unreadable, or an output folder is missing',
  NO_DEVICE: 'no device matches the selection',
  MULTIPLE_DEVICES: 'more than one device matches the selection',
  RUNTIME_MODE: 'the device is in runtime mode and could not be switched to DFU mode',
  INTERNAL: 'internal error (a bug: please report it with the output of `-v`)',
  FILE_EXISTS: 'the output file exists (add `--force`)',
  DEVICE_GONE: 'the device left the bus unexpectedly',
  TIMEOUT: 'a transfer or a wait took too long (slow device: `--transfer-timeout`)',
  STALL: 'the device stalled a request',
  USB_IO: 'other USB I/O failure',
  BUSY: 'another program holds the device',
  DFU_STATUS: 'the device reported a DFU error status',
  DFU_STATE: 'the device is in a state the protocol does not allow here',
  UNSUPPORTED: 'the device (or this system) cannot do the requested operation',
  ACCESS: 'permission denied (Linux: `dfu-flash udev-rules --install`)',
  DRIVER: 'wrong or no driver bound to the device (Windows: WinUSB with Zadig)',
  DOES_NOT_FIT: "the image does not fit the device's memory",
  NOT_WRITABLE: 'the image touches read-only or unknown memory',
  LAYOUT: "the device's memory layout string cannot be used",
  IMAGE_MISMATCH: "the file's DFU suffix names another device (`--ignore-suffix`)",
  VERIFY_MISMATCH: 'read-back after `--verify` differs from the file',
  NEEDS_PERMISSION: 'the browser needs permission for the device in its new mode (web flasher only)',
  ABORTED: 'interrupted (Ctrl-C, SIGTERM); the device was returned to dfuIDLE',
} as const satisfies Record<ErrorCode, string>;

/** The README's exit-status table (Markdown), one row per error code, ordered by status. */
export function exitStatusMarkdown(): string {
  const rows = [
    '| status | error code | meaning |',
    '|---|---|---|',
    '| 0 | | success (including a device that left the bus after `:leave` or manifestation, as it said it would) |',
    `| ${EXIT_CHECKS_FAILED} | | \`doctor\` only: at least one check failed |`,
  ];
  const codes = (Object.keys(EXIT_CODES) as ErrorCode[]).sort((a, b) => EXIT_CODES[a] - EXIT_CODES[b]);
  for (const code of codes) rows.push(`| ${EXIT_CODES[code]} | \`${code}\` | ${ERROR_DESCRIPTIONS[code]} |`);
  return rows.join('\n') + '\n';
}
