/**
 * The GETSTATUS poll loop. It waits exactly the bwPollTimeout the device asked
 * for before the next GETSTATUS, counted from the moment the reply arrived
 * (the transport's completion time) and never less (never polls early),
 * never sleeps after a state that ends the wait, and gives up on a device
 * that stays busy far longer than it said it would: after 10 × the longest
 * poll timeout it reported, but not before a floor for the operation (a
 * device that reports 20 ms and stays busy for seconds is stuck, not slow),
 * and never after the operation's overall deadline. Before giving up it
 * tries to free the device (unstick.ts), and the TIMEOUT says what came of it.
 * Long waits inside a phase send heartbeats (phase-wait events).
 */
import { DfuState } from './constants.js';
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { stateName, type DfuStatusReply } from './status.js';
import type { DfuSession } from './session.js';
import type { Phase } from './events.js';
import { replyTime, waitAfterReply } from './poll-time.js';
import { recoveryHint, unstickDevice, type UnstickOutcome } from './unstick.js';

export { replyTime, waitAfterReply } from './poll-time.js';

/** Time-driven progress of one step of a phase while the device is busy with it (an erase). */
export interface WaitProgress {
  phase: Phase;
  /** How long the step should take, from the device's facts (typical time, reported bwPollTimeout, a quirk's minimum). */
  expectedMs: number;
  /** Phase bytes done before this step, the step's own bytes, and the phase total (for the estimate in phase-wait). */
  bytesBefore: number;
  stepBytes: number;
  totalBytes: number;
}

export interface PollOptions {
  /** Give up when the device is still busy this many ms after the poll loop started, whatever it reports. */
  deadlineMs: number;
  /** Words for errors: 'erase of page', 'download of block 3'… */
  what: string;
  /** States that mean "keep waiting". Default: dfuDNBUSY and dfuDNLOAD-SYNC. */
  busyStates?: ReadonlySet<number>;
  /** Wait at least this long in total (quirk: devices that under-report). */
  minTotalMs?: number;
  /**
   * Patience before a device that keeps reporting short poll timeouts counts as stuck (default
   * BUSY_FLOOR_MS): a floor for slow operations. The device's own estimate × STUCK_FACTOR wins when longer.
   */
  stuckAfterMs?: number;
  /** Try to free a stuck device before the TIMEOUT (default true), and whether a USB reset may be one of the steps (default true). */
  recover?: boolean;
  recoverWithReset?: boolean;
  /** Heartbeats for long waits (erases). */
  progress?: WaitProgress;
}

const DEFAULT_BUSY: ReadonlySet<number> = new Set([DfuState.dfuDNBUSY, DfuState.dfuDNLOAD_SYNC]);

/** A busy device gets at least this long before it counts as stuck (a block, a command). */
export const BUSY_FLOOR_MS = 3000;
/** … and at least this many times the longest poll timeout it reported (its own estimate). */
export const STUCK_FACTOR = 10;
/** A heartbeat every this many ms of a long wait… */
export const HEARTBEAT_MS = 500;
/** … a wait for a step expected to take at least this long (shorter steps show as their phase-progress). */
export const LONG_WAIT_MS = 1000;

/** The delay the device asked for, through the quirks (without the minimum interval). */
function askedDelay(session: DfuSession, reply: DfuStatusReply): number {
  return session.quirks.ignorePollTimeout ? session.quirks.pollIntervalMs : reply.pollTimeoutMs;
}

/** How long to wait before the next GETSTATUS: the device's bwPollTimeout through the quirks. */
export function pollDelay(session: DfuSession, reply: DfuStatusReply): number {
  return Math.max(askedDelay(session, reply), session.quirks.minPollIntervalMs);
}

/** The deadline a wait for a busy device gets: see the file comment. */
export function stuckAfter(options: Pick<PollOptions, 'deadlineMs' | 'stuckAfterMs' | 'minTotalMs'>, longestAskedMs: number): number {
  const patience = Math.max(options.stuckAfterMs ?? BUSY_FLOOR_MS, STUCK_FACTOR * longestAskedMs, options.minTotalMs ?? 0);
  return Math.min(options.deadlineMs, patience);
}

/** Wait for `reply`'s delay; with progress, in heartbeat-sized pieces, each wake-up as precise as the last. */
async function waitWithHeartbeat(session: DfuSession, reply: DfuStatusReply, delay: number, waitStart: number, progress?: WaitProgress): Promise<void> {
  if (progress === undefined) return waitAfterReply(session, reply, delay);
  const deadline = replyTime(session, reply) + delay;
  for (;;) {
    const now = session.clock.now();
    const beat = waitStart + (Math.floor((now - waitStart) / HEARTBEAT_MS) + 1) * HEARTBEAT_MS;
    if (beat >= deadline) return session.clock.sleepUntil(deadline);
    await session.clock.sleepUntil(beat);
    const elapsedMs = session.clock.now() - waitStart;
    const share = Math.min(0.95, elapsedMs / Math.max(1, progress.expectedMs));
    const bytes = Math.min(progress.totalBytes, progress.bytesBefore + Math.floor(progress.stepBytes * share));
    session.emit({ type: 'phase-wait', phase: progress.phase, elapsedMs: Math.round(elapsedMs), expectedMs: Math.round(progress.expectedMs), bytes, totalBytes: progress.totalBytes });
  }
}

