/**
 * Every wait in dfu-flash goes through a Clock, so tests can run a 30-second
 * erase in a millisecond and record the sleeps.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolve after `ms` milliseconds (0 resolves on the next macrotask/tick). */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Virtual time that advances only when someone sleeps. Concurrent sleepers are
 * woken in deadline order, so several simulated devices or parallel flashes
 * interleave the way they would in real time.
 */
export class FakeClock implements Clock {
  private t: number;
  private readonly timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  private scheduled = false;
  /** Every sleep requested, in order, for assertions. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    const d = Math.max(0, ms);
    this.sleeps.push(d);
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + d, seq: this.seq++, resolve });
      this.schedule();
    });
  }

  /** Advance time to the earliest pending timer once all other work has settled. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      if (next.at > this.t) this.t = next.at;
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}
