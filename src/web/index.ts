/**
 * dfu-flash for browsers (`dfu-flash/web`): the same API as `dfu-flash` —
 * listDevices, download, upload, detach, parseFirmware, the errors and the
 * events — with the WebUSB backend, as one ES module with no Node built-ins
 * and no `usb`, bundled by scripts/bundle-web.mjs into dist/web/dfu-flash.js.
 *
 *   import { webUsbBackend, requestDfuDevice, download, parseFirmware } from 'dfu-flash/web';
 *   const backend = webUsbBackend();            // navigator.usb
 *   await requestDfuDevice(navigator.usb);      // in a click handler: the chooser
 *   await download({ backend, image: parseFirmware(bytes, { address: 0x08000000 }), leave: true });
 */

// the library: the same operations, results, errors and events as in Node
export * from '../index.js';

// WebUSB backend: list, open, requestDevice, watch; the NEEDS_PERMISSION round trip
export {
  WebUsbBackend,
  webUsbBackend,
  dfuDeviceFilters,
  needsPermissionError,
  requestDfuDevice,
  detectPlatform,
  webUsbCapabilities,
  type NeedsPermissionOptions,
  type RequestDeviceOptions,
  type VidPid,
  type WebUsbBackendOptions,
  type WebUsbPlatform,
  type WebUsbDeviceFilter,
} from '../transport/webusb/index.js';

// firmware files: formats and their detection (parseFirmware is the library's, above)
export { detectFormat, FORMAT_NAMES, imageSize, parseDfuSuffix, type FirmwareFormat, type ParseFirmwareOptions } from '../formats/index.js';

// the DfuSe memory layout of an alt setting's name
export { parseMemoryLayout } from '../dfu/memory-layout.js';
export type { MemoryLayout, MemorySegment } from '../dfu/plan-types.js';

export { hex16, hex32 } from '../shared/errors.js';

// runtime DFU interfaces of things nobody flashes (a Mac's Bluetooth controller, webcams): a page lists them apart
export { isUnrelatedRuntime } from '../ops/unrelated.js';
