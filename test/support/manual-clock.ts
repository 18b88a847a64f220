/** A clock the test sets by hand: sleeps only move it forward (reporter tests drive time themselves). */
import type { Clock } from '../../src/transport/clock.js';

export class ManualClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
  async sleepUntil(deadline: number): Promise<void> {
    this.t = Math.max(this.t, deadline);
  }
}
