/**
 * `dfu-flash download --all`: every matching board in parallel (downloadAll),
 * each with its own progress, its own result line and its own error. The
 * exit status is 0 only when every board succeeded.
 *
 * --json: events carry "board": "<portPath>"; the last line is
 *   {"type":"result","ok":...,"operation":"download","boards":[{portPath, serial, ok, bytes, elapsedMs, outcome?, error?}], "exitCode"?}
 */
import { DfuFlashError, isDfuFlashError } from '../../shared/errors.js';
import type { Emit } from '../../dfu/events.js';
import { boardErrorText, boardsExitStatus, comparePorts, errorJsonOf, tallyLine, toDfuFlashError, type BoardResult } from '../board-results.js';
import { loadFirmware, runDownload } from '../operations.js';
import type { DownloadInvocation } from './download.js';
import { boardPrefix, createBoardsReporter } from '../reporters/boards.js';
import { oneLine, summaryLine } from '../reporters/format.js';
import { toJsonLine } from '../reporters/json.js';
import type { CommandEnv } from './env.js';

function boardJson(b: BoardResult): Record<string, unknown> {
  return {
    portPath: b.portPath,
    serial: b.serial ?? null,
    ok: b.ok,
    bytes: b.result?.bytes ?? 0,
    elapsedMs: b.elapsedMs,
    ...(b.result?.outcome !== undefined && b.result.outcome !== '' ? { outcome: b.result.outcome } : {}),
    ...(b.result?.verified !== undefined ? { verified: b.result.verified } : {}),
    ...(b.result?.skipped !== undefined ? { skipped: b.result.skipped } : {}),
    ...(b.result?.plan !== undefined ? { plan: b.result.plan } : {}),
    ...(b.error !== undefined ? { error: errorJsonOf(b.error) } : {}),
  };
}

/** Download to every matching board in parallel, each with its own event stream; one result per board. */
async function downloadAll(inv: DownloadInvocation, env: CommandEnv, emitFor: (portPath: string) => Emit): Promise<BoardResult[]> {
  const { request } = inv;
  const image = await loadFirmware(request.file, request.format);
  const boards = await env.ops.findBoards({ backend: env.ctx.backend, selector: request.selector });
  if (boards.length === 0) {
    throw new DfuFlashError('NO_DEVICE', 'no DFU device matches the selection', { hint: '`dfu-flash list` shows the devices found' });
  }
  const clock = env.ctx.clock;
  return Promise.all(
    boards.map(async (board): Promise<BoardResult> => {
      const started = clock.now();
      const one = { ...request, selector: { ...request.selector, path: board.portPath, devnum: undefined } };
      try {
        const result = await runDownload(env.ops, env.ctx, one, emitFor(board.portPath), image);
        return { portPath: board.portPath, serial: result.device.serial ?? board.serial, ok: true, result, elapsedMs: Math.round(clock.now() - started) };
      } catch (e) {
        const error = isDfuFlashError(e)
          ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
          : { code: 'INTERNAL', message: (e as Error).message ?? String(e), details: {} };
        return { portPath: board.portPath, serial: board.serial, ok: false, error, elapsedMs: Math.round(clock.now() - started) };
      }
    }),
  );
}

export async function runDownloadAll(inv: DownloadInvocation, env: CommandEnv): Promise<number> {
  env.reporter.close();
  const { io } = env;
  const boards = await createBoardsReporter({ io, output: inv.output, clock: env.ctx.clock, style: env.style });
  let results: BoardResult[];
  try {
    results = await downloadAll(inv, env, (port) => boards.emitFor(port));
  } finally {
    boards.close();
  }
  results = [...results].sort((a, b) => comparePorts(a.portPath, b.portPath));
  const status = boardsExitStatus(results, env.platform);
  if (inv.output.json) {
    const ok = results.every((b) => b.ok);
    io.stdout.write(toJsonLine({ type: 'result', ok, operation: 'download', boards: results.map(boardJson), ...(ok ? {} : { exitCode: status }) }) + '\n');
  } else {
    for (const b of results) {
      if (b.result?.plan !== undefined) io.stdout.write(b.result.plan.map((l) => boardPrefix(b.portPath) + oneLine(l) + '\n').join(''));
    }
  }
  let text = '';
  for (const b of results) {
    if (!b.ok) text += boardErrorText(b.portPath, toDfuFlashError(b.error ?? { code: 'INTERNAL', message: 'failed' }, env.platform), env.style);
    else if (!inv.output.json && !inv.output.quiet && b.result !== undefined) text += boardPrefix(b.portPath) + summaryLine(b.result, io.cwd) + '\n';
  }
  if (!inv.output.json && !inv.output.quiet) text += tallyLine(results) + '\n';
  io.stderr.write(text);
  return status;
}
