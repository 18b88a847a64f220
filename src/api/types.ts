/**
 * The options of dfu-flash's public operations. Every operation takes a
 * backend (`usbBackend()` from 'dfu-flash/usb', `simBackend()` from
 * 'dfu-flash/sim', `webUsbBackend()` from 'dfu-flash/web') and a selection,
 * and gets everything it needs as values: bytes in, data out. Units are in the
 * names (`…Ms` milliseconds); addresses are numbers (0x08000000).
 */
import type { Clock } from '../transport/clock.js';
import type { UsbBackend } from '../transport/types.js';
import type { FlashEvent } from '../dfu/events.js';
import type { FirmwareImage } from '../formats/image.js';
import type { DeviceSelector } from '../ops/types.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';

/**
 * Which device and interface to use, with dfu-util's meanings. All optional:
 * with one DFU device attached, nothing needs to be said.
 */
export interface Selection {
  /**
   * dfu-util's -d: `'0483:df11'` (run-time IDs; a DFU-mode device with the same
   * IDs is preferred, and after a detach the board is followed by port path
   * whatever its IDs become), `'0483:5740,0483:df11'` (run-time, DFU mode),
   * `',0483:df11'` (DFU mode only); `*` matches any, `-` on the run-time side none.
   */
  device?: string | undefined;
  /** dfu-util's -S: the serial, or `'runtimeSerial,dfuSerial'`. */
  serial?: string | undefined;
  /** The port path, as listDevices reports it (`'1-1.4'`; WebUSB: `'webusb-3'`, until the device re-enumerates): the board across re-enumeration. */
  path?: string | undefined;
  /** The USB device address (dfu-util's -n). */
  devnum?: number | undefined;
  /** bConfigurationValue (dfu-util's -c). */
  cfg?: number | undefined;
  /** The interface number (dfu-util's -i). */
  intf?: number | undefined;
  /** The alt setting: its number, its exact interface string, or its DfuSe region name (`'Internal Flash'`). */
  alt?: number | string | undefined;
}

/** What every operation takes. */
export interface CommonOptions {
  backend: UsbBackend;
  select?: Selection | undefined;
  /** The selection already parsed (what `select` becomes); used instead of `select` when given. */
  selector?: DeviceSelector | undefined;
  /**
   * Progress and diagnostics. For one operation, in this order:
   * `plan-ready` (downloads, once per part, before any transfer); then for each
   * phase in order (detach, wait, erase, download, verify, upload, manifest, leave):
   * `phase-start` → `phase-progress`* (cumulative bytes, never decreasing) → `phase-end`.
   * `warning` and `debug` may come at any time. A failing phase has no `phase-end`:
   * the operation rejects with a DfuFlashError instead.
   */
  onEvent?: ((event: FlashEvent) => void) | undefined;
  /**
   * Abort: the operation stops at the next block boundary, takes the device
   * back to dfuIDLE (DFU_ABORT), releases it and rejects with code ABORTED.
   */
  signal?: AbortSignal | undefined;
  /** Timeout of each control transfer (default 5000 ms). */
  transferTimeoutMs?: number | undefined;
  /** One `debug` event per control transfer. */
  trace?: boolean | undefined;
  /** The clock every wait goes through (default: real time); pass the simulated backend's for instant tests. */
  clock?: Clock | undefined;
}

/** Getting hold of the device. */
export interface AcquireOptions {
  /** Wait up to waitTimeoutMs for a matching device to appear (dfu-util's -w). */
  wait?: boolean | undefined;
  /** Longest wait for a device to appear, or to come back in DFU mode after a detach (default 10000 ms). */
  waitTimeoutMs?: number | undefined;
  /** Detach a runtime-mode device first and follow it into DFU mode (default true). */
  autoDetach?: boolean | undefined;
}

export interface ListOptions {
  backend: UsbBackend;
  /** Only the devices (and with intf/alt, the alt settings) this selects. */
  select?: Selection | undefined;
  selector?: DeviceSelector | undefined;
}

