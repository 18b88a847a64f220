/**
 * What a validated command line asks for. These are the CLI's own requests:
 * they name files (read and written here, never in the library) and carry
 * the parsed selection; the command modules turn them into library calls.
 */
import type { AcquireOptions, DeviceSelector } from '../ops/types.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';

export type { AcquireOptions, DeviceSelector, IdMatch } from '../ops/types.js';

export type FirmwareFormatChoice = 'auto' | 'bin' | 'ihex' | 'srec' | 'elf' | 'dfuse';

export interface DownloadRequest extends AcquireOptions {
  selector: DeviceSelector;
  file: string;
  dfuse?: DfuseOptions | undefined;
  /** -t: override wTransferSize. */
  transferSize?: number | undefined;
  /** -R: reset the device after the operation. */
  reset: boolean;
  /** --verify (true: refuse a device that cannot be verified) / --no-verify (false); default: verify where the device allows. */
  verify?: boolean | undefined;
  /** --skip-unchanged. */
  skipUnchanged?: boolean | undefined;
  /** --dry-run: resolve the device and the plan, transfer nothing. */
  dryRun?: boolean | undefined;
  /** --format; 'auto' (default) detects it from the content. */
  format?: Exclude<FirmwareFormatChoice, 'auto'> | undefined;
  /** --ignore-suffix. */
  ignoreSuffix?: boolean | undefined;
  /** --leave-watch. */
  watchAfterLeaveMs?: number | undefined;
  /** Quirk flags forced whatever the quirk table says (no flag: tests and plan runs from code). */
  quirks?: Partial<Quirks> | undefined;
}

export interface UploadRequest extends AcquireOptions {
  selector: DeviceSelector;
  file: string;
  dfuse?: DfuseOptions | undefined;
  /** -Z: expected upload size (plain DFU: progress only; also a cap). */
  uploadSize?: number | undefined;
  transferSize?: number | undefined;
  /** Overwrite an existing output file. */
  force: boolean;
  reset: boolean;
  quirks?: Partial<Quirks> | undefined;
}

export interface DetachRequest {
  selector: DeviceSelector;
  wait?: boolean | undefined;
  waitTimeoutMs?: number | undefined;
}

/** `leave [--address A]` / `reset`, and dfu-util's `-s [ADDR]:leave` or `-R` without a file. */
export interface LeaveRequest extends AcquireOptions {
  selector: DeviceSelector;
  address?: number | undefined;
  reset?: boolean | undefined;
}

/** `erase --mass --force` / `unprotect --force` (dfu-util's `-s :mass-erase:force`, `-s :unprotect:force`). */
export interface DfuseCommandRequest extends AcquireOptions {
  selector: DeviceSelector;
  dfuse: DfuseOptions;
  returnTimeoutMs?: number | undefined;
}

/** One step of a plan file (`dfu-flash run plan.json`). */
export type PlanStep =
  | { kind: 'detach'; timeoutMs?: number | undefined }
  | {
      kind: 'download';
      file: string;
      alt?: number | string | undefined;
      dfuse?: DfuseOptions | undefined;
      verify?: boolean | undefined;
      skipUnchanged?: boolean | undefined;
      format?: DownloadRequest['format'];
      timeoutMs?: number | undefined;
    }
  | { kind: 'upload'; file: string; alt?: number | string | undefined; dfuse?: DfuseOptions | undefined; force?: boolean | undefined; timeoutMs?: number | undefined }
  | { kind: 'leave'; address?: number | undefined; timeoutMs?: number | undefined }
  | { kind: 'reset'; timeoutMs?: number | undefined };

/** A plan file: which boards, and what to do to each, in order. File names may use {port} and {serial}. */
export interface FlashPlan {
  selector: DeviceSelector;
  /** Run on every matching board in parallel (else exactly one board must match). */
  all: boolean;
  steps: PlanStep[];
  waitTimeoutMs?: number | undefined;
}
