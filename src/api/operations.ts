/**
 * The public operations: each turns its options into a use-case request
 * (src/ops), runs it, and returns plain data. Everything that can be checked
 * is checked before the first USB transfer.
 */
import { systemClock } from '../transport/clock.js';
import { noEmit } from '../dfu/events.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { FirmwareImage } from '../formats/image.js';
import { parseFirmware as parseFile } from '../formats/index.js';
import { placeImage } from '../formats/raw.js';
import { filterListed, listDevices as listAll } from '../ops/list.js';
import { download as runDownload, planDownload as planJob } from '../ops/download.js';
import { describeJob, type DownloadJob } from '../ops/download-plan.js';
import { upload as runUpload } from '../ops/upload.js';
import { detach as runDetach } from '../ops/detach.js';
import { leave as runLeave } from '../ops/leave.js';
import { dfuseCommand } from '../ops/command-mode.js';
import { matchingBoards } from '../ops/boards.js';
import { parseAlt, parseDeviceIds, parseInteger, parsePortPath, parseSerials } from './selection-text.js';
import { throwIfAborted } from '../ops/wait.js';
import type { CommandResult, DetachResult, DeviceSelector, DownloadRequest, DownloadResult, ListedDevice, OpContext, UploadResult, VerifyMode } from '../ops/types.js';
import type {
  CommonOptions,
  DetachOptions,
  DownloadOptions,
  LeaveOptions,
  ListOptions,
  MassEraseOptions,
  ParseOptions,
  Selection,
  UnprotectOptions,
  UploadOptions,
} from './types.js';

/** A Selection (dfu-util's syntax) as the use cases' selector; USAGE errors name the field. */
export function toSelector(select: Selection | undefined, parsed?: DeviceSelector): DeviceSelector {
  if (parsed !== undefined) return parsed;
  const s: DeviceSelector = {};
  if (select === undefined) return s;
  if (select.device !== undefined) Object.assign(s, parseDeviceIds(select.device, 'select.device'));
  if (select.serial !== undefined) Object.assign(s, parseSerials(select.serial, 'select.serial'));
  // a WebUSB device's path (webusb-N, see transport/webusb/identity.ts) is what listDevices reports for it too
  if (select.path !== undefined) s.path = /^webusb-[0-9]+$/.test(select.path) ? select.path : parsePortPath(select.path, 'select.path');
  const int = (name: string, v: number | undefined, max: number) => (v === undefined ? undefined : parseInteger(`select.${name}`, String(v), { min: 0, max }));
  const devnum = int('devnum', select.devnum, 255);
  if (devnum !== undefined) s.devnum = devnum;
  const cfg = int('cfg', select.cfg, 255);
  if (cfg !== undefined) s.cfg = cfg;
  const intf = int('intf', select.intf, 255);
  if (intf !== undefined) s.intf = intf;
  if (select.alt !== undefined) s.alt = typeof select.alt === 'number' ? parseAlt(String(select.alt), 'select.alt') : parseAlt(select.alt, 'select.alt');
  return s;
}

function contextOf(o: CommonOptions): OpContext {
  const ctx: OpContext = { backend: o.backend, clock: o.clock ?? systemClock, emit: o.onEvent ?? noEmit };
  if (o.trace) ctx.trace = true;
  if (o.transferTimeoutMs !== undefined) ctx.transferTimeoutMs = o.transferTimeoutMs;
  if (o.signal !== undefined) ctx.signal = o.signal;
  throwIfAborted(ctx);
  return ctx;
}

function acquireOf(o: { wait?: boolean | undefined; waitTimeoutMs?: number | undefined; autoDetach?: boolean | undefined }) {
  return { wait: o.wait, waitTimeoutMs: o.waitTimeoutMs, autoDetach: o.autoDetach };
}

/**
 * Parse a firmware file of any format — raw binary, Intel HEX, S-record, ELF,
 * DfuSe .dfu, any of them with a DFU suffix — detected from its content, into
 * one sparse image. `address` places a raw binary. FORMAT errors for anything
 * malformed or empty.
 */
export function parseFirmware(bytes: Uint8Array, options: ParseOptions = {}): FirmwareImage {
  const image = parseFile(bytes, { ...(options.fileName === undefined ? {} : { fileName: options.fileName }), format: options.format ?? 'auto' });
  return options.address !== undefined && !image.addressed ? { ...placeImage(image, options.address), addressed: true } : image;
}

/** Every DFU device (runtime or DFU mode) with its alt settings and parsed memory layouts, in port order. */
export async function listDevices(options: ListOptions): Promise<ListedDevice[]> {
  const all = await listAll({ backend: options.backend, clock: systemClock, emit: noEmit });
  return options.select === undefined && options.selector === undefined ? all : filterListed(all, toSelector(options.select, options.selector));
}

/**
 * The devices of a listing (listDevices) that a selection matches, as
 * listDevices({ select }) would list them, without listing the bus again.
 */
export function selectDevices(devices: readonly ListedDevice[], options: { select?: Selection | undefined; selector?: DeviceSelector | undefined }): ListedDevice[] {
  return options.select === undefined && options.selector === undefined ? [...devices] : filterListed(devices, toSelector(options.select, options.selector));
}

