/**
 * Our own deadline around libusb operations. The libusb bundled with `usb`
 * 2.x was seen not to enforce a control transfer's timeout while a device
 * stays silent, so every transfer and every callback-style call is raced
 * against a timer of ours; when the timer wins, the operation is cancelled
 * and its late completion is dropped.
 */

/** How long after libusb's own timeout our timer fires. */
export const DEADLINE_MARGIN_MS = 50;

/** One operation in flight: settles once; `finished` resolves when libusb has let go of it. */
export interface Tracked<T> {
  promise: Promise<T>;
  /** Resolves when the underlying completion arrived (even after the deadline), never rejects. */
  finished: Promise<void>;
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
}

/**
 * Start an operation that reports through a callback exactly once (or never),
 * and race it against our deadline. `start` returns a cancel function.
 */
export function withDeadline<T>(
  start: (done: (error: unknown, value?: T) => void) => (() => void) | void,
  options: DeadlineOptions,
): Tracked<T> {
  let settled = false;
  let markFinished!: () => void;
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  let cancelUnderlying: (() => void) | void = undefined;
  let completed = false;
  let resolveP!: (v: T) => void;
  let rejectP!: (e: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveP = resolve;
    rejectP = reject;
  });

  const timer = setTimeout(() => {
    if (settled) return;
    settled = true;
    rejectP(options.onTimeout());
    if (!completed && cancelUnderlying) cancelUnderlying();
  }, Math.max(0, options.deadlineMs));

  const done = (error: unknown, value?: T): void => {
    if (completed) return;
    completed = true;
    markFinished();
    if (settled) return; // late completion after our deadline: dropped
    settled = true;
    clearTimeout(timer);
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
    finished,
    cancel: () => {
      if (!completed && cancelUnderlying) cancelUnderlying();
    },
  };
}
