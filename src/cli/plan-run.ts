/**
 * Plan files for CI: the same steps on one board or on every matching board.
 * Each board runs its steps in order and stops at its first failure; boards
 * run in parallel and do not stop each other. Each step may have a timeout.
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import type { Emit } from '../dfu/events.js';
import type { FirmwareImage } from '../formats/image.js';
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

/** What names a board in a plan's file templates. */
export type PlanBoard = Pick<ListedDevice, 'portPath' | 'serial'>;

/** How one board's steps get hold of it (the station: its enumeration, never detached, images loaded once). */
export interface PlanBoardOptions {
  /** The first step's device address (the enumeration the caller listed). */
  devnum?: number | undefined;
  /** false: fail on a runtime-mode device instead of detaching it. */
  autoDetach?: false | undefined;
  /** A download step's image, loaded by the caller (file name as in the plan, templates filled in). */
  image?: ((file: string) => Promise<FirmwareImage>) | undefined;
}

export function fillTemplate(template: string, board: PlanBoard): string {
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

async function runStep(ops: OpsApi, step: PlanStep, plan: FlashPlan, board: PlanBoard, ctx: OpContext, o: PlanBoardOptions = {}): Promise<CliResult> {
  const selector = { ...plan.selector, path: board.portPath, devnum: o.devnum };
  const acquire = { waitTimeoutMs: plan.waitTimeoutMs, ...(o.autoDetach === false ? { autoDetach: false } : {}) };
  switch (step.kind) {
    case 'detach':
      return runDetach(ops, ctx, { selector, wait: true, waitTimeoutMs: plan.waitTimeoutMs });
    case 'download': {
      const file = fillTemplate(step.file, board);
      return runDownload(
        ops,
        ctx,
        {
          ...acquire,
          selector: step.alt === undefined ? selector : { ...selector, alt: step.alt },
          file,
          dfuse: step.dfuse,
          verify: step.verify,
          skipUnchanged: step.skipUnchanged,
          format: step.format,
          reset: false,
        },
        ctx.emit,
        o.image === undefined ? undefined : await o.image(file),
      );
    }
    case 'upload':
      return runUpload(ops, ctx, {
        ...acquire,
        selector: step.alt === undefined ? selector : { ...selector, alt: step.alt },
        file: fillTemplate(step.file, board),
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
  return Promise.all(boards.map((board) => runPlanOnBoard(ops, plan, board, { ...ctx, emit: emitFor(board.portPath) })));
}

/** One board's steps, in order, stopping at its first failure (the failure is in the result, never thrown). */
export async function runPlanOnBoard(ops: OpsApi, plan: FlashPlan, board: PlanBoard, c: OpContext, o: PlanBoardOptions = {}): Promise<PlanBoardResult> {
  const started = c.clock.now();
  const steps: StepResult[] = [];
  for (const [i, step] of plan.steps.entries()) {
    const t0 = c.clock.now();
    try {
      // only the first step knows the enumeration: a later one follows the board by its port
      const pin = i === 0 ? o : { ...o, devnum: undefined };
      const result = await withTimeout(c, step.timeoutMs, `step ${i + 1} (${step.kind})`, runStep(ops, step, plan, board, c, pin));
      steps.push({ step: i + 1, kind: step.kind, ok: true, elapsedMs: Math.round(c.clock.now() - t0), result });
    } catch (e) {
      const error = isDfuFlashError(e) ? { code: e.code, message: e.message, hint: e.hint } : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
      steps.push({ step: i + 1, kind: step.kind, ok: false, elapsedMs: Math.round(c.clock.now() - t0), error });
      break;
    }
  }
  return { portPath: board.portPath, serial: board.serial, ok: steps.length === plan.steps.length && steps.every((s) => s.ok), steps, elapsedMs: Math.round(c.clock.now() - started) };
}
