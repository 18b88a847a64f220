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
import { DfuFlashError, hex16 } from '../../shared/errors.js';
import { USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU } from '../descriptors/constants.js';
import { zadigHint } from './hints.js';
import type { WebUsbPlatform } from './platform.js';
import { webUsbErrorName } from './webusb-errors.js';
import type { WebUsb, WebUsbDevice, WebUsbDeviceFilter } from './webusb-types.js';

/** A vendor's device, to narrow the chooser to it; productId left out = any product of that vendor. */
export interface VidPid {
  vendorId: number;
  productId?: number | undefined;
}

/** Devices with a DFU interface (class 0xFE, subclass 0x01; runtime or DFU mode), optionally only these VID:PIDs. */
export function dfuDeviceFilters(ids: readonly VidPid[] = []): WebUsbDeviceFilter[] {
  const dfu = { classCode: USB_CLASS_APP_SPECIFIC, subclassCode: USB_SUBCLASS_DFU };
  if (ids.length === 0) return [dfu];
  return ids.map((id) => (id.productId === undefined ? { vendorId: id.vendorId, ...dfu } : { vendorId: id.vendorId, productId: id.productId, ...dfu }));
}

function describeFilter(f: WebUsbDeviceFilter): string {
  const id = f.vendorId === undefined ? 'any device' : f.productId === undefined ? `vendor ${hex16(f.vendorId)}` : `${hex16(f.vendorId)}:${hex16(f.productId)}`;
  return f.serialNumber === undefined ? id : `${id} with serial ${f.serialNumber}`;
}

export interface NeedsPermissionOptions {
  /** What happened, e.g. "after DFU_DETACH, 0483:df11 reappeared as a new device". */
  reason?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * The error an operation throws when the device it waits for (in its new
 * mode) is on the bus but not granted to the page. `details.filters` is what
 * the page passes to navigator.usb.requestDevice.
 */
export function needsPermissionError(filters: WebUsbDeviceFilter[], options: NeedsPermissionOptions = {}): DfuFlashError {
  const which = filters.map(describeFilter).join(' or ');
  const reason = options.reason ?? 'the device re-enumerated in DFU mode as a new USB device';
  return new DfuFlashError('NEEDS_PERMISSION', `${reason}, and this page has no permission to use it yet (${which}, DFU interface)`, {
    hint: 'Select the board in DFU mode: the page calls navigator.usb.requestDevice({ filters: error.details.filters }) from a click, then runs the operation again.',
    details: { ...options.details, filters },
  });
}

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
      const windows = platform === 'windows' ? ` ${zadigHint(filters[0]?.vendorId, filters[0]?.productId)}` : '';
      return Promise.reject(
        new DfuFlashError('NO_DEVICE', `no device was selected (${which}, DFU interface): ${message}`, {
          hint: `Plug the board in, put it in DFU mode and select it in the browser's list.${windows}`,
          cause: e,
          details: { filters },
        }),
      );
    }
    if (name === 'SecurityError') {
      const gesture = /gesture|activation/i.test(message);
      return Promise.reject(
        new DfuFlashError(gesture ? 'USAGE' : 'ACCESS', `the browser refused to show its device chooser: ${message}`, {
          hint: gesture
            ? 'Call requestDevice from a click (or key) handler: browsers show the chooser only in response to a user action.'
            : 'WebUSB is only available to pages served over https (or from localhost) and, in an iframe, only with allow="usb".',
          cause: e,
          details: { filters },
        }),
      );
    }
    return Promise.reject(new DfuFlashError('USB_IO', `requestDevice failed: ${name ?? 'Error'}: ${message}`, { cause: e, details: { filters } }));
  }
}
