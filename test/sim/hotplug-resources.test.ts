/**
 * A long run on the simulated backend: the same port gets a board plugged in,
 * watched, listed, opened, polled, closed and pulled out 200 times. Nothing
 * may pile up: not the libuv handles, not the bus's maps or subscriptions, not
 * the backend's watchers, and no board that left may stay reachable.
 * Memory is reported (diagnostic), not asserted: the GC decides when (each
 * simulated F4 holds its 1 MiB of flash outside the heap until it is collected).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakeClock } from '../../src/transport/clock.js';
import { createSimBackend, type SimBackend, type SimDevice } from '../../src/sim/index.js';
import { memoryDelta, resourceSnapshot, type ResourceSnapshot } from '../support/resources.js';
import { dfu } from './helpers.js';

const ROUNDS = 200;
const LOG_LIMIT = 16; // reached by the 10th board: the log stays at its limit after that

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Waits for the watch() callback that follows `act`. */
async function changed(backend: SimBackend, act: () => void): Promise<void> {
  let stop!: () => void;
  const heard = new Promise<void>((resolve) => (stop = backend.watch(resolve)));
  act();
  await heard;
  stop();
}

/** One board: plugged in, listed, opened, polled, closed, pulled out. Returns it (only the early ones are kept, weakly). */
async function round(backend: SimBackend, i: number): Promise<SimDevice> {
  let board!: SimDevice;
  await changed(backend, () => (board = backend.plug('stm32f4-sysboot', { port: '1-1' })));
  const [info] = await backend.list();
  assert.equal(info?.deviceAddress, 2 + (i % 126), `round ${i}: the new board is listed`);
  const t = await backend.open(info!);
  await t.claimInterface(0);
  await dfu.getStatus(t);
  await t.close();
  await changed(backend, () => backend.unplug('1-1'));
  assert.deepEqual(await backend.list(), [], `round ${i}: gone from the list`);
  // a turn of the event loop between boards, as real I/O gives (a job that never ends keeps every WeakRef target alive)
  await new Promise((resolve) => setImmediate(resolve));
  return board;
}

/** Collect garbage after the current job (WeakRef targets and freed buffers go then). */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

interface Books {
  handles: ResourceSnapshot['handles'];
  bus: ReturnType<SimBackend['bus']['stats']>;
  watchers: number;
}

function books(backend: SimBackend): Books {
  return { handles: resourceSnapshot().handles, bus: backend.bus.stats(), watchers: backend.watcherCount };
}

async function collected(refs: WeakRef<SimDevice>[]): Promise<number> {
  await collect();
  await collect(); // WeakRefs clear after the job that ran the GC
  return refs.filter((r) => r.deref() === undefined).length;
}

test(`${ROUNDS} boards in a row on one port, watched: handles, bus bookkeeping and watchers after the last equal those after the 10th`, async (t) => {
  const clock = new FakeClock();
  const backend = createSimBackend([], { clock, busLogLimit: LOG_LIMIT });
  let changes = 0;
  const stopWatching = backend.watch(() => changes++); // a station's own watch, for the whole run
  const start = resourceSnapshot();

  const early: WeakRef<SimDevice>[] = [];
  for (let i = 0; i < 10; i++) early.push(new WeakRef(await round(backend, i)));
  await collect();
  const after10 = books(backend);
  const memory10 = resourceSnapshot();
  for (let i = 10; i < ROUNDS; i++) await round(backend, i);
  await collect();
  const afterAll = books(backend);
  const memoryAll = resourceSnapshot();

  assert.equal(changes, 2 * ROUNDS, 'the long-lived watch heard every arrival and departure');
  assert.deepEqual(afterAll, after10);
  assert.deepEqual(afterAll.bus, { ports: 1, attached: 0, arriving: 0, subscriptions: 0, watchers: 1, log: LOG_LIMIT });
  assert.equal(afterAll.watchers, 1);
  assert.equal(await collected(early), early.length, 'no board that left is still reachable');

  stopWatching();
  backend.dispose();
  assert.deepEqual([backend.watcherCount, backend.bus.stats().watchers], [0, 0]);
  t.diagnostic(`after 10 boards: ${memoryDelta(start, memory10)}; after ${ROUNDS}: ${memoryDelta(start, memoryAll)}`);
  t.diagnostic(`active resources after 10 / ${ROUNDS}: ${JSON.stringify(after10.handles)} / ${JSON.stringify(afterAll.handles)}`);
});
