/**
 * Every wait in dfu-flash goes through a Clock, so tests can run a 30-second
 * erase in a millisecond and record the sleeps.
 *
 * Two kinds of wait: `sleep(ms)` for "about this long" (retries, hotplug
 * polls), and `sleepUntil(deadline)` for waits the device imposes
 * (bwPollTimeout): it never returns before `deadline` and returns as soon
 * after it as the system allows.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolve after `ms` milliseconds (0 resolves on the next macrotask/tick). */
  sleep(ms: number): Promise<void>;
  /** Resolve once now() >= `deadline`, never earlier (a deadline in the past resolves on the next tick). */
  sleepUntil(deadline: number): Promise<void>;
}

/**
 * How long before a deadline the coarse timer of systemClock.sleepUntil aims.
 * Node's timers run on the event loop's cached, whole-millisecond clock: one
 * may fire up to about 1 ms before its delay has passed on performance.now(),
 * or a few tenths of a millisecond after. Aiming 1.2 ms early and covering
 * the rest in event-loop turns makes the wake-up both never early and, in the
 * usual case, within a few tens of microseconds of the deadline.
 */
export const COARSE_LEAD_MS = 1.2;

const timeout = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One turn of the event loop: setImmediate in Node; in a browser (the web build) a MessageChannel message, else a 0 ms timer. */
const turn: () => Promise<void> = makeTurn();

function makeTurn(): () => Promise<void> {
  if (typeof setImmediate === 'function') return () => new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    // a browser's MessagePort (Node's typings describe worker_threads' one): setting onmessage starts it
    (channel.port1 as unknown as { onmessage: (() => void) | null }).onmessage = () => waiting.shift()?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(0);
      });
  }
  return () => timeout(0);
}

/** A deadline wait on performance.now(): a timer to shortly before, then event-loop turns, then the clock decides. */
export async function preciseSleepUntil(deadline: number, now: () => number = () => performance.now()): Promise<void> {
  let left = deadline - now();
  if (left <= 0) return turn();
  if (left > COARSE_LEAD_MS) {
    await timeout(left - COARSE_LEAD_MS);
    left = deadline - now();
  }
  // The last stretch: each turn lets the loop handle I/O (other boards' completions) and costs microseconds.
  while (left > 0) {
    await turn();
    left = deadline - now();
  }
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => timeout(Math.max(0, ms)),
  sleepUntil: (deadline) => preciseSleepUntil(deadline),
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
  /** Every wait requested, in order, as a duration (sleepUntil's deadline − now), for assertions. */
  readonly sleeps: number[] = [];
  /** The deadline of every sleepUntil, in order (clock times), for assertions. */
  readonly deadlines: number[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    const d = Math.max(0, ms);
    this.sleeps.push(d);
    return this.wakeAt(this.t + d);
  }

  sleepUntil(deadline: number): Promise<void> {
    this.deadlines.push(deadline);
    this.sleeps.push(Math.max(0, deadline - this.t));
    return this.wakeAt(Math.max(this.t, deadline));
  }

  private wakeAt(at: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at, seq: this.seq++, resolve });
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
