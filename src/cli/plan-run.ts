/**
 * Plan files for CI: the same steps on one board or on every matching board.
 * Each board runs its steps in order and stops at its first failure; boards
 * run in parallel and do not stop each other. Each step may have a timeout.
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import type { Emit } from '../dfu/events.js';
import type { ListedDevice, OpContext } from '../ops/types.js';
import type { OpsApi } from './io.js';
import { runDetach, runDownload, runLeave, runUpload } from './operations.js';
import type { FlashPlan, PlanStep } from './requests.js';
import type { CliResult } from './results.js';

export interface StepResult {
  step: number;
  kind: PlanStep['kind'];
  ok: boolean;
  elapsedMs: number;
  result?: CliResult | undefined;
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}

export interface PlanBoardResult {
  portPath: string;
  serial?: string | undefined;
  ok: boolean;
  steps: StepResult[];
  elapsedMs: number;
}

function fill(template: string, board: ListedDevice): string {
  return template.replaceAll('{port}', board.portPath).replaceAll('{serial}', board.serial ?? 'noserial');
}

async function withTimeout<T>(ctx: OpContext, ms: number | undefined, what: string, work: Promise<T>): Promise<T> {
  if (ms === undefined) return work;
  let timer: Promise<never> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = ctx.clock.sleep(ms).then(() => {
      throw new DfuFlashError('TIMEOUT', `${what} took longer than its timeout of ${ms} ms`, { hint: 'raise timeoutMs for this step in the plan, or check the board' });
    });
    timer.catch(reject);
  });
  return Promise.race([work, expired]);
}

async function runStep(ops: OpsApi, step: PlanStep, plan: FlashPlan, board: ListedDevice, ctx: OpContext): Promise<CliResult> {
  const selector = { ...plan.selector, path: board.portPath, devnum: undefined };
  const acquire = { waitTimeoutMs: plan.waitTimeoutMs };
  switch (step.kind) {
    case 'detach':
      return runDetach(ops, ctx, { selector, wait: true, waitTimeoutMs: plan.waitTimeoutMs });
    case 'download':
      return runDownload(
        ops,
        ctx,
        {
          ...acquire,
          selector: step.alt === undefined ? selector : { ...selector, alt: step.alt },
          file: fill(step.file, board),
          dfuse: step.dfuse,
          verify: step.verify,
          skipUnchanged: step.skipUnchanged,
          format: step.format,
          reset: false,
        },
      );
    case 'upload':
      return runUpload(ops, ctx, {
        ...acquire,
        selector: step.alt === undefined ? selector : { ...selector, alt: step.alt },
        file: fill(step.file, board),
        dfuse: step.dfuse,
        force: step.force ?? false,
        reset: false,
      });
    case 'leave':
      return runLeave(ops, ctx, { ...acquire, selector, address: step.address });
    case 'reset':
      return runLeave(ops, ctx, { ...acquire, selector, reset: true });
  }
}

export async function runPlan(ops: OpsApi, plan: FlashPlan, ctx: OpContext, emitFor: (portPath: string) => Emit): Promise<PlanBoardResult[]> {
  let boards = await ops.findBoards({ backend: ctx.backend, selector: { ...plan.selector, alt: plan.all ? plan.selector.alt : undefined } });
  // one board: a board in DFU mode wins over runtime-mode ones, as for a single operation
  if (!plan.all && boards.length > 1 && boards.filter((b) => b.mode === 'dfu').length === 1) boards = boards.filter((b) => b.mode === 'dfu');
  if (boards.length === 0) throw new DfuFlashError('NO_DEVICE', plan.all ? "no DFU device matches the plan's selection" : 'no DFU device matches the selection', { hint: '`dfu-flash list` shows the devices found' });
  if (!plan.all && boards.length > 1) {
    throw new DfuFlashError('MULTIPLE_DEVICES', `${boards.length} DFU devices match the plan's selection: ${boards.map((b) => b.portPath).join(', ')}`, {
      hint: 'choose one with -p PATH (or -S SERIAL where the serial is unique), or add --all to run the plan on every board',
      details: { reason: 'multiple-devices', candidates: boards.map((b) => ({ key: b.key, portPath: b.portPath, serial: b.serial })) },
    });
  }
  return Promise.all(
    boards.map(async (board): Promise<PlanBoardResult> => {
      const emit = emitFor(board.portPath);
      const c = { ...ctx, emit };
      const started = ctx.clock.now();
      const steps: StepResult[] = [];
      for (const [i, step] of plan.steps.entries()) {
        const t0 = ctx.clock.now();
        try {
          const result = await withTimeout(c, step.timeoutMs, `step ${i + 1} (${step.kind})`, runStep(ops, step, plan, board, c));
          steps.push({ step: i + 1, kind: step.kind, ok: true, elapsedMs: Math.round(ctx.clock.now() - t0), result });
        } catch (e) {
          const error = isDfuFlashError(e) ? { code: e.code, message: e.message, hint: e.hint } : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
          steps.push({ step: i + 1, kind: step.kind, ok: false, elapsedMs: Math.round(ctx.clock.now() - t0), error });
          break;
        }
      }
      return { portPath: board.portPath, serial: board.serial, ok: steps.length === plan.steps.length && steps.every((s) => s.ok), steps, elapsedMs: Math.round(ctx.clock.now() - started) };
    }),
  );
}
