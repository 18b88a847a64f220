import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, preciseSleepUntil, systemClock } from '../../../src/transport/clock.js';

describe('deadline waits', () => {
  test('the system clock never returns before the deadline', async () => {
    for (const ms of [0.3, 1, 1.6, 4]) {
      const deadline = performance.now() + ms;
      await systemClock.sleepUntil(deadline);
      assert.ok(performance.now() >= deadline, `woke before a ${ms} ms deadline`);
    }
  });

  test('a clock that lags the timers (how Node timers fire early) still decides when the wait ends', async () => {
    // The clock reads 1.2 ms behind performance.now(): every timer seems to fire that much early.
    const lagging = (): number => performance.now() - 1.2;
    for (const ms of [0.5, 2, 5]) {
      const deadline = lagging() + ms;
      await preciseSleepUntil(deadline, lagging);
      assert.ok(lagging() >= deadline, `woke before a ${ms} ms deadline on the lagging clock`);
    }
  });

  test('a deadline in the past resolves without waiting for a timer', async () => {
    const clock = new FakeClock(100);
    await clock.sleepUntil(40);
    assert.equal(clock.now(), 100);
    await systemClock.sleepUntil(performance.now() - 5);
  });

  test('FakeClock wakes exactly at the deadline and records it, with the wait as a duration', async () => {
    const clock = new FakeClock(10);
    await clock.sleepUntil(10.25);
    await clock.sleep(3);
    await clock.sleepUntil(20);
    assert.equal(clock.now(), 20);
    assert.deepEqual(clock.deadlines, [10.25, 20]);
    assert.deepEqual(clock.sleeps, [0.25, 3, 6.75]);
  });

  test('FakeClock wakes concurrent deadline waits in deadline order', async () => {
    const clock = new FakeClock();
    const order: string[] = [];
    await Promise.all([
      clock.sleepUntil(30).then(() => order.push(`b@${clock.now()}`)),
      clock.sleep(10).then(() => order.push(`a@${clock.now()}`)),
      clock.sleepUntil(30.5).then(() => order.push(`c@${clock.now()}`)),
    ]);
    assert.deepEqual(order, ['a@10', 'b@30', 'c@30.5']);
  });
});
