/** The upload use case: read memory (DfuSe) or the firmware (DFU 1.1) into a file, atomically. */
import { DfuFlashError } from '../shared/errors.js';
import { isDfuseInterface } from '../dfu/device-mode.js';
import { functionalWithQuirks, layoutWithQuirks, quirkedBackend, realFlashWarning, resolveQuirks } from '../dfu/quirk-apply.js';
import { planDfuseUpload } from '../dfu/planner.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Upload } from '../dfu/dfu11.js';
import { dfuseUpload } from '../dfu/dfuse.js';
import { withStallStatus } from '../dfu/session.js';
import { checkOutputFile, writeFileAtomic } from './files.js';
import { resetAfter } from './after.js';
import { acquireDfuTarget } from './acquire.js';
import { requireFunctional, resolveTransferSize, withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { layoutOf } from './download.js';
import type { OpContext, OperationResult, UploadRequest } from './types.js';

export async function upload(req: UploadRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  ctx = { ...ctx, backend: quirkedBackend(ctx.backend, req.forceQuirks) };
  if (req.dfuse?.unprotect || req.dfuse?.massErase) {
    throw new DfuFlashError('USAGE', `-s …:${req.dfuse.unprotect ? 'unprotect' : 'mass-erase'} cannot be combined with an upload: it erases the memory that would be read`, {
      hint: 'drop it from -s; to erase or unprotect, run -s :mass-erase:force or -s :unprotect:force on its own (DfuSe command mode, no file)',
    });
  }
  await checkOutputFile(req.file, req.force);
  const { emit, phases } = recordPhases(ctx.emit);
  const { target } = await acquireDfuTarget({ ...ctx, emit }, req.selector, req);
  const { quirks, applied } = resolveQuirks(target.device, target.alt, req.forceQuirks);
  if (applied.length > 0) emit({ type: 'debug', message: `device quirks: ${applied.join(', ')}` });
  const functional = functionalWithQuirks(requireFunctional(target), quirks);
  if (!functional.canUpload) {
    throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support upload (bitCanUpload is 0)', {
      hint: 'the device cannot be read back over DFU; choose another alt setting if it has one',
    });
  }
  const transferSize = resolveTransferSize({
    functional,
    override: req.transferSize,
    bMaxPacketSize0: target.device.bMaxPacketSize0,
    maxControlTransferBytes: ctx.backend.capabilities.maxControlTransferBytes,
    emitWarning: (message) => ctx.emit({ type: 'warning', message }),
  });
  const dfuse = isDfuseInterface(target.device, target.alt, functional);
  const warn = (message: string, hint?: string) => ctx.emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
  let range: { address: number; length: number } | undefined;
  if (dfuse) {
    const layout = layoutWithQuirks(layoutOf(target), quirks, warn);
    const address = req.dfuse?.address ?? layout.segments[0]?.start;
    if (address === undefined) {
      throw new DfuFlashError('USAGE', `the memory layout of ${layout.name} is empty, so there is no default upload address`, {
        hint: 'give one with -s ADDR:LEN',
      });
    }
    const length = req.dfuse?.length ?? req.uploadSize;
    range = planDfuseUpload(layout, {
      address,
      ...(length === undefined ? {} : { length }),
      transferSize,
      force: req.dfuse?.force ?? false,
    });
    const w = realFlashWarning(layout, quirks, range.address + range.length);
    if (w) warn(w.message, w.hint);
  } else if (req.dfuse !== undefined) {
    throw new DfuFlashError('USAGE', '-s (DfuSe address) is only for DfuSe devices; this device speaks plain DFU 1.1', {
      hint: 'drop -s; use -Z SIZE to limit how much is read',
    });
  }
  const label = labelPhaseless(emit, { phase: 'upload', address: range?.address });
  const data = await label.run(() => withSession({ ...ctx, emit: label.emit }, target, { transferSize, functional, quirks, trace: ctx.trace ?? false }, async (session) => {
    await withStallStatus(session, 'upload', () => ensureIdle(session));
    try {
      const data = range
        ? await dfuseUpload(session, range.address, range.length)
        : await dfu11Upload(session, req.uploadSize === undefined ? {} : { maxBytes: req.uploadSize, expectedBytes: req.uploadSize });
      if (req.reset) await resetAfter(session);
      return data;
    } catch (e) {
      await recoverToIdle(session);
      throw e;
    }
  }));
  await writeFileAtomic(req.file, data, req.force);
  return {
    operation: 'upload',
    device: summarize(target),
    bytes: data.length,
    elapsedMs: Math.round(ctx.clock.now() - started),
    phases,
    file: req.file,
    outcome: range && data.length < range.length ? `device ended the upload after ${data.length} of ${range.length} bytes` : undefined,
  };
}
