/** The download use case: read, select, plan (all checks), then open and execute. */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { isDfuseDescriptor } from '../dfu/device-mode.js';
import { isDfuseLayout, parseMemoryLayout } from '../dfu/memory-layout.js';
import { planDfuDownload, planDfuseDownload } from '../dfu/planner.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Download } from '../dfu/dfu11.js';
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
  const { emit, phases } = recordPhases(ctx.emit);
  emit({ type: 'plan-ready', plan });

  let outcome: string | undefined;
  await withSession({ ...ctx, emit }, target, { transferSize, functional, trace: ctx.trace ?? false }, async (session) => {
    await ensureIdle(session);
    try {
      if (plan.protocol === 'dfuse') {
        await executeDfusePlan(session, plan);
        if (plan.leave) {
          const how = await dfuseLeave(session, plan.leave.address);
          outcome = how === 'left-bus' ? 'device left DFU mode' : 'device acknowledged leave';
        }
      } else {
        const how = await dfu11Download(session, plan.writes[0]!.data);
        outcome = { idle: 'device manifested and is back in dfuIDLE', 'left-bus': 'device manifested and left the bus', reset: 'device manifested and was reset' }[how];
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
  return {
    operation: 'download',
    device: summarize(target),
    bytes: imageSize(image),
    elapsedMs: Math.round(ctx.clock.now() - started),
    phases,
    outcome,
  };
}