/** The boards (one per port) a selection matches, in DFU or (not unrelated) runtime mode: for flashing several at once. */
export async function findBoards(options: ListOptions): Promise<ListedDevice[]> {
  const boards = new Set(matchingBoards(await options.backend.list(), toSelector(options.select, options.selector)).map((d) => d.key));
  return (await listDevices({ backend: options.backend })).filter((d) => boards.has(d.key));
}

function verifyMode(v: DownloadOptions['verify']): VerifyMode {
  return v === false ? 'off' : v === 'required' ? 'required' : 'if-possible';
}

function downloadRequest(o: DownloadOptions): DownloadRequest {
  const image = o.image instanceof Uint8Array ? parseFirmware(o.image, o.imageName === undefined ? {} : { fileName: o.imageName }) : o.image;
  const dfuseAsked = o.address !== undefined || o.massErase || o.force || o.willReset;
  const dfuse: DfuseOptions | undefined =
    o.dfuse ??
    (dfuseAsked ? { address: o.address, leave: o.leave ?? false, massErase: o.massErase ?? false, unprotect: false, willReset: o.willReset ?? false, force: o.force ?? false } : undefined);
  return {
    ...acquireOf(o),
    selector: toSelector(o.select, o.selector),
    image,
    imageName: o.imageName,
    dfuse,
    leave: o.leave,
    transferSize: o.transferSize,
    reset: o.reset ?? false,
    verify: verifyMode(o.verify),
    skipUnchanged: o.skipUnchanged,
    ignoreSuffix: o.ignoreSuffix,
    watchAfterLeaveMs: o.watchAfterLeaveMs,
    forceQuirks: o.quirks,
  };
}

/**
 * Write an image to the selected device: DfuSe devices get exactly the
 * sectors the image touches erased (all erases first), then block-addressed
 * writes; plain DFU 1.1 devices get the image in wTransferSize blocks and
 * manifestation. Read back and compared by default. A device that leaves the
 * bus after a leave or manifestation, as it said it would, is a success.
 */
export async function download(options: DownloadOptions): Promise<DownloadResult> {
  const ctx = contextOf(options);
  return runDownload(downloadRequest(options), ctx);
}

/** A download's plan — every erase, write, the leave, the verification — worked out on the selected device; nothing is sent. */
export async function planDownload(options: DownloadOptions): Promise<DownloadJob & { lines: string[] }> {
  const ctx = contextOf(options);
  const job = await planJob(downloadRequest(options), ctx);
  return { ...job, lines: describeJob(job) };
}

function uploadRequest(o: UploadOptions) {
  const dfuse: DfuseOptions | undefined =
    o.dfuse ?? (o.address !== undefined || o.force ? { address: o.address, length: o.length, leave: false, massErase: false, unprotect: false, willReset: false, force: o.force ?? false } : undefined);
  return { ...acquireOf(o), selector: toSelector(o.select, o.selector), dfuse, uploadSize: o.length, transferSize: o.transferSize, reset: o.reset ?? false, forceQuirks: o.quirks };
}

/** Read memory (DfuSe: `length` bytes from `address`) or the firmware (DFU 1.1), with what it took. */
export async function uploadDetailed(options: UploadOptions): Promise<UploadResult> {
  const ctx = contextOf(options);
  return runUpload(uploadRequest(options), ctx);
}

/** Read memory (DfuSe: `length` bytes from `address`) or the firmware (DFU 1.1). */
export async function upload(options: UploadOptions): Promise<Uint8Array> {
  return (await uploadDetailed(options)).data;
}

/** Switch a runtime-mode device to its DFU bootloader (DFU_DETACH, then a USB reset unless it detaches itself). */
export async function detach(options: DetachOptions): Promise<DetachResult> {
  const ctx = contextOf(options);
  return runDetach({ selector: toSelector(options.select, options.selector), wait: options.wait, waitTimeoutMs: options.waitTimeoutMs }, ctx);
}

/** Leave DFU mode and start the application (DfuSe: jump to `address`; DFU 1.1: reset). */
export async function leave(options: LeaveOptions): Promise<CommandResult> {
  const ctx = contextOf(options);
  return runLeave({ ...acquireOf(options), selector: toSelector(options.select, options.selector), address: options.address }, ctx);
}

/** Reset the device (DFU_DETACH, then a USB reset unless it detaches itself). */
export async function reset(options: CommonOptions & { wait?: boolean; waitTimeoutMs?: number; autoDetach?: boolean }): Promise<CommandResult> {
  const ctx = contextOf(options);
  return runLeave({ ...acquireOf(options), selector: toSelector(options.select, options.selector), reset: true }, ctx);
}

/** DfuSe: erase all of the alt setting's memory. Everything in it is lost. */
export async function massErase(options: MassEraseOptions): Promise<CommandResult> {
  const ctx = contextOf(options);
  return dfuseCommand({ ...acquireOf(options), selector: toSelector(options.select, options.selector), kind: 'mass-erase', leave: options.leave, address: options.address }, ctx);
}

/** DfuSe: lift read-out protection. The chip erases all of its flash and resets. */
export async function unprotect(options: UnprotectOptions): Promise<CommandResult> {
  const ctx = contextOf(options);
  return dfuseCommand({ ...acquireOf(options), selector: toSelector(options.select, options.selector), kind: 'unprotect', returnTimeoutMs: options.returnTimeoutMs }, ctx);
}
