/**
 * The station off a terminal (logs, pipes): one line per board event on
 * stderr, each prefixed "[port #n] ", no colour codes unless the style has them:
 *
 *   station: listening: DFU-mode boards that match are flashed as they arrive (Ctrl-C to stop)
 *   [1-1 #1] arrived: 0483:df11 serial 3276365B3138
 *   [1-1 #1] flashing
 *   [1-1 #1] erase: start (32768 bytes)
 *   [1-1 #1] erase: done, 32768 bytes in 0.51 s (62.7 KiB/s)
 *   [1-1 #1] ok: Downloaded 20480 bytes to 0483:df11 (1-1) alt 0 in 1.90 s, verified; device left DFU mode
 *   [1-1 #1] dfu-flash: warning: came back to the bootloader (0483:df11 serial 3276365B3138) …
 *   [1-2 #2] dfu-flash: error: … / [1-2 #2]   hint: …
 *   station: 2 boards in 4.10 s: 1 ok, 1 failed (#2 1-2); 1 came back to the bootloader; 1756 boards/hour
 *
 * --quiet: board errors only. With --json, errors and warnings (the events are on stdout).
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { Clock } from '../../transport/clock.js';
import { withGuidance } from '../hints.js';
import type { CliWriter } from '../io.js';
import { oneLine } from '../reporters/format.js';
import { PlainProgress } from '../reporters/plain-progress.js';
import type { Style } from '../reporters/types.js';
import type { StationReporter } from './report-types.js';
import { boardTag, deviceWords, okWords, returnedWords, skippedWords, stoppingWords, totalsLine, type StationCliEvent } from './words.js';

export interface LinesOptions {
  out: CliWriter;
  clock: Clock;
  style: Style;
  cwd: string;
  platform: NodeJS.Platform;
  /** 'errors': board errors only (--quiet); 'warnings': errors and warnings (--json); 'all'. */
  level: 'errors' | 'warnings' | 'all';
  verbose: number;
  /** Ctrl-C can be pressed (a terminal on stdin): say what a second one does. */
  interactive: boolean;
}

/** "dfu-flash: error: …" and its hint, each prefixed. */
export function errorLines(prefix: string, error: DfuFlashError, style: Style, platform: NodeJS.Platform): string {
  const e = withGuidance(error, platform);
  let text = `${prefix}dfu-flash: ${style.error('error:')} ${oneLine(e.message)}\n`;
  if (e.hint !== undefined && e.hint !== '') text += `${prefix}  ${style.hint('hint:')} ${oneLine(e.hint)}\n`;
  return text;
}

export function warningLines(prefix: string, message: string, hint: string | undefined, style: Style): string {
  let text = `${prefix}dfu-flash: ${style.warning('warning:')} ${oneLine(message)}\n`;
  if (hint !== undefined && hint !== '') text += `${prefix}  ${style.hint('hint:')} ${oneLine(hint)}\n`;
  return text;
}

export class LinesStationReporter implements StationReporter {
  private readonly progress = new Map<number, PlainProgress>();

  constructor(private readonly o: LinesOptions) {}

  private say(text: string): void {
    this.o.out.write(text);
  }

  handle(e: StationCliEvent): void {
    const { style } = this.o;
    if (e.type === 'board-finished' && !e.ok) {
      this.progress.delete(e.board.number);
      this.say(errorLines(boardTag(e.board), e.error, style, this.o.platform));
      return;
    }
    if (this.o.level === 'errors') return;
    const warning = e.type === 'station-warning' || e.type === 'board-skipped' || (e.type === 'board-returned' && e.as === 'bootloader') || (e.type === 'board-event' && e.event.type === 'warning');
    if (this.o.level === 'warnings' && !warning) return;
    switch (e.type) {
      case 'station-listening':
        this.say(`station: listening: DFU-mode boards that match are flashed as they arrive${this.o.interactive ? ' (Ctrl-C to stop)' : ''}\n`);
        return;
      case 'board-arrived':
        this.say(`${boardTag(e.board)}arrived: ${deviceWords(e.board)}\n`);
        return;
      case 'board-started': {
        const tag = boardTag(e.board);
        this.progress.set(e.board.number, new PlainProgress((s) => this.say(tag + s), this.o.clock));
        this.say(`${tag}flashing\n`);
        return;
      }
      case 'board-event': {
        const ev = e.event;
        const tag = boardTag(e.board);
        if (ev.type === 'warning') this.say(warningLines(tag, ev.message, ev.hint, style));
        else if (ev.type === 'debug') {
          if (this.o.verbose > 0) this.say(tag + style.dim(`debug: ${oneLine(ev.message)}`) + '\n');
        } else if (ev.type !== 'phase-progress') this.progress.get(e.board.number)?.handle(ev);
        return;
      }
      case 'board-finished':
        this.progress.delete(e.board.number);
        this.say(`${boardTag(e.board)}${style.done('ok:')} ${okWords(e.result.detail, this.o.cwd)}\n`);
        return;
      case 'board-left':
        this.say(`${boardTag(e.board)}${e.why === 'unplugged' ? 'pulled out before it was flashed' : 'not flashed: the station is stopping'}\n`);
        return;
      case 'board-returned': {
        const w = returnedWords(e);
        this.say(e.as === 'bootloader' ? warningLines(boardTag(e.board), w.message, w.hint, style) : `${boardTag(e.board)}${w.message}\n`);
        return;
      }
      case 'board-skipped': {
        const w = skippedWords(e.device, e.flashedAs);
        this.say(warningLines(`[${e.device.portPath}] `, w.message, w.hint, style));
        return;
      }
      case 'station-stopping':
        this.say(stoppingWords(e, this.o.interactive) + '\n');
        return;
      case 'station-aborting':
        this.say(`station: aborting ${e.inFlight} board${e.inFlight === 1 ? '' : 's'} in flight: each stops at a block boundary, back in dfuIDLE\n`);
        return;
      case 'station-warning':
        this.say(warningLines('station: ', e.message, e.hint, style));
        return;
    }
  }

  finish(summary: Parameters<StationReporter['finish']>[0], failed: Parameters<StationReporter['finish']>[1]): void {
    if (this.o.level === 'all') this.say(totalsLine(summary, failed) + '\n');
  }

  close(): void {}
}
