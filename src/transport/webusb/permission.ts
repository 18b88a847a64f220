/**
 * Asking the user for a device. A page sees only the devices the user granted
 * it (or a policy did); a device that re-enumerates in another mode (a
 * runtime application detaching into its bootloader) is a new device that
 * needs a grant of its own, and only a user gesture can open the browser's
 * chooser. So an operation that cannot find the device in its new mode stops
 * with NEEDS_PERMISSION and the filters to ask for; the page shows a button
 * that calls requestDevice({ filters: error.details.filters }) and runs the
 * operation again. A device granted before that reappears (same VID, PID and
 * serial number) is found by getDevices() without a prompt.
 */
import { DfuFlashError } from '../../shared/errors.js';
import { describeFilter } from '../permission.js';
import { zadigHint } from './hints.js';
import type { WebUsbPlatform } from './platform.js';
import { webUsbErrorName } from './webusb-errors.js';
import type { WebUsb, WebUsbDevice, WebUsbDeviceFilter } from './webusb-types.js';

// the filters and the NEEDS_PERMISSION error are backend-neutral (src/ops throws it): one definition, in src/transport
export { dfuDeviceFilters, needsPermissionError, type NeedsPermissionOptions, type VidPid } from '../permission.js';

/**
 * Open the browser's chooser for a DFU device (must run in a user gesture:
 * a click handler). Resolves with the device the user picked.
 */
export async function requestDfuDevice(usb: WebUsb, filters: WebUsbDeviceFilter[], platform: WebUsbPlatform): Promise<WebUsbDevice> {
  try {
    return await usb.requestDevice({ filters });
  } catch (e) {
    const name = webUsbErrorName(e);
    const message = (e as Error)?.message ?? String(e);
    if (name === 'NotFoundError') {
      const which = filters.map(describeFilter).join(' or ');
      const windows = platform === 'windows' ? `; ${zadigHint(filters[0]?.vendorId, filters[0]?.productId)}` : '';
      return Promise.reject(
        new DfuFlashError('NO_DEVICE', `no device was selected (${which}, DFU interface): the browser says ${JSON.stringify(message)}`, {
          hint: `plug the board in, put it in DFU mode and select it in the browser's list${windows}`,
          cause: e,
          details: { filters },
        }),
      );
    }
    if (name === 'SecurityError') {
      const gesture = /gesture|activation/i.test(message);
      return Promise.reject(
        new DfuFlashError(gesture ? 'USAGE' : 'ACCESS', `the browser refused to show its device chooser: it says ${JSON.stringify(message)}`, {
          hint: gesture
            ? 'call requestDevice from a click (or key) handler: browsers show the chooser only in response to a user action'
            : 'WebUSB is only available to pages served over https (or from localhost) and, in an iframe, only with allow="usb"',
          cause: e,
          details: { filters },
        }),
      );
    }
    return Promise.reject(new DfuFlashError('USB_IO', `requestDevice failed: ${name ?? 'error'} ${JSON.stringify(message)}`, { cause: e, details: { filters } }));
  }
}
