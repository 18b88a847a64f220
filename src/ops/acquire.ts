/**
 * Getting the DFU-mode device an operation needs: wait for it to appear,
 * detach a runtime-mode device and follow the same board while it
 * re-enumerates (its VID:PID and serial usually change), and get the strings
 * of a device that enumerated with unreadable ones (retry, then a USB reset,
 * as a replug would).
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { interfaceMode } from '../dfu/device-mode.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import { chooseTarget, describeDevice, type Target } from './select.js';
import { throwIfAborted, waitForDevices } from './wait.js';
import { DEFAULT_WAIT_TIMEOUT_MS, detachTarget, waitForDfuMode } from './detach.js';
import type { AcquireOptions, DeviceSelector, OpContext } from './types.js';

export interface Acquired {
  target: Target;
  /** The runtime-mode device we detached first, if any. */
  detachedFrom?: Target | undefined;
}

/** Does anything match, in DFU mode first, then runtime mode? MULTIPLE_DEVICES is thrown, not swallowed. */
function anyMatch(sel: DeviceSelector) {
  return (devices: DfuDeviceInfo[]) => {
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

/** Names that could not be read (not names that are absent). */
export function hasUnreadableStrings(device: DfuDeviceInfo): boolean {
  return device.alts.some((a) => a.name === undefined && a.nameError !== undefined);
}

/**
 * A device whose strings stayed unreadable through the backend's retries: a
 * USB reset makes it enumerate again, as a replug would (the STM32CubeMX DFU
 * class answers then). Returns the device list afterwards; the caller decides
 * what an alt name that is still unreadable means.
 */
async function recoverStrings(ctx: OpContext, device: DfuDeviceInfo, timeoutMs: number): Promise<DfuDeviceInfo[]> {
  const again = await ctx.backend.list();
  const same = again.find((d) => d.key === device.key);
  if (same !== undefined && !hasUnreadableStrings(same)) return again;
  if (!ctx.backend.capabilities.canReset) return again;
  ctx.emit({ type: 'warning', message: `the strings of ${describeDevice(device)} could not be read: resetting it to read them again (a known bootloader behaviour)` });
  const transport = await ctx.backend.open(same ?? device);
  try {
    await transport.reset();
  } finally {
    await transport.close();
  }
  return waitForDevices(
    ctx,
    (devices) => {
      const back = devices.filter((d) => d.portPath === device.portPath && d.alts.some((a) => interfaceMode(d, a) === 'dfu'));
      return back.length > 0 ? devices : undefined;
    },
    {
      timeoutMs,
      what: `${describeDevice(device)} to come back after the USB reset`,
      hint: 'unplug the board and plug it in again',
    },
  );
}

/**
 * The one DFU-mode target the selector names. `claim` takes the board as soon
 * as it is known, before anything is sent to it (so two operations never drive
 * one board); the release functions it returns are collected in `release`.
 */
export async function acquireDfuTarget(
  ctx: OpContext,
  sel: DeviceSelector,
  opts: AcquireOptions = {},
  claim: (device: DfuDeviceInfo) => () => void = () => () => undefined,
): Promise<Acquired & { release: () => void }> {
  const timeoutMs = opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const held: (() => void)[] = [];
  const release = () => {
    for (const r of held.splice(0)) r();
  };
  const take = (device: DfuDeviceInfo) => held.push(claim(device));
  try {
    throwIfAborted(ctx);
    let devices = await ctx.backend.list();
    if (opts.wait && anyMatch(sel)(devices) === undefined) {
      await waitForDevices(ctx, anyMatch(sel), {
        timeoutMs,
        what: 'a matching DFU device to appear',
        hint: 'plug the board in and start its bootloader',
      });
      devices = await ctx.backend.list();
    }
    // an alt setting chosen by name is matched once the names are known to be readable
    const byNumber: DeviceSelector = typeof sel.alt === 'string' ? { ...sel, alt: undefined } : sel;
    let first: Target;
    try {
      first = chooseTarget(devices, byNumber, 'dfu');
    } catch (e) {
      if (!isDfuFlashError(e, 'RUNTIME_MODE') || opts.autoDetach === false) throw e;
      const runtime = chooseTarget(devices, { ...sel, alt: undefined }, 'runtime');
      take(runtime.device);
      const how = await detachTarget(ctx, runtime);
      ctx.emit({ type: 'debug', message: `detach: ${how === 'detached' ? 'the device detached itself (bitWillDetach)' : 'DFU_DETACH, then a USB reset'}` });
      const back = await waitForDfuMode(ctx, runtime, byNumber, timeoutMs);
      if (!ctx.backend.capabilities.stablePortPaths) take(back.device);
      return { target: await readableTarget(ctx, back, sel, timeoutMs), detachedFrom: runtime, release };
    }
    take(first.device);
    return { target: await readableTarget(ctx, first, sel, timeoutMs), release };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * The target with its strings read — recovering them when the device
 * enumerated with unreadable ones — and the alt setting chosen by name once
 * the names are known.
 */
async function readableTarget(ctx: OpContext, target: Target, sel: DeviceSelector, timeoutMs: number): Promise<Target> {
  const exact: DeviceSelector = { ...sel, path: target.device.portPath, devnum: undefined, runtimeIds: null, dfuIds: undefined, dfuSerial: undefined, runtimeOnly: false };
  if (!hasUnreadableStrings(target.device)) return typeof sel.alt === 'string' ? chooseTarget([target.device], exact, 'dfu') : target;
  const devices = await recoverStrings(ctx, target.device, timeoutMs);
  const found = chooseTarget(devices, exact, 'dfu');
  if (hasUnreadableStrings(found.device)) {
    ctx.emit({ type: 'debug', message: `${describeDevice(found.device)}: strings still unreadable after the recovery` });
    if (typeof sel.alt === 'string') {
      throw new DfuFlashError('USB_IO', `the alt setting names of ${describeDevice(found.device)} could not be read, so none can be matched to ${JSON.stringify(sel.alt)}`, {
        hint: 'some bootloaders (the STM32CubeMX DFU class among them) enumerate with unreadable strings now and then: unplug the board and plug it in again, or choose the alt setting by number',
        details: { reason: 'strings-unreadable' },
      });
    }
  }
  return found;
}
