/**
 * Getting the DFU-mode device an operation needs: wait for it to appear (-w),
 * or detach a runtime-mode device and follow the same board by port path
 * while it re-enumerates (its VID:PID and serial usually change).
 */
import { isDfuFlashError } from '../shared/errors.js';
import { interfaceMode } from '../dfu/device-mode.js';
import { chooseTarget, type Target } from './select.js';
import { waitForDevices } from './wait.js';
import { DEFAULT_WAIT_TIMEOUT_MS, detachTarget, waitForDfuMode } from './detach.js';
import type { AcquireOptions, DeviceSelector, OpContext } from './types.js';

export interface Acquired {
  target: Target;
  /** The runtime-mode device we detached first, if any. */
  detachedFrom?: Target | undefined;
}

function anyMatch(sel: DeviceSelector) {
  return (devices: Parameters<typeof chooseTarget>[0]) => {
    for (const mode of ['dfu', 'runtime'] as const) {
      try {
        if (devices.some((d) => d.alts.some((a) => interfaceMode(d, a) === mode))) return chooseTarget(devices, sel, mode);
      } catch (e) {
        if (isDfuFlashError(e, 'MULTIPLE_DEVICES')) throw e;
      }
    }
    return undefined;
  };
}

export async function acquireDfuTarget(ctx: OpContext, sel: DeviceSelector, opts: AcquireOptions = {}): Promise<Acquired> {
  const timeoutMs = opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  let devices = await ctx.backend.list();
  if (opts.wait && anyMatch(sel)(devices) === undefined) {
    await waitForDevices(ctx, anyMatch(sel), {
      timeoutMs,
      what: 'a matching DFU device to appear',
      hint: 'plug the board in and start its bootloader; `dfu-flash list` shows what is connected',
    });
    devices = await ctx.backend.list();
  }
  try {
    return { target: chooseTarget(devices, sel, 'dfu') };
  } catch (e) {
    if (!isDfuFlashError(e, 'RUNTIME_MODE') || opts.autoDetach === false) throw e;
  }
  const runtime = chooseTarget(devices, sel, 'runtime');
  const how = await detachTarget(ctx, runtime);
  ctx.emit({ type: 'debug', message: `detach: ${how}` });
  const target = await waitForDfuMode(ctx, runtime, sel, timeoutMs);
  return { target, detachedFrom: runtime };
}
