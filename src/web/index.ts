/**
 * dfu-flash for browsers (`dfu-flash/web`): one ES module with no Node
 * built-ins and no `usb`, bundled by scripts/bundle-web.mjs into
 * dist/web/dfu-flash.js. Everything here must run in a page.
 *
 *   import { webUsbBackend, parseFirmware } from './dfu-flash.js';
 *   const backend = webUsbBackend();            // navigator.usb
 *   const boards = await backend.list();        // the devices this page may use
 */

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

// firmware files: every format into one sparse FirmwareImage
export {
  parseFirmware,
  detectFormat,
  FORMAT_NAMES,
  imageSize,
  parseDfuSuffix,
  type FirmwareFormat,
  type FirmwareImage,
  type ImageSegment,
  type ParseFirmwareOptions,
} from '../formats/index.js';

// the DfuSe memory layout of an alt setting's name
export { parseMemoryLayout } from '../dfu/memory-layout.js';
export type { MemoryLayout, MemorySegment } from '../dfu/plan-types.js';

// errors and the transport types
export { DfuFlashError, isDfuFlashError, hex16, hex32, type ErrorCode } from '../shared/errors.js';
export type { BackendCapabilities, DfuAltSetting, DfuDeviceInfo, DfuTransport, FunctionalDescriptor, UsbBackend } from '../transport/types.js';
