/** What every engine needs to drive one DFU interface. */
import type { Clock } from '../transport/clock.js';
import type { FunctionalDescriptor } from '../transport/types.js';
import type { Emit, Phase } from './events.js';
import type { DfuRequests } from './requests.js';
import type { Quirks } from './quirks.js';
import { DfuFlashError, hex32, isDfuFlashError } from '../shared/errors.js';
import { describeState, describeStatus, stateName, statusHint, type DfuStatusReply } from './status.js';

export interface DfuSession {
  req: DfuRequests;
  clock: Clock;
  emit: Emit;
  functional: FunctionalDescriptor;
  /** Bytes per DNLOAD/UPLOAD block (wTransferSize, or -t). */
  transferSize: number;
  quirks: Quirks;
  /** The caller's abort: engines stop at the next block boundary (ABORTED). */
  signal?: AbortSignal | undefined;
}

/**
 * Called by the engines between blocks, erases and reads: an aborted
 * operation stops here, never in the middle of a request. The use case then
 * takes the device back to dfuIDLE (recoverToIdle) and releases it.
 */
export function checkAbort(session: Pick<DfuSession, 'signal'>, phase: Phase, address?: number): void {
  if (!session.signal?.aborted) return;
  const at = address === undefined ? '' : ` at ${hex32(address)}`;
  throw new DfuFlashError('ABORTED', `the operation was aborted during the ${phase}${at}`, {
    hint: 'the device was returned to dfuIDLE; run the operation again to finish it',
    details: { phase, ...(address === undefined ? {} : { address }) },
  });
}

/** A DFU_STATUS error naming the phase, the address and the device's status. */
export function statusError(phase: Phase, what: string, reply: DfuStatusReply, address?: number): DfuFlashError {
  const at = address === undefined || what.includes(hex32(address)) ? '' : ` at ${hex32(address)}`;
  const hint = statusHint(reply.status, phase);
  return new DfuFlashError(
    'DFU_STATUS',
    `${what}${at} failed: device reports ${describeStatus(reply.status)}, state ${describeState(reply.state)}`,
    {
      hint,
      details: { ...(hint === undefined ? {} : { reason: 'dfu-status' }), phase, address, state: reply.state, status: reply.status },
    },
  );
}

/** Run `fn`; a DfuFlashError from below gets the phase and address in front of its message. */
export async function inPhase<T>(phase: Phase, address: number | undefined, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDfuFlashError(e) && e.details['phase'] === undefined) {
      const at = address === undefined ? '' : ` at ${hex32(address)}`;
      throw new DfuFlashError(e.code, `${what}${at}: ${e.message}`, {
        hint: e.hint,
        cause: e,
        details: { ...e.details, phase, address },
      });
    }
    throw e;
  }
}

/**
 * Run `fn`; when a request is stalled, ask the device why (one GETSTATUS: a
 * stalled DFU request leaves it in dfuERROR with a status) and put the answer
 * in the error, with the status's hint. The code stays STALL. If the
 * GETSTATUS fails too, the original error is thrown unchanged.
 */
export async function withStallStatus<T>(session: Pick<DfuSession, 'req'>, phase: Phase, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isDfuFlashError(e, 'STALL') || e.details['status'] !== undefined) throw e;
    let reply: DfuStatusReply;
    try {
      reply = await session.req.getStatus();
    } catch {
      throw e;
    }
    const hint = statusHint(reply.status, phase);
    throw new DfuFlashError('STALL', `${e.message}; the device then reports ${describeStatus(reply.status)}, state ${stateName(reply.state)}`, {
      hint: hint ?? e.hint,
      cause: e,
      details: { ...e.details, ...(hint === undefined ? {} : { reason: 'dfu-status' }), state: reply.state, status: reply.status },
    });
  }
}

/** inPhase, with the device's status added to a stalled request (withStallStatus). */
export function inSessionPhase<T>(session: Pick<DfuSession, 'req'>, phase: Phase, address: number | undefined, what: string, fn: () => Promise<T>): Promise<T> {
  return inPhase(phase, address, what, () => withStallStatus(session, phase, fn));
}

/** Tracks one phase: start, cumulative progress, end with elapsed time. */
export class PhaseTracker {
  private done = 0;
  private readonly started: number;
  constructor(
    private readonly session: Pick<DfuSession, 'emit' | 'clock'>,
    readonly phase: Phase,
    readonly totalBytes: number,
    label?: string,
  ) {
    this.started = session.clock.now();
    session.emit(label === undefined ? { type: 'phase-start', phase, totalBytes } : { type: 'phase-start', phase, totalBytes, label });
  }
  /** Bytes reported so far. */
  get bytes(): number {
    return this.done;
  }
  add(n: number): void {
    this.done += n;
    this.session.emit({ type: 'phase-progress', phase: this.phase, bytes: this.done, totalBytes: this.totalBytes });
  }
  end(): void {
    this.session.emit({ type: 'phase-end', phase: this.phase, bytes: this.done, elapsedMs: this.session.clock.now() - this.started });
  }
}
