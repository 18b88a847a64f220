/**
 * Output for several boards at once (`download --all`, `run`): each board
 * gets its own event stream, named by its port path.
 *   --json           NDJSON events on stdout, each with "board": "<portPath>"
 *   stderr is a TTY  one progress bar per board, labelled by port path
 *   otherwise        plain progress lines prefixed "[1-2] "
 * Warnings (and debug lines with -v) go to stderr with the same prefix
 * unless --quiet. The results are printed by the command afterwards.
 */
import type { Emit, FlashEvent } from '../../dfu/events.js';
import type { Clock } from '../../transport/clock.js';
import type { OutputOptions } from '../invocation.js';
import type { CliIo } from '../io.js';
import { wantsBars } from './create.js';
import { oneLine } from './format.js';
import { eventJson, toJsonLine } from './json.js';
import { PlainProgress } from './plain-progress.js';
import type { LineSink, Style } from './types.js';

export interface BoardsReporter {
  /** The event sink for one board (the use case calls it once per board). */
  emitFor(portPath: string): Emit;
  /** A line for people on stderr (above the bars while they are drawn). */
  line(text: string): void;
  /** Stop drawing; safe to call twice. */
  close(): void;
}

export interface BoardsReporterOptions {
  io: CliIo;
  output: OutputOptions;
  clock: Clock;
  style: Style;
}

/** "[1-2] " */
export function boardPrefix(portPath: string): string {
  return `[${portPath}] `;
}

interface BoardProgress {
  handle(portPath: string, e: FlashEvent): void;
  close(): void;
}

export async function createBoardsReporter(o: BoardsReporterOptions): Promise<BoardsReporter> {
  const { io, output, style } = o;
  let line: LineSink = (s) => void io.stderr.write(s);
  let progress: BoardProgress | undefined;
  if (!output.json && !output.quiet) {
    if (wantsBars(io)) {
      const { BoardBars } = await import('./board-bars.js');
      const bars = new BoardBars({ write: (s: string) => io.stderr.write(s), isTTY: true, columns: io.stderrColumns }, o.clock, style);
      line = (s) => bars.log(s);
      progress = bars;
    } else {
      const plain = new Map<string, PlainProgress>();
      progress = {
        handle: (port, e) => {
          let p = plain.get(port);
          if (p === undefined) {
            p = new PlainProgress((s) => line(boardPrefix(port) + s), o.clock);
            plain.set(port, p);
          }
          p.handle(e);
        },
        close: () => {},
      };
    }
  }
  let closed = false;
  return {
    emitFor(portPath: string): Emit {
      const prefix = boardPrefix(portPath);
      return (e) => {
        if (output.json) io.stdout.write(toJsonLine({ ...(eventJson(e) as object), board: portPath }) + '\n');
        if (e.type === 'warning') {
          if (output.quiet) return;
          line(`${prefix}dfu-flash: ${style.warning('warning:')} ${oneLine(e.message)}\n`);
          if (e.hint !== undefined && e.hint !== '') line(`${prefix}  ${style.hint('hint:')} ${oneLine(e.hint)}\n`);
        } else if (e.type === 'debug') {
          if (output.verbose > 0 && !output.quiet) line(prefix + style.dim(`debug: ${oneLine(e.message)}`) + '\n');
        } else if (!closed) {
          progress?.handle(portPath, e);
        }
      };
    },
    line: (text) => line(text),
    close() {
      if (closed) return;
      closed = true;
      progress?.close();
    },
  };
}
