/**
 * Pick and combine the reporters for one run:
 *   --json           NDJSON events and the result line on stdout
 *   stderr is a TTY  progress bars (cli-progress, loaded only then)
 *   otherwise        plain progress lines
 *   --quiet          nothing but errors; -v adds debug lines
 * Warnings go to stderr unless --quiet; the summary sentence unless --json or --quiet.
 */
import type { FlashEvent } from '../../dfu/events.js';
import type { CliResult as OperationResult } from '../results.js';
import type { Clock } from '../../transport/clock.js';
import type { OutputOptions } from '../invocation.js';
import type { CliIo } from '../io.js';
import { oneLine, summaryLine, type ResultKind } from './format.js';
import { eventJson, resultJson, toJsonLine } from './json.js';
import { PlainProgress } from './plain-progress.js';
import type { LineSink, Reporter, Style } from './types.js';

interface ProgressSink {
  handle(e: FlashEvent): void;
  close(): void;
}

export interface ReporterOptions {
  io: CliIo;
  output: OutputOptions;
  clock: Clock;
  style: Style;
  /** false: plain progress lines even on a terminal (commands without transfers, e.g. list: no cli-progress to load). */
  bars?: boolean | undefined;
}

/** Progress bars only on a real terminal. */
export function wantsBars(io: CliIo): boolean {
  return io.stderrIsTTY && io.env['TERM'] !== 'dumb';
}

export async function createReporter(o: ReporterOptions): Promise<Reporter> {
  const { io, output, clock, style } = o;
  let line: LineSink = (s) => void io.stderr.write(s);
  let progress: ProgressSink | undefined;
  if (!output.json && !output.quiet) {
    if (wantsBars(io) && o.bars !== false) {
      const { TtyProgress } = await import('./tty-progress.js');
      const stream = { write: (s: string) => io.stderr.write(s), isTTY: true as const, columns: io.stderrColumns };
      const tty = new TtyProgress(stream, clock, style);
      line = (s) => tty.log(s);
      progress = tty;
    } else {
      const plain = new PlainProgress((s) => line(s), clock);
      progress = { handle: (e) => plain.handle(e), close: () => {} };
    }
  }
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    progress?.close();
  };
  let plannedSectors: number | undefined;
  const emit = (e: FlashEvent): void => {
    if (output.json) io.stdout.write(toJsonLine(eventJson(e)) + '\n');
    if (e.type === 'plan-ready' && e.plan.protocol === 'dfuse' && !e.plan.massErase) plannedSectors = (plannedSectors ?? 0) + e.plan.erase.length;
    if (e.type === 'warning') {
      if (output.quiet) return;
      line(`dfu-flash: ${style.warning('warning:')} ${oneLine(e.message)}\n`);
      if (e.hint !== undefined && e.hint !== '') line(`  ${style.hint('hint:')} ${oneLine(e.hint)}\n`);
    } else if (e.type === 'debug') {
      if (output.verbose > 0 && !output.quiet) line(style.dim(`debug: ${oneLine(e.message)}`) + '\n');
    } else {
      if (!closed) progress?.handle(e);
    }
  };
  return {
    emit,
    close,
    result(r: OperationResult, kind?: ResultKind): void {
      close();
      if (output.json) io.stdout.write(toJsonLine(resultJson(r, kind)) + '\n');
      else if (!output.quiet) io.stderr.write(summaryLine(r, io.cwd, { plannedSectors }, kind) + '\n');
    },
  };
}
