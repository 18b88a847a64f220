/** Leave DFU mode without downloading (dfu-util's `-s :leave` command mode), or reset (-R). */
import { ensureIdle } from '../dfu/idle.js';
import { dfuseLeave } from '../dfu/dfuse.js';
import { withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { resetAfter } from './after.js';
import { prepareTarget } from './target.js';
import type { AcquireOptions, CommandResult, DeviceSelector, OpContext } from './types.js';
import type { Quirks } from '../dfu/quirks.js';

export interface LeaveRequest extends AcquireOptions {
  selector: DeviceSelector;
  /** DfuSe: jump address sent with SET_ADDRESS first. */
  address?: number | undefined;
  /** Reset (DETACH + USB reset unless bitWillDetach) instead of a DfuSe leave. */
  reset?: boolean | undefined;
  forceQuirks?: Partial<Quirks> | undefined;
}

export async function leave(req: LeaveRequest, ctx: OpContext): Promise<CommandResult> {
  const started = ctx.clock.now();
  const { emit, phases } = recordPhases(ctx.emit);
  const p = await prepareTarget({ ...ctx, emit }, req.selector, req);
  try {
    let end: CommandResult['end'] = 'idle';
    const options = { transferSize: Math.max(1, p.functional.wTransferSize), functional: p.functional, quirks: p.quirks, trace: ctx.trace ?? false };
    await withSession(p.ctx, p.target, options, async (session) => {
      await ensureIdle(session);
      if (!req.reset && p.dfuse) end = (await dfuseLeave(session, req.address)) === 'left-bus' ? 'left-bus' : 'leave-acknowledged';
      else end = await resetAfter(session, p.ctx.backend.capabilities.canReset);
    });
    return { operation: req.reset ? 'reset' : 'leave', device: summarize(p.target), elapsedMs: Math.round(ctx.clock.now() - started), phases, end };
  } finally {
    p.release();
  }
}
