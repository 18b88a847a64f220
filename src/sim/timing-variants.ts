/**
 * Timing sets a simulated device can run with (SimOptions.timing):
 *
 * - 'typical' (default): datasheet-typical busy times, or what real devices were
 *   seen to report; each profile's comment says which, and marks estimates.
 * - 'worst-case': the profile's slow set (`worstCase` in its behaviour: datasheet
 *   maxima, or the slowest a real device was seen to report); the same as
 *   'typical' for a profile that has no such facts.
 * - 'short-poll': every busy period ÷ 100, reported bwPollTimeout rounded to a
 *   whole millisecond, both at most 5 ms: poll timeouts of 0–5 ms, where a host
 *   that wakes a fraction of a millisecond early polls too soon (a test device
 *   made from any profile; no real device is claimed to do this).
 */
import type { SimBusy, SimProfile } from './profile-types.js';

export type SimTiming = 'typical' | 'worst-case' | 'short-poll';

export const SIM_TIMINGS: readonly SimTiming[] = ['typical', 'worst-case', 'short-poll'];

const SHORT_POLL_DIVISOR = 100;
const SHORT_POLL_MAX_MS = 5;

/** 'short-poll': a busy period ÷ 100, at most 5 ms, reported as a whole number of ms. */
export function shortPoll(busy: SimBusy): SimBusy {
  return {
    reportedMs: Math.min(SHORT_POLL_MAX_MS, Math.round(busy.reportedMs / SHORT_POLL_DIVISOR)),
    actualMs: Math.min(SHORT_POLL_MAX_MS, busy.actualMs / SHORT_POLL_DIVISOR),
  };
}

/** The profile with the busy times of `timing` ('short-poll' is applied per busy period by the state machine). */
export function withTiming(profile: SimProfile, timing: SimTiming): SimProfile {
  const b = profile.behaviour;
  if (timing !== 'worst-case' || b.kind === 'runtime' || b.worstCase === undefined) return profile;
  if (b.kind === 'dfuse') return { ...profile, behaviour: { ...b, timing: { ...b.timing, ...b.worstCase } } };
  return { ...profile, behaviour: { ...b, timing: { ...b.timing, ...b.worstCase } } };
}
