/**
 * DfuSe command mode: mass erase (optionally followed by a leave), read-out
 * unprotect, and leave, on one device, without a download. Mass erase and
 * unprotect are announced with a `warning` event naming the region and its
 * size before anything is sent.
 */
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfuseLeave, dfuseMassErase, dfuseReadUnprotect } from '../dfu/dfuse.js';
import { PhaseTracker, inSessionPhase, withStallStatus, type DfuSession } from '../dfu/session.js';
import { interfaceMode } from '../dfu/device-mode.js';
import type { Quirks } from '../dfu/quirks.js';
import { withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { massEraseWarning, unprotectWarning } from './destructive.js';
import { waitForDevices } from './wait.js';
import { prepareTarget } from './target.js';
import type { Target } from './select.js';
import type { AcquireOptions, CommandResult, DeviceSelector, OpContext } from './types.js';

export type DfuseCommandKind = 'mass-erase' | 'unprotect' | 'leave';

export interface DfuseCommandRequest extends AcquireOptions {
  selector: DeviceSelector;
  kind: DfuseCommandKind;
  /** mass-erase: leave DFU mode afterwards. */
  leave?: boolean | undefined;
  /** leave (or mass-erase with leave): the address to jump to. */
  address?: number | undefined;
  /** After unprotect: how long to watch for the device coming back in DFU mode (default 10 s; 0 = do not watch). */
  returnTimeoutMs?: number | undefined;
  /** Quirk flags to use whatever the quirk table says. */
  forceQuirks?: Partial<Quirks> | undefined;
}

const DEFAULT_RETURN_TIMEOUT_MS = 10_000;

/** Run a DfuSe command (mass erase, unprotect, leave) on one device. */
export async function dfuseCommand(req: DfuseCommandRequest, ctx: OpContext): Promise<CommandResult> {
  const started = ctx.clock.now();
  const { kind } = req;
  const { emit, phases } = recordPhases(ctx.emit);
  const p = await prepareTarget({ ...ctx, emit }, req.selector, req);
  try {
    if (!p.dfuse) {
      throw new DfuFlashError('UNSUPPORTED', `${kind} is a DfuSe command, but this device speaks plain DFU 1.1`, {
        hint: kind === 'leave' ? 'reset a DFU 1.1 device instead' : 'a DFU 1.1 device erases what a download needs by itself; there is no command for it',
        details: { reason: 'dfuse-command-on-dfu11', command: kind },
      });
    }
    const warn = (message: string, hint?: string) => emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
    const layout = p.layoutFor(p.target.alt);
    if (kind !== 'leave') {
      if (kind === 'mass-erase' && !p.functional.canDownload) {
        throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support download (bitCanDnload is 0), so it takes no commands', {
          hint: 'choose another alt setting or interface',
          details: { reason: 'cannot-download' },
        });
      }
      const w = kind === 'mass-erase' ? massEraseWarning(layout) : unprotectWarning(layout);
      warn(w.message, w.hint);
    }
    const label = labelPhaseless(emit, { phase: kind === 'leave' ? 'leave' : 'erase' });
    let end: CommandResult['end'] = 'idle';
    const c = { ...p.ctx, emit: label.emit };
    const sessionOptions = { transferSize: Math.max(1, p.functional.wTransferSize), functional: p.functional, quirks: p.quirks, trace: c.trace ?? false };
    await label.run(() =>
      withSession(c, p.target, sessionOptions, async (session) => {
        await withStallStatus(session, kind === 'leave' ? 'leave' : 'erase', () => ensureIdle(session));
        try {
          end = await runCommand(session, kind, req);
        } catch (e) {
          await recoverToIdle(session);
          throw e;
        }
      }),
    );
    const result: CommandResult = { operation: kind, device: summarize(p.target), elapsedMs: 0, phases, end };
    if (kind === 'unprotect' && (req.returnTimeoutMs ?? DEFAULT_RETURN_TIMEOUT_MS) > 0) {
      result.returned = await watchReturn({ ...p.ctx, emit }, p.target, req.returnTimeoutMs ?? DEFAULT_RETURN_TIMEOUT_MS);
    }
    result.elapsedMs = Math.round(ctx.clock.now() - started);
    return result;
  } finally {
    p.release();
  }
}

async function runCommand(session: DfuSession, kind: DfuseCommandKind, o: DfuseCommandRequest): Promise<CommandResult['end']> {
  if (kind === 'unprotect') {
    try {
      await dfuseReadUnprotect(session);
    } catch (e) {
      if (!isDfuFlashError(e, 'STALL')) throw e;
      throw new DfuFlashError('UNSUPPORTED', `the device refused READ_UNPROTECT (${e.message})`, {
        hint: 'this bootloader does not implement read-out unprotect; use the vendor tool or an SWD probe to lift the protection',
        cause: e,
        details: { ...e.details, reason: 'unprotect-refused' },
      });
    }
    return 'unprotected';
  }
  let end: CommandResult['end'] = 'idle';
  if (kind === 'mass-erase') {
    const t = new PhaseTracker(session, 'erase', 0, 'mass erase');
    await dfuseMassErase(session);
    // dfuDNLOAD-IDLE → dfuIDLE, as after a download
    await inSessionPhase(session, 'erase', undefined, 'DFU_ABORT after the mass erase', () => session.req.abort());
    t.end();
  }
  if (kind === 'leave' || o.leave) end = (await dfuseLeave(session, o.address)) === 'left-bus' ? 'left-bus' : 'leave-acknowledged';
  return end;
}

/** After unprotect: the same board back in DFU mode on its port (a new enumeration)? Never throws. */
async function watchReturn(ctx: OpContext, from: Target, timeoutMs: number): Promise<CommandResult['returned']> {
  try {
    const back = await waitForDevices(
      ctx,
      (devices) => devices.find((d) => d.portPath === from.device.portPath && d.key !== from.device.key && d.alts.some((a) => interfaceMode(d, a) === 'dfu')),
      { timeoutMs, what: 'the device to come back', hint: '' },
    );
    return { how: 'back', vendorId: back.vendorId, productId: back.productId, portPath: back.portPath };
  } catch (e) {
    if (!isDfuFlashError(e, 'NO_DEVICE')) throw e;
    const still = (await ctx.backend.list()).some((d) => d.key === from.device.key);
    if (still) {
      ctx.emit({
        type: 'warning',
        message: `the device accepted READ_UNPROTECT but is still on the bus ${(timeoutMs / 1000).toFixed(1)} s later`,
        hint: 'power-cycle the board to finish the unprotect, then check that it can be read',
      });
      return { how: 'still-present' };
    }
    return { how: 'not-back', waitedMs: timeoutMs };
  }
}
