/**
 * Progress bars on a terminal (stderr is a TTY): one cli-progress bar per
 * phase, stacked as the phases run, with bytes done/total, percent, bytes/s
 * and ETA; a finished phase's bar ends in "done in X.XX s". While the device
 * is busy with one long step (phase-wait heartbeats), the bar moves with the
 * time-driven estimate and says how long the wait has lasted and should last
 * ("12 s of ~35 s"); a phase without a byte total (mass erase) gets a bar of
 * that time. Lines printed meanwhile (warnings, debug) appear above the bars.
 */
import cliProgress from 'cli-progress';
import type { FlashEvent, Phase } from '../../dfu/events.js';
import type { Clock } from '../../transport/clock.js';
import { createMultiBar, finishMultiBar } from './multibar.js';
import { formatEta, formatRate, formatSeconds, oneLine, rateOf } from './format.js';
import type { Style } from './types.js';

const BAR_WIDTH = 25;
const MIN_BAR_WIDTH = 8;

/** What cli-progress needs from the output stream. */
export interface TtyStream {
  write(chunk: string): unknown;
  isTTY: true;
  columns?: number | undefined;
}

interface BarPayload {
  phase: Phase;
  label: string;
  rate?: number | undefined;
  /** Set when the phase has ended. */
  elapsedMs?: number | undefined;
  /** Set while the device is busy with a long step (phase-wait), cleared by the next phase-progress. */
  wait?: { elapsedMs: number; expectedMs: number } | undefined;
}

interface Active {
  bar: cliProgress.SingleBar;
  startedAt: number;
  total: number;
  payload: BarPayload;
}

export class TtyProgress {
  private multibar: cliProgress.MultiBar | undefined;
  private readonly active = new Map<Phase, Active>();

  /** Visible characters per line: one less than the terminal width, so no line ever wraps. */
  private readonly width: number;

  constructor(
    private readonly stream: TtyStream,
    private readonly clock: Clock,
    private readonly style: Style,
  ) {
    this.width = Math.max(20, (stream.columns ?? 80) - 1);
  }

  /** Print a line (ending in \n) above the bars, or directly when none is drawn. */
  log(line: string): void {
    if (this.multibar === undefined) this.stream.write(line);
    else this.multibar.log(line);
  }

  handle(e: FlashEvent): void {
    if (e.type === 'phase-start') {
      const label = e.label === undefined || e.label === '' ? e.phase : `${e.phase} (${oneLine(e.label)})`;
      const payload: BarPayload = { phase: e.phase, label };
      const bar = this.bars().create(Math.max(0, e.totalBytes), 0, payload);
      this.active.set(e.phase, { bar, startedAt: this.clock.now(), total: e.totalBytes, payload });
    } else if (e.type === 'phase-progress') {
      const a = this.active.get(e.phase);
      if (a === undefined) return;
      a.payload.rate = rateOf(e.bytes, this.clock.now() - a.startedAt);
      a.payload.wait = undefined;
      a.bar.update(Math.min(e.bytes, a.total), a.payload);
    } else if (e.type === 'phase-wait') {
      const a = this.active.get(e.phase);
      if (a === undefined) return;
      a.payload.wait = { elapsedMs: e.elapsedMs, expectedMs: e.expectedMs };
      a.bar.update(a.total > 0 ? Math.min(e.bytes, a.total) : 0, a.payload);
    } else if (e.type === 'phase-end') {
      const a = this.active.get(e.phase);
      if (a === undefined) return;
      this.active.delete(e.phase);
      a.payload.elapsedMs = e.elapsedMs;
      a.payload.rate = rateOf(e.bytes, e.elapsedMs);
      a.bar.update(a.total > 0 ? Math.min(e.bytes, a.total) : 0, a.payload);
      a.bar.stop();
      this.multibar?.update();
    }
  }

  /** Final render and release the terminal. */
  close(): void {
    this.active.clear();
    const m = this.multibar;
    this.multibar = undefined;
    finishMultiBar(m);
  }

  private bars(): cliProgress.MultiBar {
    this.multibar ??= createMultiBar<BarPayload>(this.stream, (params, payload) => this.render(params, payload));
    return this.multibar;
  }

  private render(params: { value: number; total: number }, p: BarPayload): string {
    const s = this.style;
    const label = p.label.padEnd(8);
    const fit = (text: string): string => (text.length > this.width ? text.slice(0, this.width) : text);
    const waited = p.elapsedMs === undefined && p.wait !== undefined ? `${Math.round(p.wait.elapsedMs / 1000)} s of ~${Math.max(1, Math.round(p.wait.expectedMs / 1000))} s` : undefined;
    if (params.total <= 0 && waited !== undefined) {
      // no byte total (mass erase): a bar of the expected time
      const w = p.wait!;
      const fraction = Math.min(0.99, w.elapsedMs / Math.max(1, w.expectedMs));
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
      const barWidth = Math.max(0, Math.min(BAR_WIDTH, this.width - label.length - 2 - percent.length - 2 - waited.length));
      if (barWidth < MIN_BAR_WIDTH) return fit(`${label} ${percent}  ${waited}`);
      const filled = Math.round(fraction * barWidth);
      return `${s.label(label)} ${'\u2588'.repeat(filled)}${s.dim('\u2591'.repeat(barWidth - filled))} ${percent}  ${waited}`;
    }
    if (params.total <= 0) {
      const status = p.elapsedMs === undefined ? '...' : `done in ${formatSeconds(p.elapsedMs)}`;
      const line = fit(`${label} ${status}`);
      return s.label(line.slice(0, label.length)) + (p.elapsedMs === undefined ? line.slice(label.length) : s.done(line.slice(label.length)));
    }
    const fraction = Math.min(1, params.value / params.total);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const bytes = `${params.value}/${params.total} B`;
    const rate = p.rate === undefined ? '' : formatRate(p.rate);
    let done = '';
    let tail = '';
    if (p.elapsedMs !== undefined) {
      done = `done in ${formatSeconds(p.elapsedMs)}`;
      tail = rate === '' ? '' : ` (${rate})`;
    } else if (waited !== undefined) {
      tail = `  ${waited}`; // the device is busy: a rate means nothing until it answers
    } else {
      const eta = p.rate === undefined || p.rate <= 0 ? '' : `  ETA ${formatEta((params.total - params.value) / p.rate)}`;
      tail = (rate === '' ? '' : `  ${rate}`) + eta;
    }
    const middle = ` ${percent} ${bytes}${done === '' ? '' : '  '}`;
    // Fit the terminal: shrink the bar first, then drop rate and ETA, then the bar.
    const room = (t: string): number => this.width - label.length - 2 - middle.length - done.length - t.length;
    if (room(tail) < MIN_BAR_WIDTH) tail = '';
    const barWidth = Math.max(0, Math.min(BAR_WIDTH, room(tail)));
    if (barWidth < MIN_BAR_WIDTH) return fit(`${label} ${percent} ${bytes} ${done}`.trimEnd());
    const filled = Math.round(fraction * barWidth);
    const bar = '\u2588'.repeat(filled) + s.dim('\u2591'.repeat(barWidth - filled));
    return `${s.label(label)} ${bar}${middle}${done === '' ? '' : s.done(done)}${tail}`;
  }
}
