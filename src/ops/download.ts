/** The download use case: read and parse, select, plan every part (all checks), then open and execute. */
import { DfuFlashError, hex32, isDfuFlashError } from '../shared/errors.js';
import { isDfuseInterface } from '../dfu/device-mode.js';
import { functionalWithQuirks, layoutWithQuirks, planReach, quirkedBackend, realFlashWarning, resolveQuirks } from '../dfu/quirk-apply.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import { describePlan, planDfuDownload, planDfuseDownload } from '../dfu/planner.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Download } from '../dfu/dfu11.js';
import { dfuseLeave, executeDfusePlan } from '../dfu/dfuse.js';
import { withStallStatus, type DfuSession } from '../dfu/session.js';
import { dfuStartAddress } from '../dfu/dfu-start.js';
import { imageSize, type FirmwareImage } from '../formats/image.js';
import { placeImage } from '../formats/raw.js';
import { dfuseTargetImage, parseFirmware } from '../formats/index.js';
import type { DownloadPlan, MemoryLayout } from '../dfu/plan-types.js';
import type { DfuAltSetting } from '../transport/types.js';
import { readInputFile } from './files.js';
import { resetAfter, watchAfterLeave } from './after.js';
import type { Target } from './select.js';
import { acquireDfuTarget } from './acquire.js';
import { requireFunctional, resolveTransferSize, withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { isOptionBytesRegion, massEraseWarning, orderForWillReset } from './destructive.js';
import { summarize } from './summary.js';
import { skipUnchangedPages, verifyDfuDownload, verifyDfuseWrites } from './readback.js';
import { checkSuffixIds, flattenForDfu } from './image-for-device.js';
import type { DownloadRequest, OpContext, OperationResult } from './types.js';

export function layoutOf(target: { alt: DfuAltSetting }): MemoryLayout {
  const name = target.alt.name;
  if (name === undefined || !isDfuseLayout(name)) {
    throw new DfuFlashError('LAYOUT', `alt setting ${target.alt.alternateSetting} has no DfuSe memory layout (its name is ${JSON.stringify(name ?? '')})`, {
      hint: 'choose the alt setting of the memory to write with -a (dfu-flash list shows them)',
    });
  }
  return parseMemoryLayout(name);
}

/** One alt setting's share of a download. */
interface Part {
  alt: DfuAltSetting;
  layout?: MemoryLayout | undefined;
  plan: DownloadPlan;
}

async function loadImage(req: DownloadRequest): Promise<FirmwareImage> {
  const bytes = await readInputFile(req.file);
  if (bytes.length === 0) throw new DfuFlashError('FORMAT', `${req.file} is empty`, { hint: 'check that the build produced the firmware file' });
  const image = parseFirmware(bytes, { fileName: req.file, format: req.format ?? 'auto' });
  if (imageSize(image) === 0) {
    throw new DfuFlashError('FORMAT', `${req.file} contains no data to flash (format ${image.format})`, { hint: 'check that the build produced the firmware' });
  }
  return image;
}

/** Work out every part and its plan; throws before the device is opened. */
function planParts(
  req: DownloadRequest,
  image: FirmwareImage,
  target: Target,
  transferSize: number,
  dfuse: boolean,
  layoutFor: (alt: DfuAltSetting) => MemoryLayout,
  warn: (message: string, hint?: string) => void,
): Part[] {
  const opts = req.dfuse;
  const common = {
    transferSize,
    force: opts?.force ?? false,
    willReset: opts?.willReset ?? false,
  };
  if (image.targets !== undefined) {
    if (!dfuse) {
      throw new DfuFlashError('UNSUPPORTED', `${req.file} is a DfuSe file, but the device speaks plain DFU 1.1`, {
        hint: 'convert it to a binary (dfu-flash convert) or flash it to a DfuSe device',
      });
    }
    if (opts?.address !== undefined) {
      throw new DfuFlashError('USAGE', `${req.file} is a DfuSe file: its addresses come from the file, so -s ${hex32(opts.address)} does not apply`, {
        hint: 'drop the address from -s (modifiers such as -s :leave are fine)',
      });
    }
    const wanted = req.selector.alt === undefined ? image.targets : image.targets.filter((t) => t.alternateSetting === target.alt.alternateSetting);
    if (wanted.length === 0) {
      throw new DfuFlashError('USAGE', `${req.file} has no target for alt setting ${target.alt.alternateSetting} (its targets are for alt ${image.targets.map((t) => t.alternateSetting).join(', ')})`, {
        hint: 'drop -a to flash every target of the file to its own alt setting',
      });
    }
    const parts = wanted.map((t, i): Part => {
      const alt = target.device.alts.find((a) => a.interfaceNumber === target.alt.interfaceNumber && a.alternateSetting === t.alternateSetting);
      if (alt === undefined) {
        throw new DfuFlashError('NO_DEVICE', `${req.file} has a target for alt setting ${t.alternateSetting} ("${t.name}"), which the device does not have`, {
          hint: 'check that the file is for this device (dfu-flash info shows its targets; dfu-flash list the device\'s alt settings)',
        });
      }
      const layout = layoutFor(alt);
      const plan = planDfuseDownload(dfuseTargetImage(image, t), layout, { ...common, massErase: i === 0 && (opts?.massErase ?? false) });
      return { alt, layout, plan };
    });
    const last = parts[parts.length - 1]!;
    if (opts?.leave) last.plan = { ...last.plan, leave: { address: lowestAddress(dfuseTargetImage(image, wanted[0]!)) } };
    return willResetLast(parts, req.file, warn);
  }
  if (dfuse) {
    const layout = layoutFor(target.alt);
    if (opts?.address === undefined && !image.addressed) {
      const start = layout.segments[0]?.start;
      throw new DfuFlashError('USAGE', 'a raw binary needs an address on a DfuSe device', {
        hint: start === undefined ? 'give one with -s ADDR' : `give one with -s ADDR, e.g. -s ${hex32(start)} (the start of ${layout.name})`,
      });
    }
    if (opts?.address !== undefined && image.addressed) {
      throw new DfuFlashError('USAGE', `${req.file} (${image.format}) carries its own addresses, so -s ${hex32(opts.address)} does not apply`, {
        hint: 'drop the address from -s (modifiers such as -s :leave are fine), or convert the file to a binary first',
      });
    }
    const placed = opts?.address === undefined ? image : placeImage(image, opts.address);
    const plan = planDfuseDownload(placed, layout, {
      ...common,
      massErase: opts?.massErase ?? false,
      leave: opts?.leave ?? false,
      leaveAddress: opts?.address ?? lowestAddress(placed),
    });
    return willResetLast([{ alt: target.alt, layout, plan }], req.file, warn);
  }
  if (opts !== undefined) {
    throw new DfuFlashError('USAGE', '-s (DfuSe address) is only for DfuSe devices; this device speaks plain DFU 1.1', {
      hint: 'drop -s: a DFU 1.1 device decides itself where the image goes',
    });
  }
  const data = flattenForDfu(image, dfuStartAddress(target.device, target.alt), req.file);
  return [{ alt: target.alt, plan: planDfuDownload(data, { transferSize }) }];
}

/** Option-bytes parts: will-reset, last, announced (destructive.ts). */
function willResetLast(parts: Part[], file: string, warn: (message: string, hint?: string) => void): Part[] {
  const ordered = orderForWillReset(parts, file);
  for (const w of ordered.warnings) warn(w.message, w.hint);
  return ordered.parts;
}

/** The vector table of an image sits at its lowest address: that is where a DfuSe leave should jump. */
function lowestAddress(image: FirmwareImage): number {
  return Math.min(...image.segments.map((s) => s.address));
}

export async function download(req: DownloadRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  ctx = { ...ctx, backend: quirkedBackend(ctx.backend, req.forceQuirks) };
  if (req.dfuse?.unprotect) {
    throw new DfuFlashError('USAGE', '-s …:unprotect cannot be combined with a download: lifting read-out protection makes the chip erase its whole flash and reset, so nothing would be written', {
      hint: 'run it on its own first (-s :unprotect:force, no file: DfuSe command mode), then download the firmware',
    });
  }
  const image = await loadImage(req);
  const { emit, phases } = recordPhases(ctx.emit);
  const { target } = await acquireDfuTarget({ ...ctx, emit }, req.selector, req);
  if (!req.ignoreSuffix) checkSuffixIds(image, target.device, req.file);
  const { quirks, applied } = resolveQuirks(target.device, target.alt, req.forceQuirks);
  if (applied.length > 0) emit({ type: 'debug', message: `device quirks: ${applied.join(', ')}` });
  const functional = functionalWithQuirks(requireFunctional(target), quirks);
  if (!functional.canDownload) {
    throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support download (bitCanDnload is 0)', {
      hint: 'choose another alt setting or interface (dfu-flash list)',
    });
  }
  const dfuse = isDfuseInterface(target.device, target.alt, functional);
  const warn = (message: string, hint?: string) => ctx.emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
  const altQuirks = (alt: DfuAltSetting) => resolveQuirks(target.device, alt, req.forceQuirks).quirks;
  const transferSize = resolveTransferSize({
    functional,
    override: req.transferSize,
    bMaxPacketSize0: target.device.bMaxPacketSize0,
    maxControlTransferBytes: ctx.backend.capabilities.maxControlTransferBytes,
    emitWarning: warn,
  });
  const parts = planParts(req, image, target, transferSize, dfuse, (alt) => layoutWithQuirks(layoutOf({ alt }), altQuirks(alt), warn), warn);
  for (const part of parts) {
    const w = part.layout && realFlashWarning(part.layout, altQuirks(part.alt), planReach(part.plan));
    if (w) warn(w.message, w.hint);
    if (part.layout && part.plan.massErase) {
      const m = massEraseWarning(part.layout, part.plan);
      warn(m.message, m.hint);
    }
  }
  if (!dfuse) {
    if (req.verify && (functional.willDetach || !functional.manifestationTolerant)) {
      throw new DfuFlashError('USAGE', '--verify is not possible on this device: it leaves DFU mode after manifestation, so nothing can be read back', {
        hint: 'drop --verify (the device checks the image itself, if it can), or use a DfuSe device',
      });
    }
    if (req.skipUnchanged) warn('--skip-unchanged needs addressed reads (DfuSe); this DFU 1.1 device gets a full download');
  }

  for (const part of parts) emit({ type: 'plan-ready', plan: part.plan });
  const base = { operation: 'download' as const, device: summarize(target), bytes: imageSize(image) };
  if (req.dryRun) {
    const plan = parts.flatMap((p) => [
      ...(parts.length > 1 ? [`alt ${p.alt.alternateSetting} (${p.layout?.name ?? p.alt.name ?? ''}):`] : []),
      ...describePlan(p.plan, p.layout),
    ]);
    return { ...base, elapsedMs: Math.round(ctx.clock.now() - started), phases, plan, outcome: 'dry run: nothing was sent to the device' };
  }

  let outcome: string | undefined;
  let skipped: { sectors: number; bytes: number } | undefined;
  let verified: boolean | undefined;
  const first = parts[0]!.plan;
  const firstPhase = first.massErase || first.erase.length > 0 ? 'erase' : 'download';
  const label = labelPhaseless(emit, { phase: firstPhase, address: first.erase[0]?.address ?? first.writes[0]?.address });
  await label.run(() => withSession({ ...ctx, emit: label.emit }, target, { transferSize, functional, quirks, trace: ctx.trace ?? false }, async (session) => {
    await withStallStatus(session, firstPhase, () => ensureIdle(session));
    try {
      let currentAlt = target.alt.alternateSetting;
      for (const [i, part] of parts.entries()) {
        if (part.alt.alternateSetting !== currentAlt) {
          await session.req.transport.setAltSetting(part.alt.interfaceNumber, part.alt.alternateSetting);
          currentAlt = part.alt.alternateSetting;
          await withStallStatus(session, firstPhase, () => ensureIdle(session));
        }
        if (part.plan.protocol === 'dfuse') {
          const done = await runDfusePart(session, part.plan, req, isOptionBytesRegion(part.layout));
          if (done.skipped) skipped = { sectors: (skipped?.sectors ?? 0) + done.skipped.sectors, bytes: (skipped?.bytes ?? 0) + done.skipped.bytes };
          if (req.verify) verified = verified !== false && done.verified;
          if (done.outcome) outcome = done.outcome;
          if (done.reset && i < parts.length - 1) throw resetTooEarly(req.file, part, parts.slice(i + 1));
        } else {
          outcome = await runDfuPart(session, part.plan, req.verify ?? false);
          if (req.verify && outcome.includes('dfuIDLE')) verified = true;
        }
      }
    } catch (e) {
      await recoverToIdle(session);
      throw e;
    }
    if (req.reset && outcome === undefined) outcome = await resetAfter(session);
  }));
  if (outcome !== undefined && req.watchAfterLeaveMs && !outcome.includes('dfuIDLE')) {
    const warning = await watchAfterLeave({ ...ctx, emit }, target, req.watchAfterLeaveMs);
    if (warning) emit({ type: 'warning', message: warning });
  }
  return { ...base, elapsedMs: Math.round(ctx.clock.now() - started), phases, outcome, verified, skipped };
}

