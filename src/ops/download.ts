/** The download use case: read, select, plan (all checks), then open and execute. */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { isDfuseDescriptor } from '../dfu/device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import { describePlan, planDfuDownload, planDfuseDownload } from '../dfu/planner.js';
import { PhaseTracker } from '../dfu/session.js';
import { mismatch, skipUnchangedPages, verifyDfuseWrites } from './readback.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Download, dfu11Upload } from '../dfu/dfu11.js';
import { dfuseLeave, executeDfusePlan } from '../dfu/dfuse.js';
import { imageSize } from '../formats/image.js';
import { placeImage, rawImage } from '../formats/raw.js';
import type { DownloadPlan, MemoryLayout } from '../dfu/plan-types.js';
import { readInputFile } from './files.js';
import { findTarget, type Target } from './select.js';
import { requireFunctional, resolveTransferSize, withSession } from './open.js';
import { recordPhases } from './phases.js';
import { summarize } from './summary.js';
import type { DownloadRequest, OpContext, OperationResult } from './types.js';

export function layoutOf(target: Target): MemoryLayout {
  const name = target.alt.name;
  if (name === undefined || !isDfuseLayout(name)) {
    throw new DfuFlashError('LAYOUT', `alt setting ${target.alt.alternateSetting} has no DfuSe memory layout (its name is ${JSON.stringify(name ?? '')})`, {
      hint: 'choose the alt setting of the memory to write with -a (dfu-flash list shows them)',
    });
  }
  return parseMemoryLayout(name);
}

export async function download(req: DownloadRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  const bytes = await readInputFile(req.file);
  if (bytes.length === 0) {
    throw new DfuFlashError('FORMAT', `${req.file} is empty`, { hint: 'check that the build produced the firmware file' });
  }
  const image = rawImage(bytes);
  const target = await findTarget(ctx.backend, req.selector, 'dfu');
  const functional = requireFunctional(target);
  const dfuse = isDfuseDescriptor(functional);
  const warn = (message: string) => ctx.emit({ type: 'warning', message });
  const transferSize = resolveTransferSize({
    functional,
    override: req.transferSize,
    bMaxPacketSize0: target.device.bMaxPacketSize0,
    linuxLimit: ctx.backend.name === 'usb' && process.platform === 'linux',
    emitWarning: warn,
  });
  if (!functional.canDownload) {
    throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support download (bitCanDnload is 0)', {
      hint: 'choose another alt setting or interface (dfu-flash list)',
    });
  }

  // Everything that can be checked is checked here, before the device is opened.
  let plan: DownloadPlan;
  const opts = req.dfuse;
  if (dfuse) {
    const layout = layoutOf(target);
    if (opts?.address === undefined && !image.addressed) {
      const start = layout.segments[0]?.start;
      throw new DfuFlashError('USAGE', 'a raw binary needs an address on a DfuSe device', {
        hint: start === undefined ? 'give one with -s ADDR' : `give one with -s ADDR, e.g. -s ${hex32(start)} (the start of ${layout.name})`,
      });
    }
    const placed = opts?.address === undefined ? image : placeImage(image, opts.address);
    plan = planDfuseDownload(placed, layout, {
      transferSize,
      force: opts?.force ?? false,
      massErase: opts?.massErase ?? false,
      leave: opts?.leave ?? false,
      ...(opts?.address === undefined ? {} : { leaveAddress: opts.address }),
      willReset: opts?.willReset ?? false,
    });
  } else {
    if (opts !== undefined) {
      throw new DfuFlashError('USAGE', '-s (DfuSe address) is only for DfuSe devices; this device speaks plain DFU 1.1', {
        hint: 'drop -s: a DFU 1.1 device decides itself where the image goes',
      });
    }
    plan = planDfuDownload(image.segments[0]!.data, { transferSize });
  }
  if (plan.protocol === 'dfu') {
    if (req.verify && (functional.willDetach || !functional.manifestationTolerant)) {
      throw new DfuFlashError('USAGE', '--verify is not possible on this device: it leaves DFU mode after manifestation, so nothing can be read back', {
        hint: 'drop --verify (the device checks the image itself, if it can), or use a DfuSe device',
      });
    }
    if (req.skipUnchanged) warn('--skip-unchanged needs addressed reads (DfuSe); this DFU 1.1 device gets a full download');
  }
  const { emit, phases } = recordPhases(ctx.emit);
  emit({ type: 'plan-ready', plan });
  const base = { operation: 'download' as const, device: summarize(target), bytes: imageSize(image) };
  if (req.dryRun) {
    return { ...base, elapsedMs: Math.round(ctx.clock.now() - started), phases, plan: describePlan(plan, dfuse ? layoutOf(target) : undefined), outcome: 'dry run: nothing was sent to the device' };
  }

  let outcome: string | undefined;
  let skipped: { sectors: number; bytes: number } | undefined;
  let verified: boolean | undefined;
  await withSession({ ...ctx, emit }, target, { transferSize, functional, trace: ctx.trace ?? false }, async (session) => {
    await ensureIdle(session);
    try {
      if (plan.protocol === 'dfuse') {
        if (req.skipUnchanged && !plan.massErase) {
          const pruned = await skipUnchangedPages(session, plan);
          skipped = { sectors: pruned.skippedPages.length, bytes: pruned.skippedBytes };
          if (pruned.skippedPages.length > 0) {
            emit({ type: 'debug', message: `skip-unchanged: ${pruned.skippedPages.length} of ${plan.erase.length} sectors already hold the image` });
          }
          plan = pruned.plan;
        }
        await executeDfusePlan(session, plan);
        if (req.verify) {
          await verifyDfuseWrites(session, plan);
          verified = true;
        }
        if (plan.leave) {
          const how = await dfuseLeave(session, plan.leave.address);
          outcome = how === 'left-bus' ? 'device left DFU mode' : 'device acknowledged leave';
        }
      } else {
        const data = plan.writes[0]!.data;
        const how = await dfu11Download(session, data);
        outcome = { idle: 'device manifested and is back in dfuIDLE', 'left-bus': 'device manifested and left the bus', reset: 'device manifested and was reset' }[how];
        if (req.verify && how === 'idle') {
          const tracker = new PhaseTracker(session, 'verify', data.length);
          const got = await dfu11Upload({ ...session, emit: () => undefined }, { maxBytes: data.length });
          tracker.add(got.length);
          const at = got.findIndex((b, i) => b !== data[i]);
          if (at >= 0 || got.length < data.length) throw mismatch(at >= 0 ? at : got.length, data[at >= 0 ? at : got.length], got[at], at < 0);
          tracker.end();
          verified = true;
        }
      }
    } catch (e) {
      await recoverToIdle(session);
      throw e;
    }
    if (req.reset && outcome === undefined) {
      await session.req.transport.reset().catch(() => undefined);
      outcome = 'device reset';
    }
  });
  return { ...base, elapsedMs: Math.round(ctx.clock.now() - started), phases, outcome, verified, skipped };
}
