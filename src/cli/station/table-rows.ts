/**
 * The station's live table on a terminal, as lines: a header, a row per
 * board (number, port, serial, phase and its bar, result, time) and the
 * totals. Pure: the table reporter redraws them; tests read them.
 *
 *     #  port   serial        phase     progress            result                        time
 *     3  1-2    3276365B3138  download  ███████░░░░░  58%                                 4.1 s
 *     2  1-1    3276365B3137  done      ████████████ 100%   ok, verified, left DFU mode   6.1 s
 *   ok 2 · failed 0 · 3 boards · 176 boards/hour · 1 in flight · waiting for boards
 */
import type { Style } from '../reporters/types.js';
import { formatRatePerHour } from './words.js';

export interface TableRow {
  number: number;
  port: string;
  serial?: string | undefined;
  /** 'waiting' (for a job slot), a phase name, 'done', 'failed'. */
  phase: string;
  /** Bytes done / total of the phase (total 0: no bar). */
  done: number;
  total: number;
  /** Empty while in flight. */
  result: string;
  elapsedMs: number;
  state: 'active' | 'ok' | 'failed';
}

export interface Totals {
  ok: number;
  failed: number;
  boards: number;
  perHour: number;
  inFlight: number;
  /** 'waiting for boards', 'stopping: boards in flight finish', … */
  state: string;
}

const BAR = 12;
const SERIAL = 14;
const PHASE = 9;

export class TableLayout {
  portWidth = 5;

  constructor(
    private readonly columns: number,
    private readonly style: Style,
  ) {}

  private get width(): number {
    return Math.max(40, this.columns - 1);
  }

  private fit(line: string): string {
    return line.length > this.width ? line.slice(0, this.width - 1) + '…' : line;
  }

  header(): string {
    return this.style.dim(this.fit(`${'#'.padStart(4)}  ${'port'.padEnd(this.portWidth)}  ${'serial'.padEnd(SERIAL)}  ${'phase'.padEnd(PHASE)} ${'progress'.padEnd(BAR + 5)}  result`));
  }

  row(r: TableRow): string {
    this.portWidth = Math.max(this.portWidth, r.port.length);
    const serial = (r.serial ?? '-').length > SERIAL ? (r.serial ?? '').slice(0, SERIAL - 1) + '…' : (r.serial ?? '-');
    const head = `${String(r.number).padStart(4)}  ${r.port.padEnd(this.portWidth)}  ${serial.padEnd(SERIAL)}  ${r.phase.padEnd(PHASE)}`;
    let bar = ' '.repeat(BAR + 5);
    if (r.total > 0) {
      const fraction = Math.min(1, r.done / r.total);
      const filled = Math.round(fraction * BAR);
      bar = '\u2588'.repeat(filled) + '\u2591'.repeat(BAR - filled) + `${Math.floor(fraction * 100)}%`.padStart(5);
    }
    const time = `${(r.elapsedMs / 1000).toFixed(1)} s`.padStart(8);
    const room = this.width - head.length - 1 - bar.length - 2 - time.length;
    const result = r.result.length > room ? r.result.slice(0, Math.max(0, room - 1)) + (room > 0 ? '…' : '') : r.result.padEnd(Math.max(0, room));
    const s = this.style;
    const coloured = r.state === 'ok' ? s.done(result) : r.state === 'failed' ? s.error(result) : result;
    const line = `${head} ${bar}  ${result}${time}`;
    if (line.length > this.width) return this.fit(line);
    return `${s.label(head)} ${bar.replace(/\u2591+/, (m) => s.dim(m))}  ${coloured}${time}`;
  }

  totals(t: Totals): string {
    const line = `ok ${t.ok} · failed ${t.failed} · ${t.boards} board${t.boards === 1 ? '' : 's'} · ${formatRatePerHour(t.perHour)} · ${t.inFlight} in flight · ${t.state}`;
    return this.style.label(this.fit(line));
  }
}
