/**
 * DfuSe "command mode": `-s` with no file, as dfu-util runs it without -D/-U.
 *
 *   -s :mass-erase:force            erase every sector of the alt's memory
 *   -s 0x08000000:mass-erase:force:leave   … then jump to 0x08000000
 *   -s :unprotect:force             lift read-out protection: the chip erases its
 *                                   whole flash, resets and (BOOT0 permitting) comes back
 *   -s :leave / -s 0x08000000:leave  leave DFU mode without writing anything
 *
 * Everything is checked before the first transfer; mass erase and unprotect are
 * announced with a `warning` event naming the region and its size first.
 */
import { DfuFlashError, hex16, isDfuFlashError } from '../shared/errors.js';
import { isDfuseInterface } from '../dfu/device-mode.js';
import { functionalWithQuirks, layoutWithQuirks, quirkedBackend, resolveQuirks } from '../dfu/quirk-apply.js';
import { ensureIdle, recoverToIdle } from '../dfu/idle.js';
import { dfuseLeave, dfuseMassErase, dfuseReadUnprotect } from '../dfu/dfuse.js';
import { PhaseTracker, inSessionPhase, withStallStatus, type DfuSession } from '../dfu/session.js';
import { interfaceMode } from '../dfu/device-mode.js';
import type { DfuseOptions } from '../dfu/plan-types.js';
import type { Quirks } from '../dfu/quirks.js';
import { acquireDfuTarget } from './acquire.js';
import { requireFunctional, withSession } from './open.js';
import { labelPhaseless, recordPhases } from './phases.js';
import { summarize } from './summary.js';
import { layoutOf } from './download.js';
import { massEraseWarning, unprotectWarning } from './destructive.js';
import { waitForDevices } from './wait.js';
import type { Target } from './select.js';
import type { AcquireOptions, DeviceSelector, OpContext, OperationResult } from './types.js';

export interface DfuseCommandRequest extends AcquireOptions {
  selector: DeviceSelector;
  /** The parsed -s value (parseDfuseAddress). */
  dfuse: DfuseOptions;
  /** After unprotect: how long to watch for the device coming back in DFU mode (default 10 s; 0 = do not watch). */
  returnTimeoutMs?: number | undefined;
  /** Quirk flags to use whatever the quirk table says (see DownloadRequest.forceQuirks). */
  forceQuirks?: Partial<Quirks> | undefined;
}

export type DfuseCommandKind = 'mass-erase' | 'unprotect' | 'leave';

const DEFAULT_RETURN_TIMEOUT_MS = 10_000;
const SYNTAX_HINT = 'without a file, -s takes :mass-erase:force[:leave], ADDR:mass-erase:force:leave, :unprotect:force or [ADDR]:leave';

function usage(message: string, hint = SYNTAX_HINT): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint });
}

/** Which command a file-less -s asks for; throws USAGE for anything that is not one of them. */
export function commandKind(o: DfuseOptions): DfuseCommandKind {
  if (o.length !== undefined) throw usage(`-s with a length (${o.length}) reads memory: that needs a file to upload into`, 'give the output file: dfu-flash upload -s ADDR:LEN FILE');
  if (o.willReset) throw usage('-s …:will-reset applies to a download (the device resets after the write); there is nothing to write here');
  if (o.massErase && o.unprotect) throw usage('-s has both :mass-erase and :unprotect: lifting read-out protection already erases the whole flash', 'use -s :unprotect:force alone');
  if ((o.massErase || o.unprotect) && !o.force) {
    throw new DfuFlashError('BAD_ADDRESS_SPEC', `-s …:${o.massErase ? 'mass-erase' : 'unprotect'} needs :force: it erases the whole flash`, {
      hint: `add :force to confirm, e.g. -s :${o.massErase ? 'mass-erase' : 'unprotect'}:force`,
    });
  }
  if (o.unprotect) {
    if (o.leave) throw usage('-s :unprotect with :leave: the chip resets by itself after unprotecting', 'use -s :unprotect:force alone');
    if (o.address !== undefined) throw usage('-s :unprotect takes no address: it always erases the whole flash', 'use -s :unprotect:force');
    return 'unprotect';
  }
  if (o.address !== undefined && !o.leave) {
    throw usage(`-s with an address but no file and no :leave does nothing with the address`, 'add :leave to jump there afterwards, or give a file to download');
  }
  if (o.massErase) return 'mass-erase';
  if (o.leave) return 'leave';
  throw usage('-s without a file needs a command: there is nothing to do');
}

