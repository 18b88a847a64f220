/** Requests and results of the use cases. The CLI builds requests (validated with zod) and renders results. */
import type { Clock } from '../transport/clock.js';
import type { DfuAltSetting, DfuDeviceInfo, UsbBackend } from '../transport/types.js';
import type { Emit, Phase } from '../dfu/events.js';
import type { DfuseOptions, MemoryLayout } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';

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
  /** Emit a debug line for every control transfer (-v). */
  trace?: boolean | undefined;
  /** Per-control-transfer timeout in ms (--transfer-timeout); DfuRequests' default (5000) when absent. */
  transferTimeoutMs?: number | undefined;
}

export interface DownloadRequest extends AcquireOptions {
  selector: DeviceSelector;
  file: string;
  dfuse?: DfuseOptions | undefined;
  /** Override wTransferSize (-t). */
  transferSize?: number | undefined;
  /** -R: reset the device after the operation. */
  reset: boolean;
  /** Read back every written range and compare. */
  verify?: boolean | undefined;
  /** Read each touched sector first; erase and write only the sectors that differ. */
  skipUnchanged?: boolean | undefined;
  /** Plan only: resolve the device and the plan, transfer nothing. */
  dryRun?: boolean | undefined;
  /** File format; 'auto' (default) detects it from the content. */
  format?: 'auto' | 'bin' | 'ihex' | 'srec' | 'elf' | 'dfuse' | undefined;
  /** Flash even when the file's DFU suffix names another VID:PID. */
  ignoreSuffix?: boolean | undefined;
  /** After leave/manifestation, watch the bus this long for the device coming back to the bootloader (0 = don't). */
  watchAfterLeaveMs?: number | undefined;
  /** Quirk flags to use whatever the quirk table says (e.g. { blockAddressing: false }); tests turn quirks off with it. */
  forceQuirks?: Partial<Quirks> | undefined;
}

export interface UploadRequest extends AcquireOptions {
  selector: DeviceSelector;
  file: string;
  dfuse?: DfuseOptions | undefined;
  /** -Z: expected upload size (plain DFU: progress only; also a cap). */
  uploadSize?: number | undefined;
  transferSize?: number | undefined;
  /** Overwrite an existing output file. */
  force: boolean;
  reset: boolean;
  /** Quirk flags to use whatever the quirk table says (see DownloadRequest.forceQuirks). */
  forceQuirks?: Partial<Quirks> | undefined;
}

export interface DetachRequest {
  selector: DeviceSelector;
  /** Wait until the device is back in DFU mode. */
  wait?: boolean | undefined;
  waitTimeoutMs?: number | undefined;
}

/** How to get hold of the device: dfu-util's -w, and our deadline for re-enumeration. */
export interface AcquireOptions {
  /** -w: wait for a matching device to appear (up to waitTimeoutMs). */
  wait?: boolean | undefined;
  /** Deadline for waiting (appearing, or coming back in DFU mode after a detach). Default 10 s. */
  waitTimeoutMs?: number | undefined;
  /** Detach a runtime-mode device automatically when the operation needs DFU mode (default true). */
  autoDetach?: boolean | undefined;
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

export interface OperationResult {
  operation: 'download' | 'upload' | 'detach' | 'command';
  device: DeviceSummary;
  /** Bytes written (download) or read (upload). */
  bytes: number;
  elapsedMs: number;
  phases: PhaseSummary[];
  /** What happened at the end, in words: 'device left the bus after :leave', 'device reset'... */
  outcome?: string | undefined;
  /** Upload: the file written. */
  file?: string | undefined;
  /** Download with --verify: every written byte was read back and matched. */
  verified?: boolean | undefined;
  /** Download with --skip-unchanged: sectors and bytes left alone because they already held the image. */
  skipped?: { sectors: number; bytes: number } | undefined;
  /** --dry-run: the plan, as lines. */
  plan?: string[] | undefined;
}

/** One step of a plan file (`dfu-flash run plan.json`). */
export type PlanStep =
  | { kind: 'detach'; timeoutMs?: number | undefined }
  | {
      kind: 'download';
      file: string;
      alt?: number | string | undefined;
      dfuse?: DfuseOptions | undefined;
      verify?: boolean | undefined;
      skipUnchanged?: boolean | undefined;
      format?: DownloadRequest['format'];
      timeoutMs?: number | undefined;
    }
  | { kind: 'upload'; file: string; alt?: number | string | undefined; dfuse?: DfuseOptions | undefined; force?: boolean | undefined; timeoutMs?: number | undefined }
  | { kind: 'leave'; address?: number | undefined; timeoutMs?: number | undefined }
  | { kind: 'reset'; timeoutMs?: number | undefined };

/** A plan file: which boards, and what to do to each, in order. File names may use {port} and {serial}. */
export interface FlashPlan {
  selector: DeviceSelector;
  /** Run on every matching board in parallel (else exactly one board must match). */
  all: boolean;
  steps: PlanStep[];
  waitTimeoutMs?: number | undefined;
}

export interface StepResult {
  step: number;
  kind: PlanStep['kind'];
  ok: boolean;
  elapsedMs: number;
  result?: OperationResult | undefined;
  error?: { code: string; message: string; hint?: string | undefined } | undefined;
}
