/**
 * The clock simulated devices run on in a page. Browsers coarsen
 * performance.now() (100 µs steps in Chromium without cross-origin
 * isolation) and may run a timer a little before the clock shows its time has
 * come; a simulated device woken that early finds nothing to do yet and is
 * never woken again (a detach that never leaves). This sleep resolves only
 * once now() has advanced by the full `ms`.
 */
import type { Clock } from '../../transport/clock.js';

export const pageClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise<void>((resolve) => {
      const until = performance.now() + Math.max(0, ms);
      const check = (): void => {
        const left = until - performance.now();
        if (left <= 0) resolve();
        else setTimeout(check, Math.max(1, left));
      };
      setTimeout(check, Math.max(0, ms));
    }),
};
