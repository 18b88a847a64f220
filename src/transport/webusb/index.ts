/**
 * The WebUSB backend: dfu-flash in a browser, over `navigator.usb`. The only
 * user of navigator.usb in the project; it imports no Node built-ins.
 */
export { WebUsbBackend, webUsbBackend, type RequestDeviceOptions, type WebUsbBackendOptions } from './backend.js';
export { WebUsbTransport } from './transport.js';
export { dfuDeviceFilters, needsPermissionError, requestDfuDevice, type NeedsPermissionOptions, type VidPid } from './permission.js';
export { detectPlatform, webUsbCapabilities, type WebUsbPlatform } from './platform.js';
export { mapWebUsbError, webUsbErrorName } from './webusb-errors.js';
export { fromWebUsbSetup, toWebUsbSetup } from './setup.js';
export type * from './webusb-types.js';
