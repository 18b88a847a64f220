/**
 * Requests and results of the use cases. Bytes in, data out: a download takes
 * a parsed FirmwareImage, an upload returns the bytes read; files, paths and
 * sentences belong to the clients (the CLI, the web page, the station).
 */
import type { Clock } from '../transport/clock.js';
import type { DfuAltSetting, DfuDeviceInfo, UsbBackend } from '../transport/types.js';
import type { Emit, Phase } from '../dfu/events.js';
import type { DfuseOptions, MemoryLayout } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';
import type { FirmwareImage } from '../formats/image.js';

/** dfu-util's -d half: `vid:pid`, `*` = any, `-` on the runtime side = no runtime device wanted. */
export interface IdMatch {
  vendorId?: number | undefined; // undefined = any
  productId?: number | undefined; // undefined = any
}

/**
 * Which device and interface to use. Mirrors dfu-util: -d runtime[,dfu], -S serial[,dfuSerial],
 * -p path, -n devnum, -c cfg, -i intf, -a alt (number or name).
 */
export interface DeviceSelector {
  /** Runtime-mode ids; `null` means '-' (do not accept runtime devices). */
  runtimeIds?: IdMatch | null | undefined;
  /** DFU-mode ids. When only one pair is given (`-d vid:pid`) it applies to both modes. */
  dfuIds?: IdMatch | undefined;
  /**
   * Only one pair of ids was given (`-d 0483:5740`): after a detach the board is
   * followed into DFU mode by its port path, whatever ids it has there (dfu-util
   * considers any DFU-mode device then).
   */
  runtimeOnly?: boolean | undefined;
  runtimeSerial?: string | undefined;
  dfuSerial?: string | undefined;
  path?: string | undefined;
  devnum?: number | undefined;
  cfg?: number | undefined;
  intf?: number | undefined;
  /** Alt setting number, or a name: the exact iInterface string, or the parsed DfuSe region name. */
  alt?: number | string | undefined;
}

export interface OpContext {
  backend: UsbBackend;
  clock: Clock;
  emit: Emit;
  /** Emit a debug line for every control transfer. */
  trace?: boolean | undefined;
  /** Per-control-transfer timeout in ms; DfuRequests' default (5000) when absent. */
  transferTimeoutMs?: number | undefined;
  /** Stops the operation at the next block boundary, leaving the device in dfuIDLE (ABORTED). */
  signal?: AbortSignal | undefined;
}

/** How to get hold of the device: dfu-util's -w, and our deadline for re-enumeration. */
export interface AcquireOptions {
  /** Wait for a matching device to appear (up to waitTimeoutMs). */
  wait?: boolean | undefined;
  /** Deadline for waiting (appearing, or coming back in DFU mode after a detach). Default 10 s. */
  waitTimeoutMs?: number | undefined;
  /** Detach a runtime-mode device automatically when the operation needs DFU mode (default true). */
  autoDetach?: boolean | undefined;
}

/** Read-back verification: required (error before any transfer when impossible), when the device allows it, or not at all. */
export type VerifyMode = 'required' | 'if-possible' | 'off';

/** Why a download was not read back. */
export type VerifySkipped =
  /** The caller turned verification off. */
  | 'off'
  /** The interface cannot upload (bitCanUpload is 0). */
  | 'upload-not-supported'
  /** Part of the image lies in memory the layout says cannot be read. */
  | 'not-readable'
  /** A plain DFU device that leaves DFU mode after manifestation: nothing is left to read. */
  | 'leaves-after-manifestation'
  /** The chip resets after the write (option bytes, will-reset). */
  | 'resets-after-write';

export interface DownloadRequest extends AcquireOptions {
  selector: DeviceSelector;
  image: FirmwareImage;
  /** For messages: the file name the image came from ('the image' when absent). */
  imageName?: string | undefined;
  dfuse?: DfuseOptions | undefined;
  /**
   * Leave DFU mode at the end, however the dialect does it: DfuSe as dfuse.leave;
   * a DFU 1.1 device that stays in dfuIDLE after manifestation is reset.
   */
  leave?: boolean | undefined;
  /** Override wTransferSize. */
  transferSize?: number | undefined;
  /** Reset the device after the operation. */
  reset: boolean;
  /** Default 'if-possible'. */
  verify?: VerifyMode | undefined;
  /** Read each touched sector first; erase and write only the sectors that differ. */
  skipUnchanged?: boolean | undefined;
  /** Flash even when the image's DFU suffix names another VID:PID. */
  ignoreSuffix?: boolean | undefined;
  /** After leave/manifestation, watch the bus this long for the device coming back to the bootloader (0 = don't). */
  watchAfterLeaveMs?: number | undefined;
  /** Quirk flags to use whatever the quirk table says (e.g. { blockAddressing: false }); tests turn quirks off with it. */
  forceQuirks?: Partial<Quirks> | undefined;
}

export interface UploadRequest extends AcquireOptions {
  selector: DeviceSelector;
  dfuse?: DfuseOptions | undefined;
  /** Plain DFU: the most to read (also the progress total). DfuSe: the length when dfuse.length is absent. */
  uploadSize?: number | undefined;
  transferSize?: number | undefined;
  reset: boolean;
  forceQuirks?: Partial<Quirks> | undefined;
}

