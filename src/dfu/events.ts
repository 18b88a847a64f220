/**
 * Progress and diagnostics from the core, as one discriminated union. The core
 * never prints: it calls emit(event); reporters in src/cli turn events into
 * progress bars, plain lines or NDJSON.
 *
 * Order, for one operation:
 *   plan-ready?                       (downloads: once, before any transfer)
 *   then for each phase in order (detach, erase, download, verify, upload, manifest/leave):
 *     phase-start → (phase-progress | phase-wait)* → phase-end
 *       phase-progress: cumulative bytes done, non-decreasing;
 *       phase-wait: a heartbeat, about every 500 ms while the device is busy with one long
 *         step (an erase): how long it has waited, how long the step should take, and an
 *         estimate of the cumulative bytes from the two — never above the next phase-progress,
 *         non-decreasing within the step. Only between phase-start and phase-end.
 *   warning and debug may come at any time. A failing phase emits no phase-end;
 *   the operation rejects with a DfuFlashError instead.
 */
import type { DownloadPlan } from './plan-types.js';

export type Phase = 'detach' | 'erase' | 'download' | 'verify' | 'upload' | 'manifest' | 'leave' | 'wait';

export type FlashEvent =
  | { type: 'plan-ready'; plan: DownloadPlan }
  | { type: 'phase-start'; phase: Phase; totalBytes: number; label?: string }
  | { type: 'phase-progress'; phase: Phase; bytes: number; totalBytes: number }
  | { type: 'phase-end'; phase: Phase; bytes: number; elapsedMs: number }
  /**
   * Heartbeat of a long wait: `elapsedMs` since the step began, `expectedMs` what the device's facts say it
   * takes (typical erase time for the sector size, the reported bwPollTimeout, a quirk's minimum), `bytes` the
   * estimated cumulative progress of the phase (time-driven; the real count comes with the next phase-progress).
   */
  | { type: 'phase-wait'; phase: Phase; elapsedMs: number; expectedMs: number; bytes: number; totalBytes: number }
  | { type: 'warning'; message: string; hint?: string }
  /** One line of protocol detail: each control transfer when verbose, decisions taken. */
  | { type: 'debug'; message: string };

export type Emit = (event: FlashEvent) => void;

export const noEmit: Emit = () => {};
