/**
 * A target is what sits behind the DFU state machine: it turns DNLOAD/UPLOAD
 * payloads into memory operations. Two kinds: DfuSe (dfuse-target.ts) and
 * plain sequential DFU 1.1 (sequential-target.ts).
 */
import type { DfuStatus } from '../dfu/constants.js';
import type { SimFlash } from './flash.js';
import type { SimBusy } from './profile-types.js';

/** Something the device does after a job's busy period. */
export type SimAfterJob =
  /** Leave the bus (jumped to the application); with `reenumerate`, what then arrives on the same port. */
  | { kind: 'leave'; reason: string; reenumerate?: { profile: string | 'self'; afterMs: number } | undefined }
  /** Reset and come back as the same kind of device, flash kept (e.g. after READ_UNPROTECT). */
  | { kind: 'reset-and-return'; reason: string };

export interface SimJobOutcome {
  status: DfuStatus;
  /** Overrides the job's busy period (e.g. when the work turned out to include a page erase). */
  busy?: SimBusy | undefined;
  after?: SimAfterJob | undefined;
  /** The work is done but the device stays dfuDNBUSY until a DFU_CLRSTATUS (STM32H7 ROM). */
  stuck?: boolean | undefined;
}

/** Work a DNLOAD (or the final zero-length DNLOAD) asks for, started by the next GETSTATUS. */
export interface SimJob {
  /** Short description for debugging, e.g. 'ERASE 0x08000000'. */
  name: string;
  busy: SimBusy;
  /** DfuSe commands: the first GETSTATUS must report dfuDNBUSY even when nothing takes time. */
  alwaysBusy: boolean;
  /** A page or mass erase (for devices that treat GETSTATUS differently while erasing). */
  erase?: boolean | undefined;
  run(): SimJobOutcome;
}

export type SimDownloadResult = { kind: 'job'; job: SimJob } | { kind: 'stall'; status: DfuStatus };
export type SimUploadResult = { kind: 'data'; data: Uint8Array } | { kind: 'stall'; status: DfuStatus };

export interface SimTarget {
  readonly flash: SimFlash | undefined;
  /** DfuSe: a zero-length DNLOAD in dfuIDLE is "leave" (plain DFU 1.1 stalls it). */
  readonly zeroLengthLeavesFromIdle: boolean;
  /** SET_INTERFACE selected another alt setting. */
  setAlt(alt: number): void;
  /** DNLOAD with wLength > 0. `first` = the device was in dfuIDLE (a new download starts). */
  download(blockNum: number, data: Uint8Array, first: boolean): SimDownloadResult;
  /** UPLOAD. `first` = the device was in dfuIDLE (a new upload starts). */
  upload(blockNum: number, length: number, first: boolean): SimUploadResult;
  /** The work after the zero-length DNLOAD (DfuSe: leave; DFU 1.1: manifestation). */
  manifest(): SimJob;
}