export interface DetachRequest {
  selector: DeviceSelector;
  /** Wait until the device is back in DFU mode. */
  wait?: boolean | undefined;
  waitTimeoutMs?: number | undefined;
}

export type DeviceMode = 'runtime' | 'dfu';

/** One alt setting as `list` shows it. */
export interface ListedAlt extends DfuAltSetting {
  /** Parsed DfuSe memory layout, when the name is one. */
  layout?: MemoryLayout | undefined;
  layoutError?: string | undefined;
}

export interface ListedDevice extends Omit<DfuDeviceInfo, 'alts'> {
  mode: DeviceMode;
  /** DfuSe (bcdDFUVersion 0x011A) device. */
  dfuse: boolean;
  alts: ListedAlt[];
  /** Serial that cannot tell boards apart (ST F0 `FFFFFFFEFFFF`, F105/F107 `STM32`). */
  serialNotUnique?: boolean;
  /** Names of the device quirks that apply to it (src/dfu/quirk-table.ts), when any. */
  quirks?: string[];
}

export interface DeviceSummary {
  vendorId: number;
  productId: number;
  serial?: string | undefined;
  portPath: string;
  mode: DeviceMode;
  interfaceNumber: number;
  alternateSetting: number;
  altName?: string | undefined;
}

export interface PhaseSummary {
  phase: Phase;
  bytes: number;
  elapsedMs: number;
}

/**
 * How a download ended:
 * - 'idle': the device stays in DFU mode, in dfuIDLE (no leave asked, or a DFU 1.1 device back in dfuIDLE after manifestation);
 * - 'left-bus': it left DFU mode after the leave request or manifestation and dropped off the bus, as it said it would;
 * - 'leave-acknowledged': a DfuSe leave was acknowledged and the device still answers (it is on its way out);
 * - 'reset': the host reset it (dfuMANIFEST-WAIT-RESET, or `reset: true`);
 * - 'detached': `reset: true` on a bitWillDetach device: it detached itself and was not reset;
 * - 'will-reset': the write was accepted and the chip resets by itself (option bytes, will-reset); 'will-reset-done' once it has.
 */
export type DownloadEnd = 'idle' | 'left-bus' | 'leave-acknowledged' | 'reset' | 'detached' | 'will-reset' | 'will-reset-done';

export interface DownloadResult {
  operation: 'download';
  device: DeviceSummary;
  /** Bytes of image data the download covers. */
  bytes: number;
  /** Bytes actually written (less than `bytes` when skipUnchanged left sectors alone). */
  written: number;
  elapsedMs: number;
  phases: PhaseSummary[];
  end: DownloadEnd;
  /** The device is a plain DFU 1.1 one and went through manifestation. */
  manifested: boolean;
  /** The last part written was the option bytes (the chip reloads them on its reset). */
  optionBytes: boolean;
  /** Every written byte was read back and matched. */
  verified: boolean;
  /** Why it was not, when it was not. */
  verifySkipped?: VerifySkipped | undefined;
  /** Sectors and bytes left alone because they already held the image (skipUnchanged). */
  skipped?: { sectors: number; bytes: number } | undefined;
}

export interface UploadResult {
  operation: 'upload';
  device: DeviceSummary;
  data: Uint8Array;
  bytes: number;
  /** Bytes asked for, when known; a device may end the upload early (a short frame). */
  requested?: number | undefined;
  elapsedMs: number;
  phases: PhaseSummary[];
  /** `reset: true`: what happened at the end. */
  end: 'idle' | 'reset' | 'detached';
}

/** What DETACH did, and where the device is now. */
export interface DetachResult {
  operation: 'detach';
  device: DeviceSummary;
  elapsedMs: number;
  phases: PhaseSummary[];
  /** 'detached': the device detached itself (bitWillDetach); 'reset': DFU_DETACH, then a USB reset. */
  end: 'detached' | 'reset';
  /** With `wait`: the device in DFU mode it came back as. */
  back?: DeviceSummary | undefined;
}

/** DfuSe command mode and leave/reset without a download. */
export interface CommandResult {
  operation: 'leave' | 'reset' | 'mass-erase' | 'unprotect';
  device: DeviceSummary;
  elapsedMs: number;
  phases: PhaseSummary[];
  /**
   * leave: 'left-bus' | 'leave-acknowledged'; reset: 'reset' | 'detached';
   * mass-erase: 'idle' (then, with a leave, the leave's end); unprotect: see `returned`.
   */
  end: 'idle' | 'left-bus' | 'leave-acknowledged' | 'reset' | 'detached' | 'unprotected';
  /** Unprotect: whether the device came back in DFU mode ('back' with where), is still there ('still-present'), or did not return. */
  returned?: { how: 'back'; vendorId: number; productId: number; portPath: string } | { how: 'still-present' } | { how: 'not-back'; waitedMs: number } | undefined;
}

export type OperationResult = DownloadResult | UploadResult | DetachResult | CommandResult;
