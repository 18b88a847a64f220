/**
 * When a wait imposed by bwPollTimeout starts and ends: from the moment the
 * reply arrived (the transport's completion time), never earlier.
 */
import type { Clock } from '../transport/clock.js';
import type { DfuStatusReply } from './status.js';

/** A completion time older than this is not on the session's clock (a transport with another clock): use now. */
const MAX_REPLY_AGE_MS = 1000;

/**
 * When bwPollTimeout started counting for `reply`: the moment the transport saw the transfer complete,
 * or now when it does not say (or says something that cannot be on this clock). Never in the future.
 */
export function replyTime(session: { clock: Clock }, reply: DfuStatusReply): number {
  const now = session.clock.now();
  const at = reply.receivedAt;
  return at !== undefined && at <= now && now - at < MAX_REPLY_AGE_MS ? at : now;
}

/** Wait until `delayMs` after the reply arrived: never earlier (a device may take an early GETSTATUS as a protocol error). */
export function waitAfterReply(session: { clock: Clock }, reply: DfuStatusReply, delayMs: number): Promise<void> {
  return session.clock.sleepUntil(replyTime(session, reply) + delayMs);
}
