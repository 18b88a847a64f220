/**
 * What the CLI needs from the outside world, injected so tests run commands
 * in-process: output writers, terminal facts, environment, working directory,
 * and (optionally) the backend factory, the clock and the use cases.
 */
import type { Clock } from '../transport/clock.js';
import type { UsbBackend } from '../transport/types.js';
import type { SystemDeps } from './system.js';
import type { Interrupts } from './commands/env.js';
import type * as Api from '../index.js';

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

/** The library operations the commands call (the public API, src/index.ts). Injectable for tests. */
export type OpsApi = Pick<typeof Api, 'listDevices' | 'findBoards' | 'download' | 'planDownload' | 'uploadDetailed' | 'detach' | 'leave' | 'reset' | 'massErase' | 'unprotect'>;

export interface CliDeps {
  /** Replaces the default factory (libusb, or createSimBackend for --simulate). */
  createBackend?(request: BackendRequest): Promise<UsbBackend>;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Replaces the library operations (tests of the command layer). */
  ops?: OpsApi;
  /** Replaces facts about the machine (platform, root, udev paths, udevadm, the usb package). */
  system?: Partial<SystemDeps>;
  /** Replaces the process's SIGINT/SIGTERM (tests of commands that end on Ctrl-C). */
  interrupts?: Interrupts;
}
