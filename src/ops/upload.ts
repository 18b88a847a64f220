/** The upload use case: read memory (DfuSe) or the firmware (DFU 1.1) and return the bytes. */
import { DfuFlashError } from '../shared/errors.js';
import { realFlashWarning } from '../dfu/quirk-apply.js';
import { planDfuseUpload } from '../dfu/planner.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfu11Upload } from '../dfu/dfu11.js';
import { dfuseUpload } from '../dfu/dfuse.js';
import { withStallStatus } from '../dfu/session.js';
import { resetAfter } from './after.js';
import { withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { prepareTarget } from './target.js';
import type { OpContext, UploadRequest, UploadResult } from './types.js';

function usage(message: string, hint: string, reason: string): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint, details: { reason } });
}

export async function upload(req: UploadRequest, ctx: OpContext): Promise<UploadResult> {
  const started = ctx.clock.now();
  if (req.dfuse?.unprotect || req.dfuse?.massErase) {
    throw usage(
      `${req.dfuse.unprotect ? 'unprotect' : 'mass erase'} cannot be combined with an upload: it erases the memory that would be read`,
      'erase or unprotect on its own (DfuSe command mode), not together with an upload',
      'erase-with-upload',
    );
  }
  const { emit, phases } = recordPhases(ctx.emit);
  const p = await prepareTarget({ ...ctx, emit }, req.selector, req);
  try {
    if (!p.functional.canUpload) {
      throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support upload (bitCanUpload is 0)', {
        hint: 'the device cannot be read back over DFU; choose another alt setting if it has one',
        details: { reason: 'cannot-upload' },
      });
    }
    const transferSize = p.transferSize(req.transferSize);
    const warn = (message: string, hint?: string) => emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
    let range: { address: number; length: number } | undefined;
    if (p.dfuse) {
      const layout = p.layoutFor(p.target.alt);
      const address = req.dfuse?.address ?? layout.segments[0]?.start;
      if (address === undefined) {
        throw usage(`the memory layout of ${layout.name} is empty, so there is no default upload address`, 'give the address and length to read', 'no-upload-address');
      }
      const length = req.dfuse?.length ?? req.uploadSize;
      range = planDfuseUpload(layout, { address, ...(length === undefined ? {} : { length }), transferSize, force: req.dfuse?.force ?? false });
      const w = realFlashWarning(layout, p.quirks, range.address + range.length);
      if (w) warn(w.message, w.hint);
    } else if (req.dfuse !== undefined) {
      throw new DfuFlashError('USAGE', 'a DfuSe address was given, but this device speaks plain DFU 1.1', {
        hint: 'give no address; limit how much is read with the upload length instead',
        details: { reason: 'dfuse-options-on-dfu11', operation: 'upload' },
      });
    }
    const label = labelPhaseless(emit, { phase: 'upload', address: range?.address });
    const c = { ...p.ctx, emit: label.emit };
    let end: UploadResult['end'] = 'idle';
    const data = await label.run(() =>
      withSession(c, p.target, { transferSize, functional: p.functional, quirks: p.quirks, trace: c.trace ?? false }, async (session) => {
        await withStallStatus(session, 'upload', () => ensureIdle(session));
        try {
          const bytes = range
            ? await dfuseUpload(session, range.address, range.length)
            : await dfu11Upload(session, req.uploadSize === undefined ? {} : { maxBytes: req.uploadSize, expectedBytes: req.uploadSize });
          if (req.reset) end = await resetAfter(session, c.backend.capabilities.canReset);
          return bytes;
        } catch (e) {
          await recoverToIdle(session);
          throw e;
        }
      }),
    );
    const requested = range?.length;
    return {
      operation: 'upload',
      device: summarize(p.target),
      data,
      bytes: data.length,
      ...(requested === undefined ? {} : { requested }),
      elapsedMs: Math.round(ctx.clock.now() - started),
      phases,
      end,
    };
  } finally {
    p.release();
  }
}
