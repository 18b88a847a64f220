/** The detach use case: ask a runtime-mode device to switch to its DFU bootloader, and optionally wait for it. */
import { DfuState } from '../dfu/constants.js';
import { DfuFlashError, hex16, isDfuFlashError } from '../shared/errors.js';
import { PhaseTracker } from '../dfu/session.js';
import { interfaceMode } from '../dfu/device-mode.js';
import { quirksFor } from '../dfu/quirk-table.js';
import { dfuDeviceFilters, needsPermissionError, type DeviceFilter } from '../transport/permission.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import { chooseTarget, describeDevice, findTarget, type Target } from './select.js';
import { requireFunctional, withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { waitForDevices } from './wait.js';
import { claimBoard } from './locks.js';
import type { DetachRequest, DetachResult, DeviceSelector, OpContext } from './types.js';

/** Longest time we ask the device to wait for our reset in DFU_DETACH (wValue). */
const DETACH_TIMEOUT_CAP_MS = 1000;
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
/** Without port paths (WebUSB): how long a granted device gets to reappear before the user is asked. */
const PERMISSION_GRACE_MS = 3000;

/**
 * DFU_DETACH, then a USB reset unless the device says it detaches itself
 * (bitWillDetach: "the host must not issue a USB reset"). A backend that
 * cannot reset (WinUSB) leaves it to the device: most start their bootloader
 * when wDetachTimeOut passes without one.
 */
export async function detachTarget(ctx: OpContext, target: Target): Promise<'detached' | 'reset'> {
  const functional = requireFunctional(target);
  const { quirks } = quirksFor(target.device, target.alt);
  let outcome: 'detached' | 'reset' = 'detached';
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
    if (!functional.willDetach) {
      if (ctx.backend.capabilities.canReset) {
        await session.req.transport.reset().catch(() => undefined);
        outcome = 'reset';
      } else {
        session.emit({
          type: 'warning',
          message: `this system cannot reset USB devices, and the device does not detach by itself: waiting for it to start its bootloader after its detach timeout (${functional.wDetachTimeOut} ms)`,
          hint: 'if it does not come back in DFU mode, unplug and replug it (or start its bootloader by hand)',
        });
      }
    }
    tracker.end();
  });
  return outcome;
}

/** The filters to ask the user with for the device in DFU mode: the DFU-mode IDs the selection names, else any DFU device. */
function permissionFilters(sel: DeviceSelector): DeviceFilter[] {
  const ids = sel.dfuIds && !sel.runtimeOnly ? sel.dfuIds : undefined;
  return dfuDeviceFilters(ids?.vendorId === undefined ? [] : [{ vendorId: ids.vendorId, productId: ids.productId }]);
}

/**
 * How long a device that needs no reset may take to switch: one that neither
 * detaches itself nor gets a reset (WinUSB) starts its bootloader only when
 * the detach timeout we sent has passed.
 */
function ownSwitchMs(ctx: OpContext, from: Target): number {
  const f = from.alt.functional;
  if (f === undefined || f.willDetach || ctx.backend.capabilities.canReset) return 0;
  return Math.min(f.wDetachTimeOut || DETACH_TIMEOUT_CAP_MS, DETACH_TIMEOUT_CAP_MS);
}

