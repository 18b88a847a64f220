/**
 * The station on a terminal: a live table (cli-progress redraws it) with a
 * row per board in flight and the totals at the bottom; a board that
 * finishes leaves the live region as a permanent row above it (with its error
 * and fix underneath when it failed), so hours of boards scroll by while the
 * live region stays as tall as the boards in flight. Warnings and notices
 * (came back to the bootloader, already flashed, stopping) print above too.
 */
import cliProgress from 'cli-progress';
import type { Clock } from '../../transport/clock.js';
import { createMultiBar, finishMultiBar } from '../reporters/multibar.js';
import type { TtyStream } from '../reporters/tty-progress.js';
import type { Style } from '../reporters/types.js';
import { errorLines, warningLines } from './report-lines.js';
import type { StationReporter } from './report-types.js';
import { TableLayout, type TableRow, type Totals } from './table-rows.js';
import { boardTag, returnedWords, shortOk, skippedWords, stoppingWords, totalsLine, type StationCliEvent } from './words.js';

type Line = { kind: 'row'; row: TableRow; startedAt: number } | { kind: 'totals' };

export interface TableOptions {
  stream: TtyStream;
  clock: Clock;
  style: Style;
  platform: NodeJS.Platform;
  verbose: number;
}

export class TableStationReporter implements StationReporter {
  private readonly layout: TableLayout;
  private readonly multibar: cliProgress.MultiBar;
  private readonly rows = new Map<number, { bar: cliProgress.SingleBar; line: Line & { kind: 'row' } }>();
  private totalsBar: cliProgress.SingleBar | undefined;
  private readonly totals: Totals = { ok: 0, failed: 0, boards: 0, perHour: 0, inFlight: 0, state: 'starting' };
  private readonly startedAt: number;
  private closed = false;

  constructor(private readonly o: TableOptions) {
    this.layout = new TableLayout(o.stream.columns ?? 100, o.style);
    this.multibar = createMultiBar<Line>(o.stream, (_params, line) => this.render(line));
    this.startedAt = o.clock.now();
    this.multibar.log(this.layout.header() + '\n');
    this.placeTotals();
  }

  private render(line: Line): string {
    if (line.kind === 'totals') {
      const hours = (this.o.clock.now() - this.startedAt) / 3_600_000;
      this.totals.perHour = this.totals.boards > 0 && hours > 0 ? this.totals.boards / hours : 0;
      this.totals.inFlight = [...this.rows.values()].filter((r) => r.line.row.phase !== 'waiting').length;
      return this.layout.totals(this.totals);
    }
    if (line.row.state === 'active') line.row.elapsedMs = line.row.phase === 'waiting' ? 0 : this.o.clock.now() - line.startedAt;
    return this.layout.row(line.row);
  }

  /** The totals line goes last: recreated below the newest row. */
  private placeTotals(): void {
    if (this.totalsBar !== undefined) this.multibar.remove(this.totalsBar);
    this.totalsBar = this.multibar.create(1, 0, { kind: 'totals' } satisfies Line);
  }

  private log(text: string): void {
    this.multibar.log(text);
  }

  handle(e: StationCliEvent): void {
    if (this.closed) return;
    const s = this.o.style;
    switch (e.type) {
      case 'station-listening':
        this.totals.state = 'waiting for boards (Ctrl-C to stop)';
        return;
      case 'board-arrived': {
        const line: Line & { kind: 'row' } = {
          kind: 'row',
          row: { number: e.board.number, port: e.board.portPath, serial: e.board.serial, phase: 'waiting', done: 0, total: 0, result: '', elapsedMs: 0, state: 'active' },
          startedAt: this.o.clock.now(),
        };
        this.rows.set(e.board.number, { bar: this.multibar.create(1, 0, line), line });
        this.placeTotals();
        return;
      }
      case 'board-started': {
        const r = this.rows.get(e.board.number);
        if (r !== undefined) {
          r.line.startedAt = this.o.clock.now();
          r.line.row.phase = 'starting';
        }
        return;
      }
      case 'board-event': {
        const ev = e.event;
        const r = this.rows.get(e.board.number);
        if (ev.type === 'warning') this.log(warningLines(boardTag(e.board), ev.message, ev.hint, s));
        else if (ev.type === 'debug') {
          if (this.o.verbose > 0) this.log(boardTag(e.board) + s.dim(`debug: ${ev.message}`) + '\n');
        } else if (r !== undefined && ev.type === 'phase-start') Object.assign(r.line.row, { phase: ev.phase, done: 0, total: Math.max(0, ev.totalBytes) });
        else if (r !== undefined && (ev.type === 'phase-progress' || ev.type === 'phase-end') && r.line.row.phase === ev.phase) r.line.row.done = ev.bytes;
        return;
      }
      case 'board-finished': {
        const r = this.rows.get(e.board.number);
        this.rows.delete(e.board.number);
        if (r !== undefined) this.multibar.remove(r.bar);
        const row: TableRow = r?.line.row ?? { number: e.board.number, port: e.board.portPath, serial: e.board.serial, phase: '', done: 0, total: 0, result: '', elapsedMs: 0, state: 'active' };
        Object.assign(row, { elapsedMs: e.elapsedMs, state: e.ok ? 'ok' : 'failed', phase: e.ok ? 'done' : `failed`, result: e.ok ? shortOk(e.result.detail) : `${e.error.code}: ${e.error.message}` });
        if (e.ok) {
          this.totals.ok++;
          if (row.total > 0) row.done = row.total;
        } else this.totals.failed++;
        this.totals.boards++;
        this.log(this.layout.row(row) + '\n' + (e.ok ? '' : errorLines('      ', e.error, s, this.o.platform)));
        return;
      }
      case 'board-left': {
        const r = this.rows.get(e.board.number);
        this.rows.delete(e.board.number);
        if (r !== undefined) this.multibar.remove(r.bar);
        this.log(`${boardTag(e.board)}${e.why === 'unplugged' ? 'pulled out before it was flashed' : 'not flashed: the station is stopping'}\n`);
        return;
      }
      case 'board-returned': {
        const w = returnedWords(e);
        this.log(e.as === 'bootloader' ? warningLines(boardTag(e.board), w.message, w.hint, s) : `${boardTag(e.board)}${w.message}\n`);
        return;
      }
      case 'board-skipped': {
        const w = skippedWords(e.device, e.flashedAs);
        this.log(warningLines(`[${e.device.portPath}] `, w.message, w.hint, s));
        return;
      }
      case 'station-stopping':
        this.totals.state = 'stopping: boards in flight finish';
        this.log(stoppingWords(e, true) + '\n');
        return;
      case 'station-aborting':
        this.totals.state = 'aborting';
        this.log(`station: aborting ${e.inFlight} board${e.inFlight === 1 ? '' : 's'} in flight: each stops at a block boundary, back in dfuIDLE\n`);
        return;
      case 'station-warning':
        this.log(warningLines('station: ', e.message, e.hint, s));
        return;
    }
  }

  finish(summary: Parameters<StationReporter['finish']>[0], failed: Parameters<StationReporter['finish']>[1]): void {
    this.close();
    this.o.stream.write(totalsLine(summary, failed) + '\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // the totals line stays on the screen as it was last drawn
    for (const r of this.rows.values()) this.multibar.remove(r.bar);
    this.rows.clear();
    finishMultiBar(this.multibar);
  }
}
