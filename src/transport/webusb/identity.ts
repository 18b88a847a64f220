/**
 * Where a WebUSB device "sits". WebUSB exposes no bus, address or port, so
 * each USBDevice object gets a number, in the order this page first saw it:
 * key `webusb:<n>`, port path `webusb-<n>`, bus 0, address n. The browser
 * keeps one USBDevice object per device while it stays plugged in, so these
 * are stable until the device re-enumerates (after a detach, reset or
 * leave it is a new object with a new number: stablePortPaths is false).
 */
import type { DeviceLocation } from '../descriptors/enumerate.js';
import type { WebUsbDevice } from './webusb-types.js';

const numbers = new WeakMap<WebUsbDevice, number>();
let next = 1;

export function webUsbLocation(device: WebUsbDevice): DeviceLocation {
  let n = numbers.get(device);
  if (n === undefined) {
    n = next++;
    numbers.set(device, n);
  }
  return { key: `webusb:${n}`, busNumber: 0, deviceAddress: n, portPath: `webusb-${n}` };
}
