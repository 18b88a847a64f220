/** The download use case: prepare the target, plan the whole job (every check), then open and walk the plan. */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Download } from '../dfu/dfu11.js';
import { dfuseLeave, executeDfusePlan } from '../dfu/dfuse.js';
import { withStallStatus, type DfuSession } from '../dfu/session.js';
import type { DownloadPlan } from '../dfu/plan-types.js';
import { resetAfter, watchAfterLeave } from './after.js';
import { withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { skipUnchangedPages, verifyDfuDownload, verifyDfuseWrites } from './readback.js';
import { planDownloadJob, type DownloadJob, type JobPart } from './download-plan.js';
import { prepareTarget, type PreparedTarget } from './target.js';
import type { DownloadEnd, DownloadRequest, DownloadResult, OpContext, VerifySkipped } from './types.js';

/**
 * Prepare the target and plan the job, giving its warnings and `plan-ready`
 * events; nothing is sent to the device but what finding it takes (a dry run).
 */
export async function planDownload(req: DownloadRequest, ctx: OpContext): Promise<DownloadJob> {
  const p = await prepareTarget(ctx, req.selector, req);
  try {
    const job = planDownloadJob(req, p);
    announce(job, ctx.emit);
    return job;
  } finally {
    p.release();
  }
}

function announce(job: DownloadJob, emit: OpContext['emit']): void {
  for (const w of job.warnings) emit(w.hint === '' ? { type: 'warning', message: w.message } : { type: 'warning', message: w.message, hint: w.hint });
  for (const part of job.parts) emit({ type: 'plan-ready', plan: part.plan });
}

export async function download(req: DownloadRequest, ctx: OpContext): Promise<DownloadResult> {
  const started = ctx.clock.now();
  const { emit, phases } = recordPhases(ctx.emit);
  const p = await prepareTarget({ ...ctx, emit }, req.selector, req);
  try {
    const job = planDownloadJob(req, p);
    announce(job, emit);
    const done = await execute(job, p, emit);
    let end = done.end;
    if (req.watchAfterLeaveMs && (end === 'left-bus' || end === 'leave-acknowledged')) {
      const warning = await watchAfterLeave({ ...p.ctx, emit }, p.target, req.watchAfterLeaveMs);
      if (warning) emit({ type: 'warning', message: warning });
    }
    if (end === 'will-reset' && done.reset) end = 'will-reset-done';
    return {
      operation: 'download',
      device: job.device,
      bytes: job.bytes,
      written: job.bytes - (done.skipped?.bytes ?? 0),
      elapsedMs: Math.round(ctx.clock.now() - started),
      phases,
      end,
      manifested: job.dialect === 'dfu',
      optionBytes: job.optionBytesLast,
      verified: done.verified,
      ...(done.verified ? {} : { verifySkipped: done.verifySkipped ?? job.verifySkipped }),
      ...(done.skipped ? { skipped: done.skipped } : {}),
    };
  } finally {
    p.release();
  }
}

interface JobDone {
  end: DownloadEnd;
  verified: boolean;
  verifySkipped?: VerifySkipped | undefined;
  skipped?: { sectors: number; bytes: number } | undefined;
  /** The chip reset after a will-reset part. */
  reset?: boolean;
}

async function execute(job: DownloadJob, p: PreparedTarget, emit: OpContextEmit): Promise<JobDone> {
  const first = job.parts[0]!.plan;
  const firstPhase = first.massErase || first.erase.length > 0 ? 'erase' : 'download';
  const label = labelPhaseless(emit, { phase: firstPhase, address: first.erase[0]?.address ?? first.writes[0]?.address });
  const ctx = { ...p.ctx, emit: label.emit };
  return label.run(() =>
    withSession(ctx, p.target, { transferSize: job.transferSize, functional: p.functional, quirks: p.quirks, trace: ctx.trace ?? false }, async (session) => {
      await withStallStatus(session, firstPhase, () => ensureIdle(session));
      const done: JobDone = { end: 'idle', verified: job.verify };
      try {
        let currentAlt = p.target.alt.alternateSetting;
        for (const [i, part] of job.parts.entries()) {
          if (part.alt.alternateSetting !== currentAlt) {
            await session.req.transport.setAltSetting(part.alt.interfaceNumber, part.alt.alternateSetting);
            currentAlt = part.alt.alternateSetting;
            await withStallStatus(session, firstPhase, () => ensureIdle(session));
          }
          if (part.plan.protocol === 'dfuse') {
            const r = await runDfusePart(session, part.plan, job);
            if (r.skipped) done.skipped = { sectors: (done.skipped?.sectors ?? 0) + r.skipped.sectors, bytes: (done.skipped?.bytes ?? 0) + r.skipped.bytes };
            if (!r.verified && done.verified) {
              done.verified = false;
              done.verifySkipped = 'resets-after-write';
            }
            if (r.end !== undefined) done.end = r.end;
            if (r.reset) {
              done.reset = true;
              if (i < job.parts.length - 1) throw resetTooEarly(job, part, job.parts.slice(i + 1));
            }
          } else {
            done.end = await runDfuPart(session, part.plan, job.verify);
            if (done.end !== 'idle' && done.verified) {
              done.verified = false;
              done.verifySkipped = 'leaves-after-manifestation';
            }
          }
        }
      } catch (e) {
        await recoverToIdle(session);
        throw e;
      }
      if (job.reset && done.end === 'idle') done.end = await resetAfter(session, ctx.backend.capabilities.canReset);
      return done;
    }),
  );
}

type OpContextEmit = OpContext['emit'];

/** will-reset on a part that is not the last: the device went, the rest of the file was not written. */
function resetTooEarly(job: DownloadJob, part: JobPart, rest: JobPart[]): DfuFlashError {
  const alts = rest.map((r) => r.alt.alternateSetting).join(', ');
  return new DfuFlashError('DEVICE_GONE', `the device reset after the part of ${job.imageName} for alt setting ${part.alt.alternateSetting} (will-reset), so the parts for alt ${alts} were not written`, {
    hint: 'flash the remaining parts in a second run once the device is back in DFU mode (one target of a .dfu file can be chosen by its alt setting)',
    details: { phase: 'download', alt: part.alt.alternateSetting, notWritten: rest.map((r) => r.alt.alternateSetting), reason: 'reset-before-last-part' },
  });
}

/** A leave that failed after every block was written (and maybe read back): say the image is there. */
function afterTheWrite(e: DfuFlashError, verified: boolean): DfuFlashError {
  const note = `the image was written${verified ? ' and verified' : ''}; only leaving DFU mode failed: reset the board to start it`;
  return new DfuFlashError(e.code, e.message, { hint: e.hint === undefined ? note : `${note}; ${e.hint}`, cause: e, details: { ...e.details, written: true } });
}

interface PartDone {
  end?: DownloadEnd;
  skipped?: { sectors: number; bytes: number };
  verified: boolean;
  /** The chip reset after the part (will-reset): nothing more can be sent. */
  reset?: boolean;
}

async function runDfusePart(session: DfuSession, plan: DownloadPlan, job: DownloadJob): Promise<PartDone> {
  let skipped: { sectors: number; bytes: number } | undefined;
  if (job.skipUnchanged && !plan.massErase) {
    const pruned = await skipUnchangedPages(session, plan);
    skipped = { sectors: pruned.skippedPages.length, bytes: pruned.skippedBytes };
    if (pruned.skippedPages.length > 0) {
      session.emit({ type: 'debug', message: `skip-unchanged: ${pruned.skippedPages.length} of ${plan.erase.length} sectors already hold the image` });
    }
    plan = pruned.plan;
  }
  const planEnd = await executeDfusePlan(session, plan);
  const extra = skipped ? { skipped } : {};
  if (plan.willReset) {
    // nothing can be read back from a chip that resets (or is about to)
    if (job.verify) session.emit({ type: 'warning', message: `${job.optionBytesLast ? 'the option bytes are' : 'this part is'} not read back: the chip resets after the write` });
    if (planEnd === 'reset' || !plan.leave) return { end: 'will-reset', verified: false, reset: planEnd === 'reset', ...extra };
  } else if (job.verify) {
    await verifyDfuseWrites(session, plan);
  }
  const verified = job.verify && !plan.willReset;
  if (!plan.leave) return { verified, ...extra };
  const how = await dfuseLeave(session, plan.leave.address).catch((e: unknown) => {
    throw isDfuFlashError(e) ? afterTheWrite(e, verified) : e;
  });
  return { end: how === 'left-bus' ? 'left-bus' : 'leave-acknowledged', verified, ...extra };
}

async function runDfuPart(session: DfuSession, plan: DownloadPlan, verify: boolean): Promise<DownloadEnd> {
  const data = plan.writes[0]!.data;
  const how = await dfu11Download(session, data);
  if (verify && how === 'idle') await verifyDfuDownload(session, data);
  return how;
}
