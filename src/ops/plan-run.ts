/**
 * Plan files for CI: the same steps on one board or on every matching board.
 * Each board runs its steps in order and stops at its first failure; boards
 * run in parallel and do not stop each other. Each step may have a timeout.
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { download } from './download.js';
import { upload } from './upload.js';
import { detach } from './detach.js';
import { leave } from './leave.js';
import { matchingBoards } from './multi.js';
import { chooseTarget } from './select.js';
import type { Emit } from '../dfu/events.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import type { FlashPlan, OpContext, OperationResult, PlanStep, StepResult } from './types.js';
import { interfaceMode } from '../dfu/device-mode.js';

export interface PlanBoardResult {
  portPath: string;
  serial?: string | undefined;
  ok: boolean;
  steps: StepResult[];
  elapsedMs: number;
}

function fill(template: string, board: DfuDeviceInfo): string {
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

async function runStep(step: PlanStep, plan: FlashPlan, board: DfuDeviceInfo, ctx: OpContext): Promise<OperationResult> {
  const selector = { ...plan.selector, path: board.portPath, devnum: undefined };
  const acquire = { waitTimeoutMs: plan.waitTimeoutMs };
  switch (step.kind) {
    case 'detach':
      return detach({ selector, wait: true, waitTimeoutMs: plan.waitTimeoutMs }, ctx);
    case 'download':
      return download(
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
        ctx,
      );
    case 'upload':
      return upload(
        { ...acquire, selector: step.alt === undefined ? selector : { ...selector, alt: step.alt }, file: fill(step.file, board), dfuse: step.dfuse, force: step.force ?? false, reset: false },
        ctx,
      );
    case 'leave':
      return leave({ ...acquire, selector, address: step.address }, ctx);
    case 'reset':
      return leave({ ...acquire, selector, reset: true }, ctx);
  }
}

export async function runPlan(plan: FlashPlan, ctx: OpContext, emitFor: (portPath: string) => Emit): Promise<PlanBoardResult[]> {
  const devices = await ctx.backend.list();
  let boards: DfuDeviceInfo[];
  if (plan.all) {
    boards = matchingBoards(devices, plan.selector);
    if (boards.length === 0) throw new DfuFlashError('NO_DEVICE', 'no DFU device matches the plan\'s selection', { hint: '`dfu-flash list` shows the devices found' });
  } else {
    const dfu = devices.some((d) => d.alts.some((a) => interfaceMode(d, a) === 'dfu'));
    let target;
    try {
      target = chooseTarget(devices, { ...plan.selector, alt: undefined }, dfu ? 'dfu' : 'runtime');
    } catch (e) {
      if (!dfu || !isDfuFlashError(e, 'NO_DEVICE')) throw e;
      target = chooseTarget(devices, { ...plan.selector, alt: undefined }, 'runtime');
    }
    boards = [target.device];
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
          const result = await withTimeout(c, step.timeoutMs, `step ${i + 1} (${step.kind})`, runStep(step, plan, board, c));
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
