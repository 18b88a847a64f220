/** Waiting for the bus to change, by polling the backend's device list against a deadline — never a fixed sleep. */
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

/** Poll list() until `pick` returns something; TIMEOUT after `timeoutMs`. */
export async function waitForDevices<T>(ctx: OpContext, pick: (devices: DfuDeviceInfo[]) => T | undefined, options: WaitOptions): Promise<T> {
  const start = ctx.clock.now();
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  for (;;) {
    const found = pick(await ctx.backend.list());
    if (found !== undefined) return found;
    const waited = ctx.clock.now() - start;
    if (waited >= options.timeoutMs) {
      throw new DfuFlashError('NO_DEVICE', `gave up waiting for ${options.what} after ${(waited / 1000).toFixed(1)} s`, {
        hint: options.hint,
        details: { waitedMs: Math.round(waited) },
      });
    }
    await ctx.clock.sleep(Math.min(pollMs, options.timeoutMs - waited));
  }
}
