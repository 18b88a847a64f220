/** LibusbBackend.watch() over a scripted hotplug source and fake devices (no libusb): sharing, coalescing, stopping, polling. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LibusbBackend } from '../../../src/transport/usb/backend.js';
import type { HotplugEventType, RawHotplug } from '../../../src/transport/usb/hotplug.js';
import type { RawDevice } from '../../../src/transport/usb/raw-device.js';
import { F4_STRINGS, FakeRawDevice, f4Config } from './fake-raw-device.js';

const OPTS = { platform: 'linux' as const, stringTimeoutMs: 60, deadlineMarginMs: 10, closeWaitMs: 100 };

/** A hotplug source the test fires by hand; counts listeners the way node-usb's emitter would hold them. */
class ScriptedHotplug implements RawHotplug {
  readonly listeners = new Set<(type: HotplugEventType) => void>();
  starts = 0;
  constructor(readonly native = true) {}
  listen(onEvent: (type: HotplugEventType) => void): () => void {
    this.starts++;
    this.listeners.add(onEvent);
    return () => this.listeners.delete(onEvent);
  }
  fire(type: HotplugEventType): void {
    for (const l of [...this.listeners]) l(type);
  }
}

function f4(address: number, port: number): FakeRawDevice {
  return new FakeRawDevice({ configs: [f4Config()], strings: F4_STRINGS, deviceAddress: address, portNumbers: [port] });
}

/** A turn of the event loop later (the watch calls back on setImmediate). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('watch', () => {
  test('subscribers share one source; a burst of events is one call each; the last stop lets the source go', async () => {
    const source = new ScriptedHotplug();
    const backend = new LibusbBackend({ devices: () => [] }, OPTS, source);
    const calls: string[] = [];
    const stopA = backend.watch(() => calls.push('a'));
    const stopB = backend.watch(() => calls.push('b'));
    assert.equal(source.starts, 1);
    assert.equal(source.listeners.size, 1);

    source.fire('detach');
    source.fire('attach');
    source.fire('attach');
    assert.deepEqual([...calls], [], 'never synchronously, from inside the stack');
    await nextTurn();
    assert.deepEqual([...calls], ['a', 'b']);

    stopA();
    stopA();
    assert.equal(source.listeners.size, 1, 'b still watches');
    source.fire('attach');
    await nextTurn();
    assert.deepEqual([...calls], ['a', 'b', 'b']);

    stopB();
    assert.equal(source.listeners.size, 0);
    assert.equal(backend.hotplug.active, false);
    assert.equal(backend.hotplug.size, 0);

    // watching again starts the source again
    backend.watch(() => calls.push('c'));
    assert.equal(source.starts, 2);
    backend.dispose();
    assert.equal(source.listeners.size, 0);
  });

  test('the same callback subscribed twice is two subscriptions; one stopped inside a round is not called in it', async () => {
    const source = new ScriptedHotplug();
    const backend = new LibusbBackend({ devices: () => [] }, OPTS, source);
    const calls: string[] = [];
    const f = (): void => {
      calls.push('f');
    };
    const stopF1 = backend.watch(f);
    backend.watch(f);
    let stopLast: () => void = () => undefined;
    backend.watch(() => {
      calls.push('stopper');
      stopLast();
    });
    stopLast = backend.watch(() => calls.push('last'));
    source.fire('attach');
    await nextTurn();
    assert.deepEqual([...calls], ['f', 'f', 'stopper']);
    stopF1();
    assert.equal(backend.hotplug.size, 2);
    backend.dispose();
  });

  test('dispose() stops every watcher, drops a callback already scheduled, and releases the source', async () => {
    const source = new ScriptedHotplug();
    const backend = new LibusbBackend({ devices: () => [] }, OPTS, source);
    let calls = 0;
    const stop = backend.watch(() => calls++);
    source.fire('attach');
    backend.dispose();
    await nextTurn();
    assert.equal(calls, 0);
    assert.equal(source.listeners.size, 0);
    assert.equal(backend.hotplug.active, false);
    stop(); // after dispose: harmless
    source.fire('attach');
    await nextTurn();
    assert.equal(calls, 0);
  });

  test('watching never opens a device: only list() does, once per description', async () => {
    const a = f4(5, 1);
    const source = new ScriptedHotplug();
    const backend = new LibusbBackend({ devices: () => [a] }, OPTS, source);
    let listed = 0;
    const seen = new Promise<void>((resolve) => {
      backend.watch(() => {
        void backend.list().then((l) => {
          listed = l.length;
          resolve();
        });
      });
    });
    source.fire('attach');
    source.fire('attach');
    await seen;
    assert.equal(listed, 1);
    assert.deepEqual(a.log.filter((l) => l === 'open'), ['open'], 'one open, by list()');
    backend.dispose();
  });

  test('without hotplug events in the stack: the device list is polled while watching, and only then', async () => {
    let devices: RawDevice[] = [f4(5, 1)];
    let reads = 0;
    const source = new ScriptedHotplug(false);
    const backend = new LibusbBackend(
      {
        devices: () => {
          reads++;
          return devices;
        },
      },
      { ...OPTS, hotplugPollMs: 1 },
      source,
    );
    assert.equal(backend.hotplug.pollMs, 1);
    let changes = 0;
    let changed!: () => void;
    let next = new Promise<void>((resolve) => (changed = resolve));
    const stop = backend.watch(() => {
      changes++;
      changed();
    });
    assert.equal(source.starts, 0, 'the stack is not asked for events it does not have');
    devices = [f4(5, 1), f4(6, 2)];
    await next;
    assert.equal(changes, 1);
    next = new Promise<void>((resolve) => (changed = resolve));
    devices = [f4(6, 2)];
    await next;
    assert.equal(changes, 2);
    stop();
    assert.equal(backend.hotplug.active, false);
    const readsAtStop = reads;
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(reads, readsAtStop, 'no poll after stop');
    // no device was opened by the poll
    for (const d of devices as FakeRawDevice[]) assert.deepEqual(d.log, []);
  });

  test('with hotplug events there is no poll, whatever hotplugPollMs says', () => {
    const backend = new LibusbBackend({ devices: () => [] }, { ...OPTS, hotplugPollMs: 1 }, new ScriptedHotplug(true));
    assert.equal(backend.hotplug.pollMs, 0);
    backend.dispose();
  });
});
