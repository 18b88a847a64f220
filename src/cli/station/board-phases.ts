/**
 * Per board in flight, what its events said: milliseconds per phase (summed
 * when a phase comes twice, as in a plan) and the image bytes downloaded so
 * far — for the log line of a board that failed as much as of one that did
 * not. Boards are dropped when they finish: nothing stays per board.
 */
import type { FlashEvent } from '../../dfu/events.js';

export interface PhaseBook {
  phasesMs: Record<string, number>;
  downloadedBytes: number;
}

export class BoardPhases {
  private readonly boards = new Map<number, PhaseBook>();

  handle(board: number, e: FlashEvent): void {
    if (e.type !== 'phase-end' && e.type !== 'phase-progress') return;
    let b = this.boards.get(board);
    if (b === undefined) {
      b = { phasesMs: {}, downloadedBytes: 0 };
      this.boards.set(board, b);
    }
    if (e.phase === 'download') b.downloadedBytes = Math.max(b.downloadedBytes, e.bytes);
    if (e.type === 'phase-end') b.phasesMs[e.phase] = (b.phasesMs[e.phase] ?? 0) + Math.round(e.elapsedMs);
  }

  /** What was seen of the board, and forget it. */
  take(board: number): PhaseBook {
    const b = this.boards.get(board) ?? { phasesMs: {}, downloadedBytes: 0 };
    this.boards.delete(board);
    return b;
  }

  get size(): number {
    return this.boards.size;
  }
}
