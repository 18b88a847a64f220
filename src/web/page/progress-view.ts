/**
 * Draws the progress model (progress.ts) into data-testid="progress": one row
 * per phase with a <progress> bar, bytes so far of the total and bytes per
 * second. Drawn at most every 100 ms while events stream in, and once more at
 * the end, so a fast device is not slowed by the page.
 */
import type { FlashEvent } from '../index.js';
import { applyEvent, EMPTY_PROGRESS, rowRate, stopOpenRows, type PhaseRow, type ProgressModel } from './progress.js';
import { el } from './ui.js';
import { formatBytes, formatRate, formatSeconds } from './units.js';

const DRAW_EVERY_MS = 100;

function numbers(row: PhaseRow, now: number): string {
  const rate = rowRate(row, now);
  const speed = rate === undefined ? '' : ` · ${formatRate(rate)}`;
  if (row.stopped) return `stopped after ${formatSeconds(row.elapsedMs ?? 0)}${row.totalBytes > 0 ? ` at ${formatBytes(row.bytes)} of ${formatBytes(row.totalBytes)}` : ''}`;
  if (row.done) return row.totalBytes > 0 ? `${formatBytes(row.bytes)} in ${formatSeconds(row.elapsedMs ?? 0)}${speed}` : `done in ${formatSeconds(row.elapsedMs ?? 0)}`;
  return row.totalBytes > 0 ? `${formatBytes(row.bytes)} of ${formatBytes(row.totalBytes)}${speed}` : 'working…';
}

function rowElement(row: PhaseRow, now: number, partName: string | undefined): HTMLElement {
  const label = partName === undefined ? row.label : `${row.label} (${partName})`;
  const bar = el('progress', { 'aria-label': label }) as HTMLProgressElement;
  if (row.totalBytes > 0) {
    bar.max = row.totalBytes;
    bar.value = row.bytes;
  } else if (row.done) {
    bar.max = 1;
    bar.value = row.stopped ? 0 : 1;
  }
  return el('div', { class: 'phase', 'data-phase': row.phase, 'data-done': String(row.done && !row.stopped), ...(row.stopped ? { 'data-stopped': 'true' } : {}) }, el('span', {}, label), bar, el('span', { class: 'numbers' }, numbers(row, now)));
}

export class ProgressView {
  model: ProgressModel = EMPTY_PROGRESS;
  private timer: number | undefined;
  private partNames: string[] = [];

  constructor(private readonly target: HTMLElement) {}

  reset(partNames: string[]): void {
    this.model = EMPTY_PROGRESS;
    this.partNames = partNames;
    this.draw();
  }

  event(e: FlashEvent, part: number): void {
    const next = applyEvent(this.model, e, performance.now(), part);
    if (next === this.model) return;
    this.model = next;
    this.timer ??= window.setTimeout(() => this.draw(), DRAW_EVERY_MS);
  }

  /** The operation stopped: rows still running end now. */
  stop(): void {
    this.model = stopOpenRows(this.model, performance.now());
    this.draw();
  }

  draw(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    const named = this.partNames.length > 1;
    const rows = this.model.rows.map((r) => rowElement(r, now, named ? this.partNames[r.part] : undefined));
    const warnings = this.model.warnings.map((w) => el('p', { class: 'warning', role: 'note' }, `warning: ${w}`));
    this.target.replaceChildren(...rows, ...warnings);
  }
}
