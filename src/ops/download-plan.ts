/**
 * The whole download job as one value, worked out before the first DFU
 * request: each alt setting's part with its erase/write plan, the leave,
 * whether it is read back, and the warnings to give. A dry run describes it;
 * execution walks it. Every mistake the image or the options can contain is
 * thrown from here, before anything is sent.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { describePlan, planDfuDownload, planDfuseDownload } from '../dfu/planner.js';
import { planReach, realFlashWarning } from '../dfu/quirk-apply.js';
import { dfuStartAddress } from '../dfu/dfu-start.js';
import type { DownloadPlan, MemoryLayout } from '../dfu/plan-types.js';
import { imageSize, type FirmwareImage } from '../formats/image.js';
import { placeImage } from '../formats/raw.js';
import { dfuseTargetImage } from '../formats/index.js';
import type { DfuAltSetting } from '../transport/types.js';
import { checkSuffixIds, flattenForDfu } from './image-for-device.js';
import { isOptionBytesRegion, massEraseWarning, orderForWillReset, type Warning } from './destructive.js';
import { summarize } from './summary.js';
import type { PreparedTarget } from './target.js';
import type { DeviceSummary, DownloadRequest, VerifySkipped } from './types.js';
import { VERIFY_SKIP_TEXT } from './verify-text.js';

export { VERIFY_SKIP_TEXT };

/** One alt setting's share of a download. */
export interface JobPart {
  alt: DfuAltSetting;
  layout?: MemoryLayout | undefined;
  plan: DownloadPlan;
}

export interface DownloadJob {
  device: DeviceSummary;
  dialect: 'dfuse' | 'dfu';
  transferSize: number;
  /** In execution order (option bytes last). */
  parts: JobPart[];
  /** Bytes of image data the job writes. */
  bytes: number;
  /** Read every written byte back and compare. */
  verify: boolean;
  /** Why not, when not. */
  verifySkipped?: VerifySkipped | undefined;
  skipUnchanged: boolean;
  /** The last part writes the option bytes (the chip reloads them when it resets). */
  optionBytesLast: boolean;
  /** For messages: the file the image came from, or 'the image'. */
  imageName: string;
  /** Reset the device at the end (DFU_DETACH + USB reset unless it detaches itself). */
  reset: boolean;
  /** To give before the first transfer (destructive steps, layouts that lie). */
  warnings: Warning[];
}

/** The vector table of an image sits at its lowest address: that is where a DfuSe leave should jump. */
function lowestAddress(image: FirmwareImage): number {
  return Math.min(...image.segments.map((s) => s.address));
}

function usage(message: string, hint: string, reason: string): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint, details: { reason } });
}

