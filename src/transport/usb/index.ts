/**
 * The libusb backend. The CLI imports this module lazily; libusb itself (the
 * `usb` package) loads only when createUsbBackend() runs. Nothing else in the
 * project imports `usb`.
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { UsbBackend } from '../types.js';
import type { DescribeOptions } from './describe-device.js';
import type { HotplugWatchOptions } from './hotplug-watch.js';

export interface UsbBackendOptions extends DescribeOptions, HotplugWatchOptions {}

export async function createUsbBackend(options: UsbBackendOptions = {}): Promise<UsbBackend> {
  const [{ loadNodeUsb }, { LibusbBackend }, { loadNodeUsbHotplug }] = await Promise.all([
    import('./node-usb-device.js'),
    import('./backend.js'),
    import('./hotplug.js'),
  ]);
  let lib;
  let hotplug;
  try {
    lib = await loadNodeUsb();
    hotplug = await loadNodeUsbHotplug();
  } catch (e) {
    throw new DfuFlashError('USB_IO', `could not load libusb through the usb package: ${(e as Error)?.message ?? String(e)}`, {
      hint: 'reinstall the dfu-flash package so that the usb package can fetch its prebuilt libusb binding for this platform',
      cause: e,
      details: { reason: 'libusb-not-loaded' },
    });
  }
  return new LibusbBackend(lib, options, hotplug);
}