/** will-reset on a part that is not the last: the device went, the rest of the file was not written. */
function resetTooEarly(file: string, part: Part, rest: Part[]): DfuFlashError {
  const alts = rest.map((p) => p.alt.alternateSetting).join(', ');
  return new DfuFlashError('DEVICE_GONE', `the device reset after the part of ${file} for alt setting ${part.alt.alternateSetting} (will-reset), so the parts for alt ${alts} were not written`, {
    hint: 'flash the remaining parts in a second run once the device is back in DFU mode (-a picks one target of a .dfu file)',
    details: { phase: 'download', alt: part.alt.alternateSetting, notWritten: rest.map((p) => p.alt.alternateSetting) },
  });
}

/** A leave that failed after every block was written (and, with --verify, read back): say the image is there. */
function afterTheWrite(e: DfuFlashError, verified: boolean): DfuFlashError {
  const note = `the image was written${verified ? ' and verified' : ''}; only leaving DFU mode failed: reset the board (or run -s :leave) to start it`;
  return new DfuFlashError(e.code, e.message, { hint: e.hint === undefined ? note : `${note}; ${e.hint}`, cause: e, details: { ...e.details, written: true } });
}

interface PartDone {
  outcome?: string;
  skipped?: { sectors: number; bytes: number };
  /** Every byte of the part was read back and matched (with --verify). */
  verified: boolean;
  /** The chip reset after the part (will-reset): nothing more can be sent. */
  reset?: boolean;
}

