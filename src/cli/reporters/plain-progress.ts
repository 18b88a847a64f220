/**
 * Progress as plain lines, for stderr that is not a terminal (CI logs, pipes):
 * a line when a phase starts and ends, one each time at least another 10 % is
 * done, with the true percentage (blocks of 12.5 % give 12 %, 25 %, 37 %…,
 * never a jump from 30 % to 50 %), and, while the device is busy with one long
 * step (an erase), one every 5 s of the wait. No control characters, no colour.
 *
 *   download: start (102400 bytes)
 *   download: 40% (40960/102400 bytes, 19.5 KiB/s)
 *   download: done, 102400 bytes in 5.12 s (19.5 KiB/s)
 *   erase: waiting for the device, 10 s of about 35 s
 */
import type { FlashEvent, Phase } from '../../dfu/events.js';
import type { Clock } from '../../transport/clock.js';
import { formatRate, formatSeconds, oneLine, rateOf } from './format.js';
import type { LineSink } from './types.js';

interface PhaseState {
  startedAt: number;
  /** Bytes at the last progress line (0 = none yet). */
  printed: number;
  /** Last 5-second mark of a wait printed (0 = none yet); a new step starts again at 0. */
  waitMarks: number;
}

/** A heartbeat line every this many ms of one wait. */
export const WAIT_LINE_MS = 5000;

export class PlainProgress {
  private readonly phases = new Map<Phase, PhaseState>();

  constructor(
    private readonly out: LineSink,
    private readonly clock: Clock,
  ) {}

  handle(e: FlashEvent): void {
    switch (e.type) {
      case 'phase-start': {
        this.phases.set(e.phase, { startedAt: this.clock.now(), printed: 0, waitMarks: 0 });
        const label = e.label === undefined || e.label === '' ? '' : oneLine(e.label);
        const detail = [e.totalBytes > 0 ? `${e.totalBytes} bytes` : '', label].filter((s) => s !== '').join(', ');
        this.out(`${e.phase}: start${detail === '' ? '' : ` (${detail})`}\n`);
        return;
      }
      case 'phase-progress': {
        const p = this.phases.get(e.phase);
        if (p === undefined || e.totalBytes <= 0) return;
        // 100 % is left to the phase's end line.
        p.waitMarks = 0;
        if (e.bytes >= e.totalBytes || (e.bytes - p.printed) * 10 < e.totalBytes) return;
        p.printed = e.bytes;
        const rate = rateOf(e.bytes, this.clock.now() - p.startedAt);
        const rateText = rate === undefined ? '' : `, ${formatRate(rate)}`;
        this.out(`${e.phase}: ${Math.floor((e.bytes * 100) / e.totalBytes)}% (${e.bytes}/${e.totalBytes} bytes${rateText})\n`);
        return;
      }
      case 'phase-wait': {
        const p = this.phases.get(e.phase);
        const marks = Math.floor(e.elapsedMs / WAIT_LINE_MS);
        if (p === undefined || marks <= p.waitMarks) return;
        p.waitMarks = marks;
        this.out(`${e.phase}: waiting for the device, ${Math.round(e.elapsedMs / 1000)} s of about ${Math.round(e.expectedMs / 1000)} s\n`);
        return;
      }
      case 'phase-end': {
        this.phases.delete(e.phase);
        if (e.bytes <= 0) {
          this.out(`${e.phase}: done in ${formatSeconds(e.elapsedMs)}\n`);
          return;
        }
        const rate = rateOf(e.bytes, e.elapsedMs);
        const rateText = rate === undefined ? '' : ` (${formatRate(rate)})`;
        this.out(`${e.phase}: done, ${e.bytes} bytes in ${formatSeconds(e.elapsedMs)}${rateText}\n`);
        return;
      }
      default:
        return;
    }
  }
}
