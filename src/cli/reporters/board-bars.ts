/**
 * Progress bars for several boards at once: one cli-progress bar per board,
 * labelled by its port path, showing the phase it is in (erase, download,
 * verify, ...) with bytes, percent, rate and ETA; a finished phase reads
 * "done in X.XX s" until the next one starts.
 *
 *   1-1  download ██████████░░░░░░░  58% 59392/102400 B  19.5 KiB/s  ETA 2s
 *   1-2  erase    ████░░░░░░░░░░░░░  25% 32768/131072 B  64.0 KiB/s  ETA 2s
 */
import cliProgress from 'cli-progress';
import type { FlashEvent } from '../../dfu/events.js';
import type { Clock } from '../../transport/clock.js';
import { createMultiBar, finishMultiBar } from './multibar.js';
import { formatEta, formatRate, formatSeconds, rateOf } from './format.js';
import type { TtyStream } from './tty-progress.js';
import type { Style } from './types.js';

const BAR_WIDTH = 20;
const MIN_BAR_WIDTH = 6;
const PHASE_WIDTH = 8;

interface BoardPayload {
  port: string;
  phase: string;
  rate?: number | undefined;
  /** Set when the current phase has ended. */
  elapsedMs?: number | undefined;
  /** While the device is busy with a long step (phase-wait): "12 s of ~35 s". */
  waited?: string | undefined;
}

interface Board {
  bar: cliProgress.SingleBar;
  payload: BoardPayload;
  startedAt: number;
  total: number;
}

export class BoardBars {
  private multibar: cliProgress.MultiBar | undefined;
  private readonly boards = new Map<string, Board>();
  private readonly width: number;
  private portWidth = 3;

  constructor(
    private readonly stream: TtyStream,
    private readonly clock: Clock,
    private readonly style: Style,
  ) {
    this.width = Math.max(20, (stream.columns ?? 80) - 1);
  }

  log(line: string): void {
    if (this.multibar === undefined) this.stream.write(line);
    else this.multibar.log(line);
  }

  handle(port: string, e: FlashEvent): void {
    if (e.type !== 'phase-start' && e.type !== 'phase-progress' && e.type !== 'phase-end' && e.type !== 'phase-wait') return;
    let b = this.boards.get(port);
    if (b === undefined) {
      if (e.type !== 'phase-start') return;
      this.portWidth = Math.max(this.portWidth, port.length);
      const payload: BoardPayload = { port, phase: e.phase };
      b = { bar: this.bars().create(Math.max(0, e.totalBytes), 0, payload), payload, startedAt: this.clock.now(), total: e.totalBytes };
      this.boards.set(port, b);
    }
    if (e.type === 'phase-start') {
      b.payload = { port, phase: e.phase };
      b.startedAt = this.clock.now();
      b.total = e.totalBytes;
      b.bar.setTotal(Math.max(0, e.totalBytes));
      b.bar.update(0, b.payload);
    } else if (e.type === 'phase-progress') {
      if (b.payload.phase !== e.phase) return;
      b.payload.rate = rateOf(e.bytes, this.clock.now() - b.startedAt);
      b.payload.waited = undefined;
      b.bar.update(Math.min(e.bytes, b.total), b.payload);
    } else if (e.type === 'phase-wait') {
      if (b.payload.phase !== e.phase) return;
      b.payload.waited = `${Math.round(e.elapsedMs / 1000)} s of ~${Math.max(1, Math.round(e.expectedMs / 1000))} s`;
      b.bar.update(b.total > 0 ? Math.min(e.bytes, b.total) : 0, b.payload);
    } else if (b.payload.phase === e.phase) {
      b.payload.waited = undefined;
      b.payload.elapsedMs = e.elapsedMs;
      b.payload.rate = rateOf(e.bytes, e.elapsedMs);
      b.bar.update(b.total > 0 ? Math.min(e.bytes, b.total) : 0, b.payload);
    }
  }

  close(): void {
    this.boards.clear();
    const m = this.multibar;
    this.multibar = undefined;
    finishMultiBar(m);
  }

  private bars(): cliProgress.MultiBar {
    this.multibar ??= createMultiBar<BoardPayload>(this.stream, (params, payload) => this.render(params, payload));
    return this.multibar;
  }

  /** One line, never wider than the terminal. */
  render(params: { value: number; total: number }, p: BoardPayload): string {
    const s = this.style;
    const head = `${p.port.padEnd(this.portWidth)}  ${p.phase.padEnd(PHASE_WIDTH)}`;
    const fit = (t: string): string => (t.length > this.width ? t.slice(0, this.width) : t);
    const done = p.elapsedMs === undefined ? '' : `done in ${formatSeconds(p.elapsedMs)}`;
    if (params.total <= 0) {
      const line = fit(`${head} ${done === '' ? (p.waited ?? '...') : done}`);
      const rest = line.slice(head.length);
      return s.label(line.slice(0, head.length)) + (done === '' ? rest : s.done(rest));
    }
    const fraction = Math.min(1, params.value / params.total);
    const middle = ` ${`${Math.floor(fraction * 100)}%`.padStart(4)} ${params.value}/${params.total} B`;
    const rate = p.rate === undefined ? '' : formatRate(p.rate);
    let tail = done !== '' ? `  ${done}` : p.waited !== undefined ? `  ${p.waited}` : rate === '' ? '' : `  ${rate}`;
    if (done === '' && p.waited === undefined && p.rate !== undefined && p.rate > 0) tail += `  ETA ${formatEta((params.total - params.value) / p.rate)}`;
    const room = (t: string): number => this.width - head.length - 1 - middle.length - t.length;
    if (room(tail) < MIN_BAR_WIDTH) tail = done === '' ? '' : `  ${done}`;
    const barWidth = Math.min(BAR_WIDTH, room(tail));
    if (barWidth < MIN_BAR_WIDTH) return fit(`${head}${middle}${tail}`);
    const filled = Math.round(fraction * barWidth);
    const bar = '\u2588'.repeat(filled) + s.dim('\u2591'.repeat(barWidth - filled));
    return `${s.label(head)} ${bar}${middle}${done !== '' ? `  ${s.done(done)}` : tail}`;
  }
}
