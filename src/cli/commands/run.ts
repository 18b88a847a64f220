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
 *
 * The plan file itself is checked by plan-file.ts (every mistake names its JSON path).
 */
import type { DeviceCommand } from '../command.js';
import type { Common } from '../invocation.js';
import { addCommon, addSelection, addTransferTimeout } from '../program-options.js';
import type { FlashPlan } from '../requests.js';
import type { CommandEnv } from './env.js';
import type { PlanBoardResult, StepResult } from '../plan-run.js';

/** `run plan.json`: a validated plan file. */
export interface RunInvocation extends Common {
  command: 'run';
  /** The plan file (absolute). */
  planFile: string;
  plan: FlashPlan;
}

export const run: DeviceCommand<RunInvocation> = {
  kind: 'device',
  name: 'run',
  args: '<plan>',
  summary: 'run a plan file (JSON): steps such as detach, download, upload, leave on one board or --all',
  examples: `
Examples:
  dfu-flash run plan.json                                      one board
  dfu-flash run plan.json --all --json                         every matching board in parallel, NDJSON
  dfu-flash run plan.json --simulate stm32f4-sysboot,stm32f4-sysboot --all

Plan file (file names are relative to the plan; {port} and {serial} name each board):
  { "device": ",0483:df11", "all": true, "steps": [
      { "download": { "file": "fw.bin", "alt": 0, "address": "0x08000000", "verify": true } },
      { "upload": { "file": "dump-{serial}.bin", "address": "0x08000000:4096", "force": true } },
      { "leave": {} } ] }`,
  options: (cmd) =>
    addTransferTimeout(addCommon(addSelection(cmd)))
      .option('--all', 'run the plan on every matching board in parallel')
      .option('--wait-timeout <s>', "seconds to wait for a board to come back in DFU mode after a detach (default: the plan's waitTimeoutMs, else 10)"),
  async validate(raw, cwd) {
    const { z } = await import('zod');
    const s = await import('../schema.js');
    const [{ DfuFlashError }, { loadPlanFile }, { displayPath }] = await Promise.all([import('../../shared/errors.js'), import('../plan-file.js'), import('../reporters/format.js')]);
    const v = s.check(z.object({ ...s.selection, ...s.common, ...s.timeout, file: z.string().min(1, 'the plan file name is empty'), all: z.boolean().optional(), waitTimeout: s.waitTimeout }).strict(), s.withFile(raw));
    const planFile = s.resolve(cwd, v.file);
    const plan = loadPlanFile(
      planFile,
      { selector: s.toSelector(v), ...(v.all === true ? { all: true } : {}), ...(v.waitTimeout !== undefined ? { waitTimeoutMs: v.waitTimeout } : {}) },
      displayPath(planFile, cwd),
    );
    if (plan.all && v.index !== undefined) {
      throw new DfuFlashError('USAGE', '--all and -N/--index contradict each other: -N chooses one device', { hint: 'drop -N, or run without --all' });
    }
    return s.finishDevice({ command: 'run' as const, planFile, plan, output: s.toOutput(v) }, v, cwd);
  },
  preflight: async (inv, cwd) => (await import('../preflight.js')).checkPlanFiles(inv, cwd),
  atPath: (inv, path) => ({ ...inv, plan: { ...inv.plan, selector: { ...inv.plan.selector, path } } }),
  progress: () => 'none',
  run: (inv, env) => runPlanCommand(inv, env),
};

async function modules() {
  const [boards, plan, reportersBoards, format, json] = await Promise.all([
    import('../board-results.js'),
    import('../plan-run.js'),
    import('../reporters/boards.js'),
    import('../reporters/format.js'),
    import('../reporters/json.js'),
  ]);
  return { ...boards, ...plan, ...reportersBoards, ...format, ...json };
}

const KIND_LABEL: Partial<Record<StepResult['kind'], 'leave' | 'reset'>> = { leave: 'leave', reset: 'reset' };

function stepJson(s: StepResult, errorJsonOf: (e: NonNullable<StepResult['error']>) => unknown): Record<string, unknown> {
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

function outcomeOf(b: PlanBoardResult) {
  const failed = b.steps.find((s) => !s.ok);
  return { portPath: b.portPath, ok: b.ok, error: failed?.error };
}

async function runPlanCommand(inv: RunInvocation, env: CommandEnv): Promise<number> {
  const { boardErrorText, boardsExitStatus, comparePorts, errorJsonOf, tallyLine, toDfuFlashError, runPlan, boardPrefix, createBoardsReporter, summaryLine, toJsonLine } = await modules();
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
    const boards = results.map((b) => ({ portPath: b.portPath, serial: b.serial ?? null, ok: b.ok, elapsedMs: b.elapsedMs, steps: b.steps.map((st) => stepJson(st, errorJsonOf)) }));
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
