/**
 * `dfu-flash station`: load the firmware (or the plan's files) and open the
 * log — every mistake before the first USB transfer — then run the station
 * engine (src/station) with the CLI's reporters, one log line per finished
 * board, and Ctrl-C: the first stops taking boards (those in flight finish),
 * the second aborts those in flight (back in dfuIDLE). Exit status: 0 when no
 * board failed, else that of the first board that failed (as --all).
 */
import type { DfuFlashError } from '../../shared/errors.js';
import { createStation, type StationBoard } from '../../station/index.js';
import { exitCodeFor } from '../exit-codes.js';
import { withGuidance } from '../hints.js';
import { displayPath } from '../reporters/format.js';
import { wantsBars } from '../reporters/create.js';
import type { CommandEnv } from '../commands/env.js';
import type { StationInvocation } from '../commands/station.js';
import { BoardPhases } from './board-phases.js';
import { stationJob } from './jobs.js';
import { StationLog } from './log-file.js';
import { logRecord } from './log-record.js';
import { JsonStationReporter } from './report-json.js';
import { LinesStationReporter } from './report-lines.js';
import type { StationReporter } from './report-types.js';
import type { StationCliEvent } from './words.js';

async function reportersFor(inv: StationInvocation, env: CommandEnv): Promise<StationReporter[]> {
  const { io, style } = env;
  const { json, quiet, verbose } = inv.output;
  const out: StationReporter[] = json ? [new JsonStationReporter(io.stdout)] : [];
  const lines = (level: 'errors' | 'warnings' | 'all') =>
    new LinesStationReporter({ out: io.stderr, clock: env.ctx.clock, style, cwd: io.cwd, platform: env.platform, level, verbose, interactive: io.stderrIsTTY });
  if (quiet) out.push(lines('errors'));
  else if (json) out.push(lines('warnings'));
  else if (wantsBars(io)) {
    const { TableStationReporter } = await import('./report-table.js');
    out.push(new TableStationReporter({ stream: { write: (s: string) => io.stderr.write(s), isTTY: true, columns: io.stderrColumns }, clock: env.ctx.clock, style, platform: env.platform, verbose }));
  } else out.push(lines('all'));
  return out;
}

export async function runStation(inv: StationInvocation, env: CommandEnv): Promise<number> {
  env.reporter.close();
  const { ctx, io } = env;
  const { job, files } = await stationJob(inv.work, env);
  const log = inv.logFile === undefined ? undefined : await StationLog.open(inv.logFile, displayPath(inv.logFile, io.cwd));
  let reporters: StationReporter[] = [];
  let stopInterrupts: (() => void) | undefined;
  try {
    reporters = await reportersFor(inv, env);
    const phases = new BoardPhases();
    const failed: StationBoard[] = [];
    let firstFailure: DfuFlashError | undefined;
    let logFailure: DfuFlashError | undefined;
    const report = (e: StationCliEvent): void => {
      for (const r of reporters) r.handle(e);
    };
    const station = createStation({
      backend: ctx.backend,
      clock: ctx.clock,
      selector: inv.selector,
      job,
      jobs: inv.jobs,
      count: inv.count,
      timeoutMs: inv.timeoutMs,
      again: inv.again,
      listDevices: (o) => env.ops.listDevices(o),
      onEvent: (e) => {
        if (e.type === 'board-event') phases.handle(e.board.number, e.event);
        if (e.type === 'board-finished') {
          const seen = phases.take(e.board.number);
          if (!e.ok) {
            failed.push(e.board);
            firstFailure ??= e.error;
          }
          void log?.append(logRecord(e, seen, new Date(), files)).then(() => {
            if (log.error === undefined || logFailure !== undefined) return;
            logFailure = log.error;
            report({ type: 'station-warning', message: log.error.message, hint: 'the station stops: boards in flight finish, no new ones are taken' });
            station.stop();
          });
        }
        report(e);
      },
    });
    let presses = 0;
    stopInterrupts = (env.interrupts ?? (await import('./interrupts.js')).processInterrupts)(() => {
      presses++;
      if (presses === 1) station.stop();
      else station.abort();
    });
    const summary = await station.run();
    stopInterrupts();
    stopInterrupts = undefined;
    await log?.close();
    const failure = firstFailure ?? logFailure;
    const status = failure === undefined ? 0 : exitCodeFor(withGuidance(failure, env.platform));
    for (const r of reporters) r.finish(summary, failed, status);
    return status;
  } finally {
    stopInterrupts?.();
    for (const r of reporters) r.close();
    await log?.close();
  }
}
