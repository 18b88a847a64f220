/**
 * Per-transfer host overhead (pure): the time a host spends between the
 * device's completion of one control transfer and its next request, beyond
 * the wait the device asked for (bwPollTimeout before a GETSTATUS), read from
 * the device's transcript. Through the harness both ends are the host's own
 * URB times, so this is the host's share, the same kind of measure for every
 * host on the same emulated bus.
 */
import type { ProbeEntry } from './probe-types.js';
import { median, sum } from './stats.js';

export interface HostOverhead {
  /** Gaps counted (pairs of consecutive control transfers). */
  transfers: number;
  /** Mean ms above the device's time per control transfer. */
  meanMs: number;
  medianMs: number;
  /** Sum of all gaps beyond the required waits. */
  totalMs: number;
}

/** Transcript entries that are not control transfers on EP0 (usbdevfs ioctls the sim records). */
const NOT_A_TRANSFER = new Set(['SET_INTERFACE', 'BUS_RESET']);
const STATUS = new Set(['DFU_GETSTATUS', 'DFU_GETSTATE']);

export function hostOverhead(transcripts: readonly (readonly ProbeEntry[])[]): HostOverhead {
  const gaps: number[] = [];
  for (const transcript of transcripts) {
    for (let i = 0; i + 1 < transcript.length; i++) {
      const e = transcript[i]!;
      const next = transcript[i + 1]!;
      if (NOT_A_TRANSFER.has(e.request) || NOT_A_TRANSFER.has(next.request)) continue;
      const wait = e.reply !== undefined && STATUS.has(next.request) ? e.reply.bwPollTimeout : 0;
      gaps.push(next.t - e.doneAt - wait);
    }
  }
  const totalMs = sum(gaps);
  return { transfers: gaps.length, meanMs: gaps.length === 0 ? NaN : totalMs / gaps.length, medianMs: gaps.length === 0 ? NaN : median(gaps), totalMs };
}
