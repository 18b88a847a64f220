/**
 * The GETSTATUS poll loop. It waits exactly the bwPollTimeout the device asked
 * for before the next GETSTATUS, counted from the moment the reply arrived
 * (the transport's completion time) and never less (never polls early),
 * never sleeps after a state that ends the wait, and gives up at an overall
 * deadline.
 */
import { DfuState } from './constants.js';
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { describeState, type DfuStatusReply } from './status.js';
import type { DfuSession } from './session.js';

export interface PollOptions {
  /** Give up when the device is still busy this many ms after the poll loop started. */
  deadlineMs: number;
  /** Words for errors: 'erase of page', 'download of block 3'… */
  what: string;
  /** States that mean "keep waiting". Default: dfuDNBUSY and dfuDNLOAD-SYNC. */
  busyStates?: ReadonlySet<number>;
  /** Wait at least this long in total (quirk: devices that under-report). */
  minTotalMs?: number;
}

const DEFAULT_BUSY: ReadonlySet<number> = new Set([DfuState.dfuDNBUSY, DfuState.dfuDNLOAD_SYNC]);

/** The delay the device asked for, through the quirks (without the minimum interval). */
function askedDelay(session: DfuSession, reply: DfuStatusReply): number {
  return session.quirks.ignorePollTimeout ? session.quirks.pollIntervalMs : reply.pollTimeoutMs;
}

/** How long to wait before the next GETSTATUS: the device's bwPollTimeout through the quirks. */
export function pollDelay(session: DfuSession, reply: DfuStatusReply): number {
  return Math.max(askedDelay(session, reply), session.quirks.minPollIntervalMs);
}

/** A completion time older than this is not on the session's clock (a transport with another clock): use now. */
const MAX_REPLY_AGE_MS = 1000;

/**
 * When bwPollTimeout started counting for `reply`: the moment the transport saw the transfer complete,
 * or now when it does not say (or says something that cannot be on this clock). Never in the future.
 */
export function replyTime(session: Pick<DfuSession, 'clock'>, reply: DfuStatusReply): number {
  const now = session.clock.now();
  const at = reply.receivedAt;
  return at !== undefined && at <= now && now - at < MAX_REPLY_AGE_MS ? at : now;
}

/** Wait until `delayMs` after the reply arrived: never earlier (a device may take an early GETSTATUS as a protocol error). */
export function waitAfterReply(session: Pick<DfuSession, 'clock'>, reply: DfuStatusReply, delayMs: number): Promise<void> {
  return session.clock.sleepUntil(replyTime(session, reply) + delayMs);
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
  while (busy.has(reply.state)) {
    let delay = pollDelay(session, reply);
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
      if (++zeroPolls > session.quirks.maxZeroPolls) {
        throw new DfuFlashError('TIMEOUT', `${options.what}: device stuck in ${describeState(reply.state)} after ${zeroPolls - 1} zero poll timeouts in a row`, {
          hint: 'replug the device and try again',
          details: { state: reply.state, zeroPolls: zeroPolls - 1 },
        });
      }
    } else zeroPolls = 0;
    if (session.clock.now() - start + delay > options.deadlineMs) {
      throw new DfuFlashError(
        'TIMEOUT',
        `${options.what}: device still ${describeState(reply.state)} after ${Math.round(session.clock.now() - start)} ms (deadline ${options.deadlineMs} ms)`,
        { hint: 'the device may be stuck: replug it (or power-cycle the board) and try again', details: { state: reply.state } },
      );
    }
    await waitAfterReply(session, reply, delay);
    lastDelay = delay;
    try {
      reply = await session.req.getStatus();
    } catch (e) {
      if (isDfuFlashError(e, 'STALL') && stalls < session.quirks.busyStallTolerance) {
        stalls++;
        // The device stalls GETSTATUS while it is really busy: wait as long again.
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
