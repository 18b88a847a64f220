/**
 * EP0 of a device as a host controller drives it: one control transfer at a
 * time, in order. A transfer the device never completes (a `silent` fault)
 * blocks every later one, until the host gives up on all of them — closing
 * the device, resetting it, or the device leaving — which rejects everything
 * pending and starts a fresh pipe. Chromium's WebUSB has no timeout and no
 * cancel for a single transfer, and this models exactly that.
 */
import type { SimControlResult } from '../types.js';

interface Waiter {
  reject: (e: Error) => void;
}

export class Ep0Pipe {
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;
  private readonly waiting = new Set<Waiter>();

  /** Queue one transfer; `settle` turns a completed result into the promise's value (or throws). */
  submit<T>(run: () => Promise<SimControlResult>, settle: (r: Exclude<SimControlResult, { kind: 'silent' }>) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const gen = this.generation;
      const waiter: Waiter = { reject };
      this.waiting.add(waiter);
      this.chain = this.chain.then(async () => {
        if (gen !== this.generation) return;
        let r: SimControlResult;
        try {
          r = await run();
        } catch (e) {
          if (gen === this.generation && this.waiting.delete(waiter)) reject(e as Error);
          return;
        }
        if (gen !== this.generation || !this.waiting.has(waiter)) return;
        // never completes: EP0 stays blocked until abort()
        if (r.kind === 'silent') return new Promise<void>(() => undefined);
        this.waiting.delete(waiter);
        try {
          resolve(settle(r));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  }

  /** Fail everything queued or in flight with `error()` and start over. */
  abort(error: () => Error): void {
    this.generation++;
    const all = [...this.waiting];
    this.waiting.clear();
    this.chain = Promise.resolve();
    for (const w of all) w.reject(error());
  }
}
