/** The detach use case: ask a runtime-mode device to switch to its DFU bootloader. */
import { DfuState } from '../dfu/constants.js';
import { isDfuFlashError } from '../shared/errors.js';
import { PhaseTracker } from '../dfu/session.js';
import { findTarget } from './select.js';
import { requireFunctional, withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import type { DetachRequest, OpContext, OperationResult } from './types.js';

/** Longest wDetachTimeOut we pass in DFU_DETACH: the device waits at most this long for our reset. */
const DETACH_TIMEOUT_CAP_MS = 1000;

export async function detach(req: DetachRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  const target = await findTarget(ctx.backend, req.selector, 'runtime');
  const functional = requireFunctional(target);
  const { emit, phases } = recordPhases(ctx.emit);
  let outcome = '';
  await withSession({ ...ctx, emit }, target, { transferSize: Math.max(1, functional.wTransferSize), functional, trace: ctx.trace ?? false }, async (session) => {
    const tracker = new PhaseTracker(session, 'detach', 0);
    try {
      const reply = await session.req.getStatus();
      if (reply.state !== DfuState.appIDLE) emit({ type: 'debug', message: `runtime interface reports state ${reply.state}` });
    } catch (e) {
      // Many runtime interfaces do not implement GETSTATUS; dfu-util assumes appIDLE then.
      if (!isDfuFlashError(e, 'STALL')) throw e;
      emit({ type: 'debug', message: 'runtime GETSTATUS stalled: assuming appIDLE' });
    }
    const timeout = Math.min(functional.wDetachTimeOut || DETACH_TIMEOUT_CAP_MS, DETACH_TIMEOUT_CAP_MS);
    try {
      await session.req.detach(timeout);
    } catch (e) {
      // A device that detaches at once may drop off before acknowledging.
      if (!(functional.willDetach && isDfuFlashError(e) && ['DEVICE_GONE', 'USB_IO'].includes(e.code))) throw e;
    }
    if (functional.willDetach) {
      outcome = 'device detaches itself (bitWillDetach)';
    } else {
      await session.req.transport.reset().catch(() => undefined);
      outcome = 'device reset into DFU mode';
    }
    tracker.end();
  });
  return {
    operation: 'detach',
    device: summarize(target),
    bytes: 0,
    elapsedMs: Math.round(ctx.clock.now() - started),
    phases,
    outcome,
  };
}
