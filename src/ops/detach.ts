/** The detach use case: ask a runtime-mode device to switch to its DFU bootloader, and optionally wait for it. */
import { DfuState } from '../dfu/constants.js';
import { hex16, isDfuFlashError } from '../shared/errors.js';
import { PhaseTracker } from '../dfu/session.js';
import { chooseTarget, describeDevice, findTarget, type Target } from './select.js';
import { requireFunctional, withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { waitForDevices } from './wait.js';
import { interfaceMode } from '../dfu/device-mode.js';
import { quirksFor } from '../dfu/quirk-table.js';
import type { DetachRequest, DeviceSelector, OpContext, OperationResult } from './types.js';

/** Longest time we ask the device to wait for our reset in DFU_DETACH (wValue). */
const DETACH_TIMEOUT_CAP_MS = 1000;
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

/**
 * DFU_DETACH, then a USB reset unless the device says it detaches itself
 * (bitWillDetach: "the host must not issue a USB reset"). Returns the outcome in words.
 */
export async function detachTarget(ctx: OpContext, target: Target): Promise<string> {
  const functional = requireFunctional(target);
  const { quirks } = quirksFor(target.device, target.alt);
  let outcome = '';
  await withSession(ctx, target, { transferSize: Math.max(1, functional.wTransferSize), functional, quirks, trace: ctx.trace ?? false }, async (session) => {
    const tracker = new PhaseTracker(session, 'detach', 0);
    try {
      const reply = await session.req.getStatus();
      if (reply.state !== DfuState.appIDLE) session.emit({ type: 'debug', message: `runtime interface reports state ${reply.state}` });
    } catch (e) {
      // Many runtime interfaces do not implement GETSTATUS; dfu-util assumes appIDLE then.
      if (!isDfuFlashError(e, 'STALL')) throw e;
      session.emit({ type: 'debug', message: 'runtime GETSTATUS stalled: assuming appIDLE' });
    }
    const timeout = Math.min(functional.wDetachTimeOut || DETACH_TIMEOUT_CAP_MS, DETACH_TIMEOUT_CAP_MS);
    try {
      await session.req.detach(timeout);
    } catch (e) {
      // A device that detaches at once may drop off before acknowledging.
      if (!(functional.willDetach && isDfuFlashError(e) && ['DEVICE_GONE', 'USB_IO'].includes(e.code))) throw e;
    }
    if (functional.willDetach) {
      outcome = 'device detached itself (bitWillDetach)';
    } else {
      await session.req.transport.reset().catch(() => undefined);
      outcome = 'device reset into DFU mode';
    }
    tracker.end();
  });
  return outcome;
}

/** After a detach: the DFU-mode device on the same port (VID:PID and serial usually change). */
export async function waitForDfuMode(ctx: OpContext, from: Target, sel: DeviceSelector, timeoutMs: number): Promise<Target> {
  const started = ctx.clock.now();
  ctx.emit({ type: 'phase-start', phase: 'wait', totalBytes: 0, label: 'waiting for the DFU-mode device' });
  const dfuSel: DeviceSelector = { ...sel, runtimeIds: null, path: from.device.portPath, devnum: undefined };
  const target = await waitForDevices(
    ctx,
    (devices) => {
      const candidates = devices.filter(
        (d) => d.portPath === from.device.portPath && d.key !== from.device.key && d.alts.some((a) => interfaceMode(d, a) === 'dfu'),
      );
      if (candidates.length === 0) return undefined;
      try {
        return chooseTarget(candidates, dfuSel, 'dfu');
      } catch {
        return undefined;
      }
    },
    {
      timeoutMs,
      what: `${describeDevice(from.device)} to come back in DFU mode`,
      hint:
        'the device did not re-enumerate as a DFU device on the same port: check that its firmware really enters the bootloader on DFU_DETACH, ' +
        'try a longer --wait-timeout, or start the bootloader by hand (BOOT0 high, then reset)',
    },
  );
  ctx.emit({ type: 'phase-end', phase: 'wait', bytes: 0, elapsedMs: ctx.clock.now() - started });
  ctx.emit({
    type: 'debug',
    message: `${hex16(from.device.vendorId)}:${hex16(from.device.productId)} came back as ${hex16(target.device.vendorId)}:${hex16(target.device.productId)} on ${target.device.portPath}`,
  });
  return target;
}

export async function detach(req: DetachRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  const target = await findTarget(ctx.backend, req.selector, 'runtime');
  const { emit, phases } = recordPhases(ctx.emit);
  const c = { ...ctx, emit };
  let outcome = await detachTarget(c, target);
  if (req.wait) {
    const back = await waitForDfuMode(c, target, req.selector, req.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
    outcome += `; back in DFU mode as ${hex16(back.device.vendorId)}:${hex16(back.device.productId)} on ${back.device.portPath}`;
  }
  return {
    operation: 'detach',
    device: summarize(target),
    bytes: 0,
    elapsedMs: Math.round(ctx.clock.now() - started),
    phases,
    outcome,
  };
}

