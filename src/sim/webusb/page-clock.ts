/**
 * The clock simulated devices run on in a page. Browsers coarsen
 * performance.now() (100 µs steps in Chromium without cross-origin
 * isolation) and may run a timer a little before the clock shows its time has
 * come; a simulated device woken that early finds nothing to do yet and is
 * never woken again (a detach that never leaves). This sleep resolves only
 * once now() has advanced by the full `ms`.
 */
import type { Clock } from '../../transport/clock.js';

/** Resolve once now() >= until: a timer, then another for what is left, as often as it takes. */
function until(deadline: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = (): void => {
      const left = deadline - performance.now();
      if (left <= 0) resolve();
      else setTimeout(check, Math.max(1, left));
    };
    setTimeout(check, Math.max(0, deadline - performance.now()));
  });
}

export const pageClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => until(performance.now() + Math.max(0, ms)),
  sleepUntil: (deadline) => until(deadline),
};
