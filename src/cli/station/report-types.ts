/** A station reporter turns the station's events into output, and prints the totals at the end. */
import type { StationBoard, StationSummary } from '../../station/index.js';
import type { StationCliEvent } from './words.js';

export interface StationReporter {
  handle(e: StationCliEvent): void;
  /** The end: totals (stderr), the result line (--json). `failed`: the boards that failed, in order. */
  finish(summary: StationSummary, failed: readonly StationBoard[], exitCode: number): void;
  /** Stop drawing (safe twice). */
  close(): void;
}
