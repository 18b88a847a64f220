/**
 * Early-poll detection for one simulated device: a GETSTATUS that arrives
 * before the bwPollTimeout of the previous GETSTATUS reply has passed, counted
 * from that reply's completion (DFU 1.1 §6.1.2: the minimum time before the
 * next GETSTATUS). Times are exact: a poll a fraction of a millisecond early
 * is early. Through a harness the completion is re-dated to when the host saw
 * it (SimHostTimes), which can only be later.
 */
import type { SimControlResult, SimTranscriptEntry } from './types.js';

export class PollWatch {
  /** A GETSTATUS before this clock time is early. */
  private readyAt = -Infinity;
  private last: { entry: SimTranscriptEntry; reportedMs: number } | undefined;

  isEarly(arrival: number): boolean {
    return arrival < this.readyAt;
  }

  /** A GETSTATUS reply was recorded as `entry`: the next one must wait its bwPollTimeout from entry.doneAt. */
  noteReply(entry: SimTranscriptEntry, result: SimControlResult): void {
    const d = result.kind === 'ack' ? result.data : undefined;
    if (d === undefined || d.length < 4) return;
    const reportedMs = d[1]! | (d[2]! << 8) | (d[3]! << 16);
    this.last = { entry, reportedMs };
    this.readyAt = entry.doneAt + reportedMs;
  }

  /**
   * The host saw `latest` (the transcript's last entry) complete at `at`, later than the device answered:
   * date that transfer's end, and so a GETSTATUS reply's bwPollTimeout, from then.
   */
  hostSawCompletion(latest: SimTranscriptEntry | undefined, at: number, now: number): void {
    if (latest === undefined || at <= latest.doneAt || at > now) return;
    latest.doneAt = at;
    if (this.last?.entry === latest) this.readyAt = at + this.last.reportedMs;
  }
}
