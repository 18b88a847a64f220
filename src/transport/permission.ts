/**
 * Devices a backend may use only once the user grants them (WebUSB): the
 * filters that name DFU devices, and the one NEEDS_PERMISSION error an
 * operation throws when the device it waits for — the board in its new mode,
 * after a detach — is a new device the page has no grant for. The error's
 * `details.filters` is what a page passes to navigator.usb.requestDevice from
 * a click; the operation, run again, continues from the device in DFU mode.
 * Backend-neutral (no navigator.usb here): src/ops throws it, the WebUSB
 * backend re-exports it.
 */
import { DfuFlashError, hex16 } from '../shared/errors.js';
import { USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU } from './descriptors/constants.js';

/** A vendor's device, to narrow the chooser to it; productId left out = any product of that vendor. */
export interface VidPid {
  vendorId: number;
  productId?: number | undefined;
}

/** A device filter as WebUSB's requestDevice takes it (USBDeviceFilter). */
export interface DeviceFilter {
  vendorId?: number;
  productId?: number;
  classCode?: number;
  subclassCode?: number;
  protocolCode?: number;
  serialNumber?: string;
}

/** Devices with a DFU interface (class 0xFE, subclass 0x01; runtime or DFU mode), optionally only these VID:PIDs. */
export function dfuDeviceFilters(ids: readonly VidPid[] = []): DeviceFilter[] {
  const dfu = { classCode: USB_CLASS_APP_SPECIFIC, subclassCode: USB_SUBCLASS_DFU };
  if (ids.length === 0) return [dfu];
  return ids.map((id) => (id.productId === undefined ? { vendorId: id.vendorId, ...dfu } : { vendorId: id.vendorId, productId: id.productId, ...dfu }));
}

/** "0483:df11", "vendor 0483", "any device" (with the serial when the filter names one). */
export function describeFilter(f: DeviceFilter): string {
  const id = f.vendorId === undefined ? 'any device' : f.productId === undefined ? `vendor ${hex16(f.vendorId)}` : `${hex16(f.vendorId)}:${hex16(f.productId)}`;
  return f.serialNumber === undefined ? id : `${id} with serial ${f.serialNumber}`;
}

export interface NeedsPermissionOptions {
  /** What happened, e.g. "after DFU_DETACH, 0483:5740 at webusb-1 re-enumerated in DFU mode as a new USB device". */
  reason?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * The error an operation throws when the device it waits for (in its new
 * mode) may be on the bus but is not granted to the page. `details.filters` is
 * what the page passes to navigator.usb.requestDevice; `details.reason` is
 * 'needs-permission'.
 */
export function needsPermissionError(filters: DeviceFilter[], options: NeedsPermissionOptions = {}): DfuFlashError {
  const which = filters.map(describeFilter).join(' or ');
  const reason = options.reason ?? 'the device re-enumerated in DFU mode as a new USB device';
  return new DfuFlashError('NEEDS_PERMISSION', `${reason}, and this page has no permission to use it yet (${which}, DFU interface)`, {
    hint:
      'select the board in DFU mode in the browser’s device list, then run the operation again: it continues from the device in DFU mode ' +
      '(a page calls requestDevice({ filters: error.details.filters }) of its WebUSB backend from a click)',
    details: { reason: 'needs-permission', ...options.details, filters },
  });
}
