/**
 * `dfu-flash run plan.json`: the plan's steps on one board, or with --all
 * (or "all": true) on every matching board in parallel. Progress per board
 * as for download --all; then one line per step and board:
 *
 *   [1-1] step 1 download: Downloaded 60000 bytes to 0483:df11 (1-1) alt 0 in 1.20 s
 *   [1-2] dfu-flash: error: step 1 download: <message>
 *   [1-2]   hint: <hint>
 *   [1-2] steps 2-3 not run
 *   2 boards: 1 ok, 1 failed (1-2)
 *
 * --json: events carry "board"; the last line is
 *   {"type":"result","ok":...,"operation":"run","plan":"<file>","boards":[{portPath, serial, ok, elapsedMs, steps:[{step, kind, ok, elapsedMs, bytes?, outcome?, file?, error?}]}], "exitCode"?}
 */
import { runPlan, type PlanBoardResult, type StepResult } from '../plan-run.js';
import { boardErrorText, boardsExitStatus, comparePorts, errorJsonOf, tallyLine, toDfuFlashError, type BoardOutcome } from '../board-results.js';
import type { RunInvocation } from '../invocation.js';
import { boardPrefix, createBoardsReporter } from '../reporters/boards.js';
import { summaryLine, type ResultKind } from '../reporters/format.js';
import { toJsonLine } from '../reporters/json.js';
import type { CommandEnv } from './env.js';

const KIND_LABEL: Partial<Record<StepResult['kind'], ResultKind>> = { leave: 'leave', reset: 'reset' };

function stepJson(s: StepResult): Record<string, unknown> {
  const r = s.result;
  return {
    step: s.step,
    kind: s.kind,
    ok: s.ok,
    elapsedMs: s.elapsedMs,
    ...(r !== undefined ? { bytes: r.bytes } : {}),
    ...(r?.outcome !== undefined && r.outcome !== '' ? { outcome: r.outcome } : {}),
    ...(r?.file !== undefined ? { file: r.file } : {}),
    ...(r?.verified !== undefined ? { verified: r.verified } : {}),
    ...(r?.skipped !== undefined ? { skipped: r.skipped } : {}),
    ...(s.error !== undefined ? { error: errorJsonOf(s.error) } : {}),
  };
}

function outcomeOf(b: PlanBoardResult): BoardOutcome {
  const failed = b.steps.find((s) => !s.ok);
  return { portPath: b.portPath, ok: b.ok, error: failed?.error };
}

export async function runPlanCommand(inv: RunInvocation, env: CommandEnv): Promise<number> {
  env.reporter.close();
  const { io } = env;
  const reporter = await createBoardsReporter({ io, output: inv.output, clock: env.ctx.clock, style: env.style });
  let results: PlanBoardResult[];
  try {
    results = await runPlan(env.ops, inv.plan, env.ctx, (port) => reporter.emitFor(port));
  } finally {
    reporter.close();
  }
  results = [...results].sort((a, b) => comparePorts(a.portPath, b.portPath));
  const outcomes = results.map(outcomeOf);
  const status = boardsExitStatus(outcomes, env.platform);
  const ok = outcomes.every((b) => b.ok);
  if (inv.output.json) {
    const boards = results.map((b) => ({ portPath: b.portPath, serial: b.serial ?? null, ok: b.ok, elapsedMs: b.elapsedMs, steps: b.steps.map(stepJson) }));
    io.stdout.write(toJsonLine({ type: 'result', ok, operation: 'run', plan: inv.planFile, boards, ...(ok ? {} : { exitCode: status }) }) + '\n');
  }
  const talk = !inv.output.json && !inv.output.quiet;
  const total = inv.plan.steps.length;
  let text = '';
  for (const b of results) {
    const prefix = boardPrefix(b.portPath);
    for (const s of b.steps) {
      const what = `step ${s.step} ${s.kind}: `;
      if (!s.ok) text += boardErrorText(b.portPath, toDfuFlashError(s.error ?? { code: 'INTERNAL', message: 'failed' }, env.platform), env.style, what);
      else if (talk && s.result !== undefined) text += `${prefix}${what}${summaryLine(s.result, io.cwd, {}, KIND_LABEL[s.kind])}\n`;
    }
    const done = b.steps.length;
    if (talk && done < total) text += `${prefix}${done + 1 === total ? `step ${total}` : `steps ${done + 1}-${total}`} not run\n`;
  }
  if (talk) text += tallyLine(outcomes) + '\n';
  io.stderr.write(text);
  return status;
}