export interface DownloadOptions extends CommonOptions, AcquireOptions {
  /** A parsed image (parseFirmware), or the bytes of a firmware file in any format (detected from the content). */
  image: FirmwareImage | Uint8Array;
  /** DfuSe: where a raw binary goes (an image with addresses of its own takes none). */
  address?: number | undefined;
  /** Leave DFU mode at the end and start the application (DfuSe: jump to the image's lowest address). */
  leave?: boolean | undefined;
  /**
   * Read every written byte back and compare (default true: done wherever the
   * device can upload what was written; the result says when it could not).
   * `'required'`: refuse (before any transfer) a device that cannot be verified.
   */
  verify?: boolean | 'required' | undefined;
  /** DfuSe: read each sector the image touches first; erase and write only those that differ. */
  skipUnchanged?: boolean | undefined;
  /** DfuSe: erase the whole memory first instead of only the sectors the image needs. */
  massErase?: boolean | undefined;
  /** DfuSe: write to memory the layout says is not writable, or outside it. */
  force?: boolean | undefined;
  /** DfuSe: the chip resets after the write (option bytes): no final abort, its leaving is success. */
  willReset?: boolean | undefined;
  /** Bytes per block instead of the device's wTransferSize. */
  transferSize?: number | undefined;
  /** Reset the device at the end (DFU_DETACH, then a USB reset unless it detaches itself). */
  reset?: boolean | undefined;
  /** Flash even when the image's DFU suffix names another VID:PID. */
  ignoreSuffix?: boolean | undefined;
  /** After leaving, watch the bus this long for the device coming back to its bootloader (a `warning` event if it does). */
  watchAfterLeaveMs?: number | undefined;
  /** For messages: the name of the file the image came from. */
  imageName?: string | undefined;
  /** Quirk flags to use whatever dfu-flash's quirk table says about the device (e.g. `{ blockAddressing: false }`). */
  quirks?: Partial<Quirks> | undefined;
  /**
   * dfu-util's `-s ADDR[:LEN][:leave][:mass-erase][:will-reset][:force]` as
   * parseDfuseAddress returns it, instead of address/leave/massErase/force/willReset:
   * a DFU 1.1 device refuses it, as dfu-util's -s is for DfuSe devices only.
   */
  dfuse?: DfuseOptions | undefined;
}

export interface UploadOptions extends CommonOptions, AcquireOptions {
  /** DfuSe: where to read from (default: the start of the alt setting's memory). */
  address?: number | undefined;
  /** DfuSe: how many bytes; plain DFU: the most to read (default: until the device ends the upload). */
  length?: number | undefined;
  /** DfuSe: read outside the memory the layout says is readable. */
  force?: boolean | undefined;
  transferSize?: number | undefined;
  reset?: boolean | undefined;
  /** Quirk flags to use whatever dfu-flash's quirk table says about the device. */
  quirks?: Partial<Quirks> | undefined;
  /** dfu-util's parsed `-s ADDR:LEN` (see DownloadOptions.dfuse), instead of address/length/force. */
  dfuse?: DfuseOptions | undefined;
}

export interface DetachOptions extends CommonOptions {
  /** Wait until the device is back in DFU mode (up to waitTimeoutMs). */
  wait?: boolean | undefined;
  waitTimeoutMs?: number | undefined;
}

export interface LeaveOptions extends CommonOptions, AcquireOptions {
  /** DfuSe: the address to jump to (default: the one the device uses). */
  address?: number | undefined;
}

export interface MassEraseOptions extends CommonOptions, AcquireOptions {
  /** Leave DFU mode afterwards (jumping to `address`, if given). */
  leave?: boolean | undefined;
  address?: number | undefined;
}

export interface UnprotectOptions extends CommonOptions, AcquireOptions {
  /** How long to watch for the device coming back in DFU mode (default 10000 ms; 0 = not at all). */
  returnTimeoutMs?: number | undefined;
}

export interface ParseOptions {
  /** For a raw binary: the address it belongs at (it then carries addresses like a hex file). */
  address?: number | undefined;
  /** Force a format instead of detecting it from the content. */
  format?: 'auto' | 'bin' | 'ihex' | 'srec' | 'elf' | 'dfuse' | undefined;
  /** For messages, and to refuse a text file named .bin. */
  fileName?: string | undefined;
}