/** Work out every part and its plan; throws before the device is opened. */
function planParts(req: DownloadRequest, p: PreparedTarget, transferSize: number, warnings: Warning[]): JobPart[] {
  const { image } = req;
  const name = req.imageName ?? 'the image';
  const opts = req.dfuse ?? (req.leave && p.dfuse ? { leave: true, massErase: false, unprotect: false, willReset: false, force: false } : undefined);
  const { target } = p;
  const common = { transferSize, force: opts?.force ?? false, willReset: opts?.willReset ?? false };
  if (image.targets !== undefined) {
    if (!p.dfuse) {
      throw new DfuFlashError('UNSUPPORTED', `${name} is a DfuSe file, but the device speaks plain DFU 1.1`, {
        hint: 'convert it to a binary, or flash it to a DfuSe device',
        details: { reason: 'dfuse-file-on-dfu11' },
      });
    }
    if (opts?.address !== undefined) {
      throw usage(`${name} is a DfuSe file: its addresses come from the file, so the address ${hex32(opts.address)} does not apply`, 'give no address (leave and the other modifiers are fine)', 'address-with-dfuse-file');
    }
    const wanted = req.selector.alt === undefined ? image.targets : image.targets.filter((t) => t.alternateSetting === target.alt.alternateSetting);
    if (wanted.length === 0) {
      throw usage(
        `${name} has no target for alt setting ${target.alt.alternateSetting} (its targets are for alt ${image.targets.map((t) => t.alternateSetting).join(', ')})`,
        'choose no alt setting to flash every target of the file to its own alt setting',
        'no-target-for-alt',
      );
    }
    const parts = wanted.map((t, i): JobPart => {
      const alt = target.device.alts.find((a) => a.interfaceNumber === target.alt.interfaceNumber && a.alternateSetting === t.alternateSetting);
      if (alt === undefined) {
        throw new DfuFlashError('NO_DEVICE', `${name} has a target for alt setting ${t.alternateSetting} ("${t.name}"), which the device does not have`, {
          hint: "check that the file is for this device (compare the file's targets with the device's alt settings)",
          details: { reason: 'file-target-alt-missing' },
        });
      }
      const layout = p.layoutFor(alt);
      return { alt, layout, plan: planDfuseDownload(dfuseTargetImage(image, t), layout, { ...common, massErase: i === 0 && (opts?.massErase ?? false) }) };
    });
    const last = parts[parts.length - 1]!;
    if (opts?.leave) last.plan = { ...last.plan, leave: { address: lowestAddress(dfuseTargetImage(image, wanted[0]!)) } };
    return willResetLast(parts, name, warnings);
  }
  if (p.dfuse) {
    const layout = p.layoutFor(target.alt);
    if (opts?.address === undefined && !image.addressed) {
      const start = layout.segments[0]?.start;
      throw new DfuFlashError('USAGE', 'a raw binary needs an address on a DfuSe device', {
        hint: start === undefined ? 'give the address to write it to' : `give the address to write it to, e.g. ${hex32(start)} (the start of ${layout.name})`,
        details: { reason: 'raw-needs-address', ...(start === undefined ? {} : { start, region: layout.name }) },
      });
    }
    if (opts?.address !== undefined && image.addressed) {
      throw usage(`${name} (${image.format}) carries its own addresses, so the address ${hex32(opts.address)} does not apply`, 'give no address (leave and the other modifiers are fine), or convert the file to a binary first', 'address-with-addressed-image');
    }
    const placed = opts?.address === undefined ? image : placeImage(image, opts.address);
    const plan = planDfuseDownload(placed, layout, {
      ...common,
      massErase: opts?.massErase ?? false,
      leave: opts?.leave ?? false,
      leaveAddress: opts?.address ?? lowestAddress(placed),
    });
    return willResetLast([{ alt: target.alt, layout, plan }], name, warnings);
  }
  if (opts !== undefined) {
    throw new DfuFlashError('USAGE', 'a DfuSe address or modifier was given, but this device speaks plain DFU 1.1', {
      hint: 'give none: a DFU 1.1 device decides itself where the image goes',
      details: { reason: 'dfuse-options-on-dfu11', operation: 'download' },
    });
  }
  const data = flattenForDfu(image, dfuStartAddress(target.device, target.alt), name);
  return [{ alt: target.alt, plan: planDfuDownload(data, { transferSize }) }];
}

/** Option-bytes parts: will-reset, last, announced (destructive.ts). */
function willResetLast(parts: JobPart[], name: string, warnings: Warning[]): JobPart[] {
  const ordered = orderForWillReset(parts, name);
  warnings.push(...ordered.warnings);
  return ordered.parts;
}

/** Can every written byte be read back, and should it be? */
function verifyDecision(req: DownloadRequest, p: PreparedTarget, parts: JobPart[]): { verify: boolean; skipped?: VerifySkipped } {
  const mode = req.verify ?? 'if-possible';
  if (mode === 'off') return { verify: false, skipped: 'off' };
  let why: VerifySkipped | undefined;
  if (!p.functional.canUpload) why = 'upload-not-supported';
  else if (!p.dfuse && (p.functional.willDetach || !p.functional.manifestationTolerant)) why = 'leaves-after-manifestation';
  else if (parts.every((part) => part.plan.willReset)) why = 'resets-after-write';
  else if (parts.some((part) => part.layout !== undefined && !part.plan.willReset && !writesReadable(part))) why = 'not-readable';
  if (why === undefined) return { verify: true };
  if (mode === 'required' && why !== 'resets-after-write') {
    throw new DfuFlashError('USAGE', `the download cannot be verified on this device: ${VERIFY_SKIP_TEXT[why]}`, {
      hint: 'flash without verification (the device checks the image itself, if it can)',
      details: { reason: 'cannot-verify', verifySkipped: why },
    });
  }
  return { verify: false, skipped: why };
}


