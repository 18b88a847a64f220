/**
 * Our own deadline around a WebUSB promise. Chromium puts no timeout on a
 * control transfer (a silent device keeps it pending for ever) and none on
 * open, claim or SET_INTERFACE, so every call is raced against a timer; a
 * late settlement after the deadline is dropped.
 */

export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/** `work`, or a rejection with `onTimeout()` when it has not settled `ms` ms from now. */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(onTimeout());
    }, Math.max(0, ms));
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Wait for `work` at most `ms` ms, whatever it does; never rejects. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<'done' | 'failed' | 'timeout'> {
  try {
    await withDeadline(work, ms, () => new DeadlineExceeded(ms));
    return 'done';
  } catch (e) {
    return e instanceof DeadlineExceeded ? 'timeout' : 'failed';
  }
}

/** Until `done()` holds, checking every `stepMs`, for at most `ms` ms; resolves with whether it came to hold. */
export async function waitUntil(done: () => boolean, ms: number, stepMs = 10): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return true;
}