/** The TIMEOUT for a device that stayed busy, with what the attempt to free it did. */
function stuckError(options: PollOptions, reply: DfuStatusReply, waitedMs: number, longestAskedMs: number, limitMs: number, outcome: UnstickOutcome | undefined, why?: string): DfuFlashError {
  const state = stateName(reply.state);
  const asked = why ?? `although it asked for at most ${longestAskedMs} ms at a time (gave up after ${limitMs} ms)`;
  const tried = outcome === undefined ? '' : outcome.recovery === 'failed' ? '; DFU_ABORT, DFU_CLRSTATUS and a USB reset did not free it' : `; ${outcome.by} freed it`;
  return new DfuFlashError('TIMEOUT', `${options.what}: the device stayed in ${state} for ${Math.round(waitedMs)} ms ${asked}: it is stuck${tried}`, {
    hint: outcome === undefined ? 'the device is stuck: power-cycle the board (unplug it) and try again' : `the device was stuck; ${recoveryHint(outcome)}`,
    details: {
      state: reply.state,
      stuck: true,
      waitedMs: Math.round(waitedMs),
      longestPollTimeoutMs: longestAskedMs,
      recovery: outcome?.recovery,
      recoveredBy: outcome?.by,
      recoverySteps: outcome?.tried,
    },
  });
}

/**
 * Given the reply that said "busy", sleep and GETSTATUS until the device
 * reports a state outside `busyStates`. Returns that final reply.
 */
export async function pollWhileBusy(session: DfuSession, first: DfuStatusReply, options: PollOptions): Promise<DfuStatusReply> {
  const busy = options.busyStates ?? DEFAULT_BUSY;
  const start = replyTime(session, first);
  let reply = first;
  let zeroPolls = 0;
  let stalls = 0;
  let lastDelay = pollDelay(session, reply);
  let longestAsked = 0;
  const expectedMs = options.progress && Math.max(options.progress.expectedMs, askedDelay(session, first), options.minTotalMs ?? 0);
  const progress = options.progress && expectedMs !== undefined && expectedMs >= LONG_WAIT_MS ? { ...options.progress, expectedMs } : undefined;
  const giveUp = async (why?: string): Promise<never> => {
    const waited = session.clock.now() - start;
    const limit = stuckAfter(options, longestAsked);
    // with the H7 quirk the command's own warning tells the story
    session.emit({ type: session.quirks.stuckBusyRecovery ? 'debug' : 'warning', message: `${options.what}: the device stays in ${stateName(reply.state)} (${Math.round(waited)} ms): trying to free it` });
    const outcome =
      options.recover === false
        ? undefined
        : await unstickDevice(session, { last: reply, reset: options.recoverWithReset !== false, clrStatusFirst: session.quirks.stuckBusyRecovery });
    throw stuckError(options, reply, waited, longestAsked, limit, outcome, why);
  };
  while (busy.has(reply.state)) {
    let delay = pollDelay(session, reply);
    longestAsked = Math.max(longestAsked, askedDelay(session, reply));
    // a zero poll timeout counts even when the minimum interval makes us wait: the device gives no estimate
    let zero = askedDelay(session, reply) === 0;
    if (options.minTotalMs !== undefined) {
      const waited = session.clock.now() - start;
      if (waited + delay < options.minTotalMs) {
        delay = options.minTotalMs - waited;
        zero = false;
      }
    }
    if (zero) {
      if (++zeroPolls > session.quirks.maxZeroPolls) await giveUp(`with ${zeroPolls - 1} zero poll timeouts in a row`);
    } else zeroPolls = 0;
    if (session.clock.now() - start + delay > stuckAfter(options, longestAsked)) await giveUp();
    await waitWithHeartbeat(session, reply, delay, start, progress);
    lastDelay = delay;
    try {
      reply = await session.req.getStatus();
    } catch (e) {
      if (isDfuFlashError(e, 'STALL') && stalls < session.quirks.busyStallTolerance) {
        stalls++;
        // The device stalls GETSTATUS while it is really busy: wait as long again, from now.
        reply = { ...reply, pollTimeoutMs: Math.max(lastDelay, 1), receivedAt: undefined };
        continue;
      }
      throw e;
    }
  }
  return reply;
}

/** GETSTATUS now, then wait while busy. */
export async function getStatusSettled(session: DfuSession, options: PollOptions): Promise<DfuStatusReply> {
  const reply = await session.req.getStatus();
  return pollWhileBusy(session, reply, options);
}

/** What a stuck-device TIMEOUT says came of the attempt to free the device, if it is one. */
export function recoveryOf(e: unknown): UnstickOutcome['recovery'] | undefined {
  return isDfuFlashError(e, 'TIMEOUT') && e.details['stuck'] === true ? (e.details['recovery'] as UnstickOutcome['recovery'] | undefined) : undefined;
}
