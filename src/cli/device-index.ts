/**
 * -N/--index: `dfu-flash list` numbers the devices 1, 2, ... in its order
 * (port path, then device address); `-N 2` in any command means the device
 * numbered 2 there. It is turned into that device's port path, which also
 * follows the board when it re-enumerates (runtime → DFU mode).
 */
import { DfuFlashError } from '../shared/errors.js';
import type { DeviceSelector, ListedDevice } from '../ops/types.js';
import type { DeviceInvocation } from './invocation.js';

/** The device numbered `index` (1-based) in the listing. */
export function deviceAtIndex(devices: readonly ListedDevice[], index: number): ListedDevice {
  const d = devices[index - 1];
  if (d === undefined) {
    const found = devices.length === 0 ? 'no DFU-capable device was found' : `only ${devices.length} DFU-capable device${devices.length === 1 ? ' was' : 's were'} found`;
    throw new DfuFlashError('NO_DEVICE', `there is no device number ${index}: ${found}`, {
      hint: '`dfu-flash list` shows the number of each device in its first column',
      details: { index, found: devices.length },
    });
  }
  return d;
}

function at(sel: DeviceSelector, path: string): DeviceSelector {
  return { ...sel, path };
}

/** The invocation with -N replaced by the port path of that device. */
export function withIndexResolved<T extends DeviceInvocation>(inv: T, devices: readonly ListedDevice[]): T {
  if (inv.deviceIndex === undefined) return inv;
  const path = deviceAtIndex(devices, inv.deviceIndex).portPath;
  const { deviceIndex: _, ...rest } = inv;
  const out = rest as unknown as DeviceInvocation;
  switch (out.command) {
    case 'list':
      return { ...out, filter: at(out.filter, path) } as T;
    case 'run':
      return { ...out, plan: { ...out.plan, selector: at(out.plan.selector, path) } } as T;
    default:
      return { ...out, request: { ...out.request, selector: at(out.request.selector, path) } } as T;
  }
}
