/**
 * One error type for the whole program. `message` states the facts (address,
 * state, status); `hint` says how to fix it. The CLI maps `code` to an exit
 * status (src/cli/exit-codes.ts) — nothing else calls process.exit.
 */
export type ErrorCode =
  // bad input, always raised before the first USB transfer
  | 'USAGE' // bad option value or combination
  | 'BAD_ADDRESS_SPEC' // a -s string that does not parse
  | 'FILE_NOT_FOUND' // input file missing or unreadable
  | 'FILE_EXISTS' // upload target exists and --force not given
  | 'FORMAT' // firmware file malformed
  | 'IMAGE_MISMATCH' // file suffix VID/PID does not match the device
  | 'LAYOUT' // memory-layout string malformed
  | 'DOES_NOT_FIT' // image outside the memory layout / larger than the region
  | 'NOT_WRITABLE' // image touches read-only or unknown memory
  // finding the device
  | 'NO_DEVICE' // nothing matches the selection
  | 'MULTIPLE_DEVICES' // ambiguous selection
  | 'RUNTIME_MODE' // device is in runtime (appIDLE) mode and needs DETACH
  | 'ACCESS' // permission denied (udev rule)
  | 'DRIVER' // wrong driver bound (Windows WinUSB)
  | 'BUSY' // another program (or another operation of ours) holds the interface
  | 'NEEDS_PERMISSION' // the device in its new mode is a new device the user must grant (WebUSB); details.filters says which
  // talking to the device
  | 'DEVICE_GONE' // device left the bus unexpectedly
  | 'TIMEOUT' // transfer or wait exceeded its deadline
  | 'STALL' // device stalled a request (LIBUSB_ERROR_PIPE)
  | 'USB_IO' // other libusb failures
  | 'DFU_STATUS' // device reported a DFU error status
  | 'DFU_STATE' // device is in a state the protocol does not allow here
  | 'VERIFY_MISMATCH' // read-back differs from what was written
  | 'UNSUPPORTED' // device cannot do the requested operation
  | 'ABORTED' // the caller's AbortSignal (or Ctrl-C) stopped the operation; the device was left in dfuIDLE
  | 'INTERNAL';

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured facts for --json output (address, state, status, phase...). */
  details?: Record<string, unknown>;
}

/**
 * What every failure of dfu-flash throws. `code` is stable (switch on it);
 * `message` states the facts; `hint` says how to fix it; the facts a program
 * acts on are fields: `phase`, `address`, DFU `state` and `status`, when they apply.
 */
export class DfuFlashError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** All facts, as JSON-able data (the fields below among them, and `reason`: which situation, for the CLI's wording). */
  readonly details: Record<string, unknown>;
  /** The phase that failed: 'erase', 'download', 'verify', 'upload', 'manifest', 'leave', 'detach', 'wait'. */
  readonly phase: string | undefined;
  /** The memory address the failure is about. */
  readonly address: number | undefined;
  /** The device's bState (DFU 1.1 §6.1.2) when it reported one. */
  readonly state: number | undefined;
  /** The device's bStatus (DFU 1.1 §6.1.2) when it reported one. */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DfuFlashError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
    const d = this.details;
    this.phase = typeof d['phase'] === 'string' ? d['phase'] : undefined;
    this.address = typeof d['address'] === 'number' ? d['address'] : undefined;
    this.state = typeof d['state'] === 'number' ? d['state'] : undefined;
    this.status = typeof d['status'] === 'number' ? d['status'] : undefined;
  }
}

export function isDfuFlashError(e: unknown, code?: ErrorCode): e is DfuFlashError {
  return e instanceof DfuFlashError && (code === undefined || e.code === code);
}

/** Format a number as 0x%08x, the way addresses are printed everywhere. */
export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/** Format a VID or PID as 4 hex digits. */
export function hex16(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}
