/**
 * -N/--index: `dfu-flash list` numbers the devices 1, 2, ... in its order
 * (port path, then device address); `-N 2` in any command means the device
 * numbered 2 there. It is turned into that device's port path (each command's
 * atPath), which also follows the board when it re-enumerates (runtime → DFU mode).
 */
import { DfuFlashError } from '../shared/errors.js';
import type { ListedDevice } from '../ops/types.js';

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
