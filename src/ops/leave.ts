/** Leave DFU mode without downloading (dfu-util's `-s :leave` command mode), or reset (-R). */
import { isDfuseInterface } from '../dfu/device-mode.js';
import { functionalWithQuirks, quirkedBackend, resolveQuirks } from '../dfu/quirk-apply.js';
import { ensureIdle } from '../dfu/idle.js';
import { dfuseLeave } from '../dfu/dfuse.js';
import { acquireDfuTarget } from './acquire.js';
import { requireFunctional, withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { resetAfter } from './after.js';
import type { AcquireOptions, DeviceSelector, OpContext, OperationResult } from './types.js';

export interface LeaveRequest extends AcquireOptions {
  selector: DeviceSelector;
  /** DfuSe: jump address sent with SET_ADDRESS first. */
  address?: number | undefined;
  /** Reset (DETACH + USB reset unless bitWillDetach) instead of a DfuSe leave. */
  reset?: boolean | undefined;
}

export async function leave(req: LeaveRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  ctx = { ...ctx, backend: quirkedBackend(ctx.backend) };
  const { emit, phases } = recordPhases(ctx.emit);
  const { target } = await acquireDfuTarget({ ...ctx, emit }, req.selector, req);
  const { quirks, applied } = resolveQuirks(target.device, target.alt);
  if (applied.length > 0) emit({ type: 'debug', message: `device quirks: ${applied.join(', ')}` });
  const functional = functionalWithQuirks(requireFunctional(target), quirks);
  let outcome = '';
  await withSession({ ...ctx, emit }, target, { transferSize: Math.max(1, functional.wTransferSize), functional, quirks, trace: ctx.trace ?? false }, async (session) => {
    await ensureIdle(session);
    if (!req.reset && isDfuseInterface(target.device, target.alt, functional)) {
      outcome = (await dfuseLeave(session, req.address)) === 'left-bus' ? 'device left DFU mode' : 'device acknowledged leave';
    } else {
      outcome = await resetAfter(session);
    }
  });
  return { operation: 'command', device: summarize(target), bytes: 0, elapsedMs: Math.round(ctx.clock.now() - started), phases, outcome };
}