async function runDfusePart(session: DfuSession, plan: DownloadPlan, req: DownloadRequest, optionBytes: boolean): Promise<PartDone> {
  let skipped: { sectors: number; bytes: number } | undefined;
  if (req.skipUnchanged && !plan.massErase) {
    const pruned = await skipUnchangedPages(session, plan);
    skipped = { sectors: pruned.skippedPages.length, bytes: pruned.skippedBytes };
    if (pruned.skippedPages.length > 0) {
      session.emit({ type: 'debug', message: `skip-unchanged: ${pruned.skippedPages.length} of ${plan.erase.length} sectors already hold the image` });
    }
    plan = pruned.plan;
  }
  const end = await executeDfusePlan(session, plan);
  if (plan.willReset) {
    // nothing can be read back from a chip that resets (or is about to)
    if (req.verify) session.emit({ type: 'warning', message: `--verify: ${optionBytes ? 'the option bytes are' : 'this part is'} not read back, the chip resets after the write` });
    if (end === 'reset' || !plan.leave) {
      const outcome = optionBytes
        ? end === 'reset'
          ? 'the option bytes were written and the chip reset, as expected'
          : 'the option bytes were written; the chip resets to apply them'
        : end === 'reset'
          ? 'the write was accepted and the device reset, as expected (will-reset)'
          : 'the write was accepted (will-reset: no DFU_ABORT sent)';
      return { outcome, verified: false, reset: end === 'reset', ...(skipped ? { skipped } : {}) };
    }
  } else if (req.verify) {
    await verifyDfuseWrites(session, plan);
  }
  const done: PartDone = { verified: req.verify === true && !plan.willReset, ...(skipped ? { skipped } : {}) };
  if (!plan.leave) return done;
  const how = await dfuseLeave(session, plan.leave.address).catch((e: unknown) => {
    throw isDfuFlashError(e) ? afterTheWrite(e, req.verify === true) : e;
  });
  return { ...done, outcome: how === 'left-bus' ? 'device left DFU mode' : 'device acknowledged leave' };
}

async function runDfuPart(session: DfuSession, plan: DownloadPlan, verify: boolean): Promise<string> {
  const data = plan.writes[0]!.data;
  const how = await dfu11Download(session, data);
  const outcome = { idle: 'device manifested and is back in dfuIDLE', 'left-bus': 'device manifested and left the bus', reset: 'device manifested and was reset' }[how];
  if (verify && how === 'idle') await verifyDfuDownload(session, data);
  return outcome;
}
