/**
 * Getting to dfuIDLE before an operation, and back to a clean state after a
 * failure. ST ROMs start in dfuERROR/errFIRMWARE; a previous run may have left
 * the device in dfuDNLOAD-IDLE or dfuUPLOAD-IDLE, or busy — or stuck busy, which
 * the poll loop's recovery (unstick.ts) frees before the run goes on.
 */
import { DfuState, DfuStatus } from './constants.js';
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { describeState, describeStatus, stateName, type DfuStatusReply } from './status.js';
import { pollWhileBusy, recoveryOf } from './poll.js';
import { STEP_TIMEOUT_MS, recoveryFailedOn, unstickDevice, type Recovery } from './unstick.js';
import type { DfuSession } from './session.js';

const MAX_STEPS = 6;
/** A device found busy gets its proportional patience (poll.ts), and never more than this. */
const PREVIOUS_OPERATION_DEADLINE_MS = 30_000;
const BUSY: ReadonlySet<number> = new Set([DfuState.dfuDNBUSY, DfuState.dfuDNLOAD_SYNC, DfuState.dfuMANIFEST_SYNC, DfuState.dfuMANIFEST]);

/** Drive the device to dfuIDLE with status OK. Returns the final status. */
export async function ensureIdle(session: DfuSession): Promise<DfuStatusReply> {
  const { req } = session;
  let reply = await req.getStatus();
  for (let step = 0; step < MAX_STEPS; step++) {
    switch (reply.state) {
      case DfuState.dfuIDLE:
        if (reply.status === DfuStatus.OK) return reply;
        // dfuIDLE with an error status is not a spec state; CLRSTATUS is illegal here (it would stall), so report it.
        throw new DfuFlashError('DFU_STATE', `device is in dfuIDLE but reports ${describeStatus(reply.status)}`, {
          hint: 'replug the device (or reset the board) and try again',
        });
      case DfuState.appIDLE:
      case DfuState.appDETACH:
        throw new DfuFlashError('RUNTIME_MODE', `the device is in runtime mode (${describeState(reply.state)}), not in DFU mode`, {
          hint: 'detach it first (or start its bootloader: BOOT0 high, then reset)',
          details: { reason: 'runtime-mode' },
        });
      case DfuState.dfuERROR:
        session.emit({ type: 'debug', message: `device in dfuERROR (${describeStatus(reply.status)}): DFU_CLRSTATUS` });
        await req.clrStatus();
        break;
      case DfuState.dfuDNLOAD_IDLE:
      case DfuState.dfuUPLOAD_IDLE:
        session.emit({ type: 'debug', message: `device in ${describeState(reply.state)}: DFU_ABORT` });
        await req.abort();
        break;
      case DfuState.dfuDNBUSY:
      case DfuState.dfuDNLOAD_SYNC:
      case DfuState.dfuMANIFEST_SYNC:
      case DfuState.dfuMANIFEST:
        try {
          // a previous run may have left it busy, or stuck: wait as long as it says (proportionally), then free it
          reply = await pollWhileBusy(session, reply, { deadlineMs: PREVIOUS_OPERATION_DEADLINE_MS, what: 'waiting for the device to finish its previous operation', busyStates: BUSY });
        } catch (e) {
          if (recoveryOf(e) !== 'recovered') throw e;
          const by = isDfuFlashError(e) ? String(e.details['recoveredBy']) : 'recovery';
          session.emit({ type: 'warning', message: `the device was stuck in ${stateName(reply.state)} (left so by an earlier run?); ${by} freed it`, hint: 'nothing to do unless it happens again' });
          reply = await req.getStatus();
        }
        continue;
      case DfuState.dfuMANIFEST_WAIT_RESET:
        throw new DfuFlashError('DFU_STATE', 'the device has manifested its firmware and waits for a USB reset (dfuMANIFEST-WAIT-RESET)', {
          hint: 'reset it (or replug it) and try again',
          details: { reason: 'manifest-wait-reset' },
        });
      default:
        throw new DfuFlashError('DFU_STATE', `the device reports an unknown DFU state ${reply.state}`, {
          hint: 'replug the device and try again',
        });
    }
    reply = await req.getStatus();
  }
  throw new DfuFlashError('DFU_STATE', `the device did not reach dfuIDLE; it is in ${describeState(reply.state)}, ${describeStatus(reply.status)}`, {
    hint: 'replug the device (or power-cycle the board) and try again',
  });
}

/**
 * After a failure: leave the device where the next run can start — CLRSTATUS
 * from dfuERROR, ABORT from the idle-in-transfer states, and for a device
 * still busy the stuck-device recovery (unstick.ts, USB reset included) —
 * unless it already failed on this session (the poll loop tries it before
 * giving up). Best effort, never throws; says what the recovery did when there was one.
 */
export async function recoverToIdle(session: DfuSession): Promise<Recovery | undefined> {
  // the poll loop already tried everything on this session: the device is stuck for good, or gone
  if (recoveryFailedOn(session)) return undefined;
  try {
    const reply = await session.req.getStatus(STEP_TIMEOUT_MS);
    if (reply.state === DfuState.dfuERROR) await session.req.clrStatus(STEP_TIMEOUT_MS);
    else if (reply.state === DfuState.dfuDNLOAD_IDLE || reply.state === DfuState.dfuUPLOAD_IDLE) await session.req.abort(STEP_TIMEOUT_MS);
    else if (BUSY.has(reply.state)) return (await unstickDevice(session, { last: reply, clrStatusFirst: session.quirks.stuckBusyRecovery })).recovery;
  } catch {
    // the device may be gone or not answering; nothing more to do here
  }
  return undefined;
}