/** After a detach: the DFU-mode device on the same port (VID:PID and serial usually change). */
export async function waitForDfuMode(ctx: OpContext, from: Target, sel: DeviceSelector, timeoutMs: number): Promise<Target> {
  const started = ctx.clock.now();
  ctx.emit({ type: 'phase-start', phase: 'wait', totalBytes: 0, label: 'waiting for the DFU-mode device' });
  const stable = ctx.backend.capabilities.stablePortPaths;
  // only run-time IDs given: the board's IDs change in DFU mode, so it is followed by its port alone (dfu-util)
  const dfuSel: DeviceSelector = { ...sel, runtimeIds: null, dfuIds: sel.runtimeOnly ? undefined : sel.dfuIds, devnum: undefined, ...(stable ? { path: from.device.portPath } : { path: undefined }) };
  const known = new Set(stable ? [] : (await ctx.backend.list()).map((d) => d.key));
  const needsPermission = ctx.backend.capabilities.newDevicesNeedPermission === true;
  // without port paths, a runtime device still listed at the end never left, and one that came back
  // with the same identity in runtime mode (a reset that restarted the application): it did not switch
  let runtimeStillThere = false;
  const sameBoard = (d: DfuDeviceInfo) => d.vendorId === from.device.vendorId && d.productId === from.device.productId && d.serial === from.device.serial;
  const target = await waitForDevices(
    ctx,
    (devices) => {
      runtimeStillThere = devices.some(
        (d) => d.key === from.device.key || (!stable && !known.has(d.key) && sameBoard(d) && !d.alts.some((a) => interfaceMode(d, a) === 'dfu')),
      );
      const candidates = devices.filter(
        (d) => (stable ? d.portPath === from.device.portPath : !known.has(d.key)) && d.key !== from.device.key && d.alts.some((a) => interfaceMode(d, a) === 'dfu'),
      );
      if (candidates.length === 0) return undefined;
      try {
        return chooseTarget(candidates, dfuSel, 'dfu');
      } catch {
        return undefined;
      }
    },
    {
      timeoutMs: needsPermission ? Math.min(timeoutMs, PERMISSION_GRACE_MS + ownSwitchMs(ctx, from)) : timeoutMs,
      what: `${describeDevice(from.device)} to come back in DFU mode`,
      hint:
        'the device did not re-enumerate as a DFU device on the same port: check that its firmware really enters the bootloader on DFU_DETACH, ' +
        'wait longer, or start the bootloader by hand (BOOT0 high, then reset)',
    },
  ).catch((e: unknown) => {
    if (!needsPermission || !isDfuFlashError(e, 'NO_DEVICE')) throw e;
    if (runtimeStillThere) {
      const noReset = !ctx.backend.capabilities.canReset;
      throw new DfuFlashError('NO_DEVICE', `${describeDevice(from.device)} is still in runtime mode: it did not switch to its bootloader after DFU_DETACH`, {
        hint: noReset
          ? 'this system cannot reset USB devices and the device waits for a reset: start its bootloader by hand (on STM32: BOOT0 high, then reset), or unplug and replug it'
          : 'check that its firmware really enters the bootloader on DFU_DETACH, or start the bootloader by hand (on STM32: BOOT0 high, then reset)',
        details: { reason: 'still-runtime', waitedMs: e.details['waitedMs'] },
        cause: e,
      });
    }
    throw needsPermissionError(permissionFilters(sel), { reason: `after DFU_DETACH, ${describeDevice(from.device)} left the bus to come back in DFU mode as a new USB device` });
  });
  ctx.emit({ type: 'phase-end', phase: 'wait', bytes: 0, elapsedMs: ctx.clock.now() - started });
  ctx.emit({
    type: 'debug',
    message: `${hex16(from.device.vendorId)}:${hex16(from.device.productId)} came back as ${hex16(target.device.vendorId)}:${hex16(target.device.productId)} on ${target.device.portPath}`,
  });
  return target;
}

export async function detach(req: DetachRequest, ctx: OpContext): Promise<DetachResult> {
  const started = ctx.clock.now();
  const target = await findTarget(ctx.backend, req.selector, 'runtime');
  const release = claimBoard(ctx.backend, target.device);
  try {
    const { emit, phases } = recordPhases(ctx.emit);
    const c = { ...ctx, emit };
    const end = await detachTarget(c, target);
    const back = req.wait ? await waitForDfuMode(c, target, req.selector, req.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS) : undefined;
    return {
      operation: 'detach',
      device: summarize(target),
      elapsedMs: Math.round(ctx.clock.now() - started),
      phases,
      end,
      ...(back === undefined ? {} : { back: summarize(back) }),
    };
  } finally {
    release();
  }
}
