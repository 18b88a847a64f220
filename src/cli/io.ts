/**
 * What the CLI needs from the outside world, injected so tests run commands
 * in-process: output writers, terminal facts, environment, working directory,
 * and (optionally) the backend factory, the clock and the use cases.
 */
import type { Clock } from '../transport/clock.js';
import type { UsbBackend } from '../transport/types.js';
import type { SystemDeps } from './system.js';
import type { Emit } from '../dfu/events.js';
import type { DetachRequest, DownloadRequest, FlashPlan, ListedDevice, OpContext, OperationResult, UploadRequest } from '../ops/types.js';
import type { BoardResult, DfuseCommandRequest, LeaveRequest, PlanBoardResult } from '../ops/index.js';

/** A text sink: process.stdout / process.stderr, or a buffer in tests. */
export interface CliWriter {
  write(chunk: string): unknown;
}

export interface CliIo {
  stdout: CliWriter;
  stderr: CliWriter;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width of stderr, when known (progress bars). */
  stderrColumns?: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative file names are resolved against this directory. */
  cwd: string;
}

/** How to reach devices: real USB, or simulated devices (`--simulate`). */
export type BackendRequest =
  | { kind: 'usb'; clock: Clock }
  | { kind: 'sim'; profiles: string[]; timeScale: number; clock: Clock };

/** The use cases the commands call (src/ops). Injectable for tests. */
export interface OpsApi {
  listDevices(ctx: OpContext): Promise<ListedDevice[]>;
  download(req: DownloadRequest, ctx: OpContext): Promise<OperationResult>;
  upload(req: UploadRequest, ctx: OpContext): Promise<OperationResult>;
  detach(req: DetachRequest, ctx: OpContext): Promise<OperationResult>;
  /** Every matching board in parallel; one result per board, in port order. */
  downloadAll(req: DownloadRequest, ctx: OpContext, emitFor: (portPath: string) => Emit): Promise<BoardResult[]>;
  runPlan(plan: FlashPlan, ctx: OpContext, emitFor: (portPath: string) => Emit): Promise<PlanBoardResult[]>;
  leave(req: LeaveRequest, ctx: OpContext): Promise<OperationResult>;
  /** DfuSe command mode: mass erase, unprotect, leave (-s without a file). */
  dfuseCommand(req: DfuseCommandRequest, ctx: OpContext): Promise<OperationResult>;
}

export interface CliDeps {
  /** Replaces the default factory (libusb, or createSimBackend for --simulate). */
  createBackend?(request: BackendRequest): Promise<UsbBackend>;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Replaces src/ops (tests of the command layer). */
  ops?: OpsApi;
  /** Replaces facts about the machine (platform, root, udev paths, udevadm, the usb package). */
  system?: Partial<SystemDeps>;
}