/** Run a DfuSe command (mass erase, unprotect, leave) on one device. */
export async function dfuseCommand(req: DfuseCommandRequest, ctx: OpContext): Promise<OperationResult> {
  const started = ctx.clock.now();
  const kind = commandKind(req.dfuse);
  ctx = { ...ctx, backend: quirkedBackend(ctx.backend, req.forceQuirks) };
  const { emit, phases } = recordPhases(ctx.emit);
  const { target } = await acquireDfuTarget({ ...ctx, emit }, req.selector, req);
  const { quirks, applied } = resolveQuirks(target.device, target.alt, req.forceQuirks);
  if (applied.length > 0) emit({ type: 'debug', message: `device quirks: ${applied.join(', ')}` });
  const functional = functionalWithQuirks(requireFunctional(target), quirks);
  if (!isDfuseInterface(target.device, target.alt, functional)) {
    throw new DfuFlashError('UNSUPPORTED', `-s :${kind} is a DfuSe command, but this device speaks plain DFU 1.1`, {
      hint: kind === 'leave' ? 'use -R to reset a DFU 1.1 device instead' : 'a DFU 1.1 device erases what a download needs by itself; there is no command for it',
    });
  }
  const warn = (message: string, hint?: string) => emit(hint === undefined ? { type: 'warning', message } : { type: 'warning', message, hint });
  const layout = layoutWithQuirks(layoutOf(target), quirks, warn);
  if (kind !== 'leave') {
    if (kind === 'mass-erase' && !functional.canDownload) {
      throw new DfuFlashError('UNSUPPORTED', 'this DFU interface does not support download (bitCanDnload is 0), so it takes no commands', {
        hint: 'choose another alt setting or interface (dfu-flash list)',
      });
    }
    const w = kind === 'mass-erase' ? massEraseWarning(layout) : unprotectWarning(layout);
    warn(w.message, w.hint);
  }

  const label = labelPhaseless(emit, { phase: kind === 'leave' ? 'leave' : 'erase' });
  let outcome = '';
  const sessionOptions = { transferSize: Math.max(1, functional.wTransferSize), functional, quirks, trace: ctx.trace ?? false };
  await label.run(() =>
    withSession({ ...ctx, emit: label.emit }, target, sessionOptions, async (session) => {
      await withStallStatus(session, kind === 'leave' ? 'leave' : 'erase', () => ensureIdle(session));
      try {
        outcome = await runCommand(session, kind, req.dfuse);
      } catch (e) {
        await recoverToIdle(session);
        throw e;
      }
    }),
  );
  if (kind === 'unprotect' && (req.returnTimeoutMs ?? DEFAULT_RETURN_TIMEOUT_MS) > 0) {
    outcome += await watchReturn({ ...ctx, emit }, target, req.returnTimeoutMs ?? DEFAULT_RETURN_TIMEOUT_MS);
  }
  return { operation: 'command', device: summarize(target), bytes: 0, elapsedMs: Math.round(ctx.clock.now() - started), phases, outcome };
}

async function runCommand(session: DfuSession, kind: DfuseCommandKind, o: DfuseOptions): Promise<string> {
  if (kind === 'unprotect') {
    try {
      await dfuseReadUnprotect(session);
    } catch (e) {
      if (!isDfuFlashError(e, 'STALL')) throw e;
      throw new DfuFlashError('UNSUPPORTED', `the device refused READ_UNPROTECT (${e.message})`, {
        hint: 'this bootloader does not implement read-out unprotect; use the vendor tool or an SWD probe to lift the protection',
        cause: e,
        details: { ...e.details },
      });
    }
    return 'read-out protection lifted: the chip erases its flash and resets';
  }
  let outcome = '';
  if (kind === 'mass-erase') {
    const t = new PhaseTracker(session, 'erase', 0, 'mass erase');
    await dfuseMassErase(session);
    // dfuDNLOAD-IDLE → dfuIDLE, as after a download
    await inSessionPhase(session, 'erase', undefined, 'DFU_ABORT after the mass erase', () => session.req.abort());
    t.end();
    outcome = 'flash mass-erased';
  }
  if (o.leave) {
    const how = await dfuseLeave(session, o.address);
    outcome += (outcome === '' ? '' : '; ') + (how === 'left-bus' ? 'device left DFU mode' : 'device acknowledged leave');
  }
  return outcome;
}

/** After unprotect: the same board back in DFU mode on its port (a new enumeration)? Never throws. */
async function watchReturn(ctx: OpContext, from: Target, timeoutMs: number): Promise<string> {
  try {
    const back = await waitForDevices(
      ctx,
      (devices) => devices.find((d) => d.portPath === from.device.portPath && d.key !== from.device.key && d.alts.some((a) => interfaceMode(d, a) === 'dfu')),
      { timeoutMs, what: 'the device to come back', hint: '' },
    );
    return `; it came back in DFU mode as ${hex16(back.vendorId)}:${hex16(back.productId)} on ${back.portPath}`;
  } catch (e) {
    if (!isDfuFlashError(e, 'NO_DEVICE')) throw e;
    const still = (await ctx.backend.list()).some((d) => d.key === from.device.key);
    if (still) {
      ctx.emit({
        type: 'warning',
        message: `the device accepted READ_UNPROTECT but is still on the bus ${(timeoutMs / 1000).toFixed(1)} s later`,
        hint: 'power-cycle the board to finish the unprotect, then check with dfu-flash upload that it can be read',
      });
      return '; the device has not reset yet';
    }
    return `; it did not come back in DFU mode within ${(timeoutMs / 1000).toFixed(1)} s (normal when BOOT0 is low)`;
  }
}
