/**
 * Progress as the page shows it: one row per phase in the order the phases
 * start (detach, wait, erase, download, verify, manifest, leave), each with
 * its bytes so far, its total and its rate in bytes per second. A pure
 * reducer over the library's FlashEvents, so it is tested without a browser;
 * progress-view.ts draws it.
 */
import type { FlashEvent, Phase } from '../index.js';

export interface PhaseRow {
  /** Which part of a plan (0 for a single file), so two files' rows do not merge. */
  part: number;
  phase: Phase;
  label: string;
  bytes: number;
  totalBytes: number;
  startedAt: number;
  /** Set by phase-end. */
  elapsedMs?: number | undefined;
  done: boolean;
  /** Ended without its phase-end: the operation failed or stopped for the user there. */
  stopped?: boolean | undefined;
}

export interface ProgressModel {
  rows: PhaseRow[];
  warnings: string[];
}

export const EMPTY_PROGRESS: ProgressModel = { rows: [], warnings: [] };

const LABELS: Record<Phase, string> = {
  detach: 'Switch to DFU mode',
  wait: 'Wait for the bootloader',
  erase: 'Erase',
  download: 'Write',
  verify: 'Verify',
  upload: 'Read',
  manifest: 'Manifest',
  leave: 'Start the firmware',
};

export function phaseLabel(phase: Phase): string {
  return LABELS[phase];
}

/** The model after one event at time `now` (ms, any monotonic clock). */
export function applyEvent(model: ProgressModel, event: FlashEvent, now: number, part = 0): ProgressModel {
  switch (event.type) {
    case 'phase-start': {
      const row: PhaseRow = { part, phase: event.phase, label: LABELS[event.phase], bytes: 0, totalBytes: event.totalBytes, startedAt: now, done: false };
      return { ...model, rows: [...model.rows, row] };
    }
    case 'phase-progress':
    case 'phase-end': {
      const i = findLast(model.rows, (r) => r.part === part && r.phase === event.phase && !r.done);
      if (i < 0) return model;
      const old = model.rows[i]!;
      const row: PhaseRow =
        event.type === 'phase-progress'
          ? { ...old, bytes: event.bytes, totalBytes: event.totalBytes }
          : { ...old, bytes: event.bytes, totalBytes: Math.max(old.totalBytes, event.bytes), elapsedMs: event.elapsedMs, done: true };
      return { ...model, rows: model.rows.map((r, j) => (j === i ? row : r)) };
    }
    case 'warning':
      return { ...model, warnings: [...model.warnings, event.hint === undefined ? event.message : `${event.message} (${event.hint})`] };
    default:
      return model;
  }
}

/** The operation stopped (an error, or NEEDS_PERMISSION): rows still running end here, marked stopped. */
export function stopOpenRows(model: ProgressModel, now: number): ProgressModel {
  if (model.rows.every((r) => r.done)) return model;
  return { ...model, rows: model.rows.map((r) => (r.done ? r : { ...r, done: true, stopped: true, elapsedMs: now - r.startedAt })) };
}

function findLast<T>(items: readonly T[], ok: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (ok(items[i]!)) return i;
  return -1;
}

/** Bytes per second of a row: so far (running) or over the whole phase (done); undefined before there is anything to say. */
export function rowRate(row: PhaseRow, now: number): number | undefined {
  const ms = row.done ? row.elapsedMs ?? now - row.startedAt : now - row.startedAt;
  if (row.bytes <= 0 || ms <= 0) return undefined;
  return (row.bytes * 1000) / ms;
}
