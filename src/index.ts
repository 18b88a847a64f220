/**
 * dfu-flash: a USB DFU 1.1 and ST DfuSe (AN3156) flasher engine for Node
 * programs. This module loads no native code: the libusb backend is
 * 'dfu-flash/usb', simulated devices are 'dfu-flash/sim'.
 *
 * ```ts
 * import { listDevices, download, parseFirmware } from 'dfu-flash';
 * import { usbBackend } from 'dfu-flash/usb';
 *
 * const backend = usbBackend();
 * try {
 *   const image = parseFirmware(bytes, { address: 0x08000000 });
 *   const result = await download({ backend, image, select: { device: '0483:df11', alt: 'Internal Flash' }, leave: true });
 * } finally {
 *   backend.dispose();
 * }
 * ```
 */
export {
  download,
  upload,
  uploadDetailed,
  detach,
  leave,
  reset,
  massErase,
  unprotect,
  listDevices,
  selectDevices,
  findBoards,
  planDownload,
  parseFirmware,
} from './api/operations.js';
export type {
  Selection,
  CommonOptions,
  AcquireOptions,
  ListOptions,
  DownloadOptions,
  UploadOptions,
  DetachOptions,
  LeaveOptions,
  MassEraseOptions,
  UnprotectOptions,
  ParseOptions,
} from './api/types.js';
export type {
  DownloadResult,
  DownloadEnd,
  UploadResult,
  DetachResult,
  CommandResult,
  OperationResult,
  DeviceSummary,
  PhaseSummary,
  ListedDevice,
  ListedAlt,
  DeviceMode,
  VerifySkipped,
  DeviceSelector,
  IdMatch,
} from './ops/types.js';
export type { DownloadJob, JobPart } from './ops/download-plan.js';
export { DfuFlashError, isDfuFlashError, type ErrorCode } from './shared/errors.js';
export type { FlashEvent, Phase } from './dfu/events.js';
export type { DownloadPlan, MemoryLayout, MemorySegment, EraseStep, WriteRun } from './dfu/plan-types.js';
export type { FirmwareImage, ImageSegment, DfuSuffixInfo, DfuseTarget } from './formats/image.js';
export type { UsbBackend, BackendCapabilities, DfuTransport, DfuDeviceInfo, DfuAltSetting, FunctionalDescriptor, SetupPacket, ControlOptions } from './transport/types.js';
export { systemClock, FakeClock, type Clock } from './transport/clock.js';
export {
  Station,
  createStation,
  downloadJob,
  type DownloadJobOptions,
  type DeviceSeen,
  type StationBoard,
  type StationEvent,
  type StationJob,
  type StationJobContext,
  type StationJobResult,
  type StationOptions,
  type StationStopReason,
  type StationSummary,
} from './station/index.js';