function writesReadable(part: JobPart): boolean {
  const segs = part.layout?.segments ?? [];
  return part.plan.writes.every((w) => {
    const end = w.address + w.data.length;
    return segs.filter((s) => s.start < end && s.end > w.address).every((s) => s.readable);
  });
}

/** Plan the download on a prepared target. Pure apart from reading the target's layouts. */
export function planDownloadJob(req: DownloadRequest, p: PreparedTarget): DownloadJob {
  const { image } = req;
  const name = req.imageName ?? 'the image';
  if (req.dfuse?.unprotect) {
    throw usage(
      'unprotect cannot be combined with a download: lifting read-out protection makes the chip erase its whole flash and reset, so nothing would be written',
      'unprotect on its own first, then download the firmware',
      'unprotect-with-download',
    );
  }
  if (imageSize(image) === 0) {
    throw new DfuFlashError('FORMAT', `${name} contains no data to flash (format ${image.format})`, { hint: 'check that the build produced the firmware', details: { reason: 'empty-image' } });
  }
  if (!req.ignoreSuffix) checkSuffixIds(image, p.target.device, name);
  if (!p.functional.canDownload) {
    throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support download (bitCanDnload is 0)', {
      hint: 'choose another alt setting or interface',
      details: { reason: 'cannot-download' },
    });
  }
  const transferSize = p.transferSize(req.transferSize);
  const warnings: Warning[] = [];
  const parts = planParts(req, p, transferSize, warnings);
  for (const part of parts) {
    const w = part.layout && realFlashWarning(part.layout, p.quirksFor(part.alt), planReach(part.plan));
    if (w) warnings.push(w);
    if (part.layout && part.plan.massErase) warnings.push(massEraseWarning(part.layout, part.plan));
  }
  const skipUnchanged = req.skipUnchanged === true && p.dfuse;
  if (req.skipUnchanged && !p.dfuse) warnings.push({ message: 'skipping unchanged sectors needs addressed reads (DfuSe): this DFU 1.1 device gets a full download', hint: '' });
  const decision = verifyDecision(req, p, parts);
  const optionBytesLast = isOptionBytesRegion(parts[parts.length - 1]!.layout);
  if (decision.skipped === 'resets-after-write' && optionBytesLast) {
    warnings.push({ message: 'the option bytes are not read back: the chip resets after the write', hint: '' });
  } else if (decision.skipped !== undefined && decision.skipped !== 'off') {
    warnings.push({ message: `the download will not be read back: ${VERIFY_SKIP_TEXT[decision.skipped]}`, hint: '' });
  }
  return {
    device: summarize(p.target),
    dialect: p.dfuse ? 'dfuse' : 'dfu',
    transferSize,
    parts,
    bytes: imageSize(image),
    verify: decision.verify,
    verifySkipped: decision.skipped,
    skipUnchanged,
    imageName: name,
    optionBytesLast,
    reset: req.reset || (req.leave === true && !p.dfuse),
    warnings,
  };
}

/** The job as lines, one step per line (a dry run). */
export function describeJob(job: DownloadJob): string[] {
  const verify = job.verify ? 'verify: read every written byte back and compare' : `no verification: ${VERIFY_SKIP_TEXT[job.verifySkipped ?? 'off']}`;
  return job.parts.flatMap((p, i) => {
    const lines = describePlan(p.plan, p.layout);
    if (i === job.parts.length - 1) {
      // read back after the writes: before a DfuSe leave, after a DFU 1.1 manifestation
      const at = lines.findIndex((l) => /^(leave|stay in DFU mode|will-reset)/.test(l));
      const manifest = lines.findIndex((l) => l.startsWith('manifest'));
      lines.splice(at >= 0 ? at : manifest >= 0 ? manifest + 1 : lines.length - 1, 0, verify);
    }
    return [...(job.parts.length > 1 ? [`alt ${p.alt.alternateSetting} (${p.layout?.name ?? p.alt.name ?? ''}):`] : []), ...lines];
  });
}

export { isOptionBytesRegion };
