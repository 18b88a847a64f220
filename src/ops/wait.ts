/**
 * Waiting for the bus to change: list the devices against a deadline, again
 * at every hotplug notice (backend.watch) and at least every `pollMs` —
 * never a fixed sleep. The caller's AbortSignal ends the wait at once.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { DfuDeviceInfo } from '../transport/types.js';
import type { OpContext } from './types.js';

export const DEFAULT_POLL_MS = 50;

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  /** For the timeout message: 'the device to come back in DFU mode'. */
  what: string;
  hint: string;
}

/** The ABORTED error for an operation stopped by its signal. */
export function abortedError(what = 'the operation'): DfuFlashError {
  return new DfuFlashError('ABORTED', `${what} was aborted`, { hint: 'nothing more was sent to the device after the abort' });
}

export function throwIfAborted(ctx: Pick<OpContext, 'signal'>, what?: string): void {
  if (ctx.signal?.aborted) throw abortedError(what);
}

/** List until `pick` returns something; NO_DEVICE (a timeout) after `timeoutMs`. */
export async function waitForDevices<T>(ctx: OpContext, pick: (devices: DfuDeviceInfo[]) => T | undefined, options: WaitOptions): Promise<T> {
  const start = ctx.clock.now();
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let changed = false;
  let wake: (() => void) | undefined;
  const stop = ctx.backend.watch?.(() => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  ctx.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      throwIfAborted(ctx, 'waiting');
      changed = false;
      const found = pick(await ctx.backend.list());
      if (found !== undefined) return found;
      const waited = ctx.clock.now() - start;
      if (waited >= options.timeoutMs) {
        throw new DfuFlashError('NO_DEVICE', `gave up waiting for ${options.what} after ${(waited / 1000).toFixed(1)} s`, {
          hint: options.hint,
          details: { waitedMs: Math.round(waited), reason: 'wait-timeout' },
        });
      }
      if (changed) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        void ctx.clock.sleep(Math.min(pollMs, options.timeoutMs - waited)).then(resolve);
      });
      wake = undefined;
    }
  } finally {
    stop?.();
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}
