/** What every figure gets: options, the calibrated per-transfer cost, and a progress log on stderr. */
import type { Calibration, StackCost } from './calibrate.js';

export interface BenchContext {
  quick: boolean;
  /** Simulated busy times × this (1 = real device timing). */
  timeScale: number;
  /** Repetitions of each short wall-time measurement (median kept). */
  runs: number;
  /** Repetitions of start-up measurements. */
  startupRuns: number;
  cost: Calibration;
  /** The same round trips through src/transport/usb (diagnostic: what dfu-flash's own stack adds). */
  stack?: StackCost | undefined;
  dfuUtil: boolean;
  /** Progress for people, on stderr. */
  log(message: string): void;
}
