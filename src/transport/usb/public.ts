/**
 * `dfu-flash/usb`: the libusb backend (the `usb` 2.x package, which bundles
 * libusb for Linux, macOS and Windows). Importing this module loads the native
 * addon (a failure to load it is an error of this import); importing
 * `dfu-flash` alone does not.
 *
 * ```ts
 * import { usbBackend } from 'dfu-flash/usb';
 * const backend = usbBackend();
 * try { … } finally { backend.dispose(); }
 * ```
 */
import type { UsbBackend } from '../types.js';
import { LibusbBackend } from './backend.js';
import type { DescribeOptions } from './describe-device.js';
import * as usbPackage from 'usb';
import { wrapNodeUsb } from './node-usb-device.js';
import { nodeUsbHotplug } from './hotplug.js';

export interface UsbBackendOptions {
  /** Timeout of each string read while listing (default 1000 ms). */
  stringTimeoutMs?: number | undefined;
  /** The platform whose hints errors give (default: this one). */
  platform?: 'linux' | 'darwin' | 'win32' | (string & {}) | undefined;
}

/** Real USB devices through libusb, with watch() on libusb's hotplug events. Call dispose() when done. */
export function usbBackend(options: UsbBackendOptions = {}): UsbBackend {
  const lib = wrapNodeUsb(usbPackage);
  const describe: DescribeOptions = {};
  if (options.stringTimeoutMs !== undefined) describe.stringTimeoutMs = options.stringTimeoutMs;
  if (options.platform !== undefined) describe.platform = options.platform as NodeJS.Platform;
  return new LibusbBackend(lib, describe, nodeUsbHotplug(usbPackage));
}
