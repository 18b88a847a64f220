/**
 * Progress and diagnostics from the core, as one discriminated union. The core
 * never prints: it calls emit(event); reporters in src/cli turn events into
 * progress bars, plain lines or NDJSON.
 *
 * Order, for one operation:
 *   plan-ready?                       (downloads: once, before any transfer)
 *   then for each phase in order (detach, erase, download, verify, upload, manifest/leave):
 *     phase-start → phase-progress* (cumulative bytes, non-decreasing) → phase-end
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
  | { type: 'warning'; message: string; hint?: string }
  /** One line of protocol detail: each control transfer when verbose, decisions taken. */
  | { type: 'debug'; message: string };

export type Emit = (event: FlashEvent) => void;

export const noEmit: Emit = () => {};
