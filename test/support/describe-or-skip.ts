/**
 * A suite that may be skipped as a whole (no umockdev, no dfu-util, no real
 * fixtures), counted in the runner's summary.
 *
 * `describe(name, { skip: reason }, fn)` prints "# SKIP reason" on the suite,
 * but Node's test runner counts only skipped tests in its "# skipped" total:
 * a run that skipped five suites said "# skipped 0". Here a skipped suite is
 * registered as one skipped test with the suite's name and the reason, so the
 * total equals the number of "# SKIP" lines and `npm test` reports all it
 * left out. (test/unit/support/describe-or-skip.test.ts checks the count.)
 */
import { describe, test } from 'node:test';

/** `skip`: false to run the suite, or why it cannot run here. */
export function describeOrSkip(name: string, skip: string | false, fn: () => void): void {
  if (skip === false) describe(name, fn);
  else test(name, { skip }, () => {});
}
