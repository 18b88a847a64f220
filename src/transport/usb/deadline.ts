/**
 * Our own deadline around libusb operations. The libusb bundled with `usb`
 * 2.x was seen not to enforce a control transfer's timeout while a device
 * stays silent, so every transfer and every callback-style call is raced
 * against a deadline of ours; when the deadline wins, the operation is
 * cancelled and its late completion is dropped.
 *
 * The deadlines of one transport share one timer (DeadlineTimer), armed for
 * the earliest: a transfer that completes in time costs no timer work at all,
 * where a timer per transfer was created and cleared a thousand times per
 * megabyte.
 */

/** How long after libusb's own timeout our deadline passes. */
export const DEADLINE_MARGIN_MS = 50;

interface Entry {
  at: number;
  expire: () => void;
}

/** Many deadlines on one timer. `now` is performance.now() (a timer that fires early is re-armed). */
export class DeadlineTimer {
  private readonly pending = new Set<Entry>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(readonly now: () => number = () => performance.now()) {}

  add(at: number, expire: () => void): Entry {
    const entry = { at, expire };
    this.pending.add(entry);
    if (at < this.armedFor) this.arm(at);
    else if (this.pending.size === 1) this.timer?.ref();
    return entry;
  }

  /** A completed operation. The armed timer stays (it finds nothing due when it fires, and stops), unref'd when idle. */
  remove(entry: Entry): void {
    if (this.pending.delete(entry) && this.pending.size === 0) this.timer?.unref();
  }

  /** Stop the timer (the transport closed): nothing may keep the process alive. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    this.pending.clear();
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const e of [...this.pending]) {
      if (e.at <= now) {
        this.pending.delete(e);
        e.expire();
      } else if (e.at < next) next = e.at;
    }
    if (next !== Infinity) this.arm(next);
  }
}

/** One operation in flight: settles once; `finished()` resolves when libusb has let go of it. */
export interface Tracked<T> {
  promise: Promise<T>;
  /** Has the underlying completion arrived (even after the deadline)? */
  readonly completed: boolean;
  /** Resolves when the underlying completion has arrived; never rejects. */
  finished(): Promise<void>;
  /** Cancel the underlying operation (no-op once it completed). */
  cancel(): void;
}

export interface DeadlineOptions {
  /** Our deadline in ms from now. */
  deadlineMs: number;
  /** The error to reject with when the deadline wins. */
  onTimeout: () => Error;
  /** Map the error reported by the operation. */
  mapError: (error: unknown) => Error;
  /** The timer the deadline goes on (default: one of its own). */
  timer?: DeadlineTimer | undefined;
  /** Called once, when the underlying completion arrives. */
  onFinished?: (() => void) | undefined;
}

const ownTimer = new DeadlineTimer();

/**
 * Start an operation that reports through a callback exactly once (or never),
 * and race it against our deadline. `start` returns a cancel function.
 */
export function withDeadline<T>(
  start: (done: (error: unknown, value?: T) => void) => (() => void) | void,
  options: DeadlineOptions,
): Tracked<T> {
  const timer = options.timer ?? ownTimer;
  let settled = false;
  let completed = false;
  let cancelUnderlying: (() => void) | void = undefined;
  let whenFinished: Promise<void> | undefined;
  let markFinished: (() => void) | undefined;
  let resolveP!: (v: T) => void;
  let rejectP!: (e: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveP = resolve;
    rejectP = reject;
  });

  const deadline = timer.add(timer.now() + options.deadlineMs, () => {
    if (settled) return;
    settled = true;
    rejectP(options.onTimeout());
    if (!completed && cancelUnderlying) cancelUnderlying();
  });

  const done = (error: unknown, value?: T): void => {
    if (completed) return;
    completed = true;
    timer.remove(deadline);
    options.onFinished?.();
    markFinished?.();
    if (settled) return; // late completion after our deadline: dropped
    settled = true;
    if (error !== undefined && error !== null) rejectP(options.mapError(error));
    else resolveP(value as T);
  };

  try {
    cancelUnderlying = start(done);
  } catch (e) {
    done(e);
  }

  return {
    promise,
    get completed() {
      return completed;
    },
    finished: () => {
      if (completed) return Promise.resolve();
      whenFinished ??= new Promise<void>((resolve) => (markFinished = resolve));
      return whenFinished;
    },
    cancel: () => {
      if (!completed && cancelUnderlying) cancelUnderlying();
    },
  };
}
