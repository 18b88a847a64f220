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
} as const satisfies Record<ErrorCode, number>;

/** Exit status for anything thrown: the table for DfuFlashError, 70 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof DfuFlashError) return (EXIT_CODES as Record<string, number>)[error.code] ?? EXIT_INTERNAL;
  return EXIT_INTERNAL;
}
