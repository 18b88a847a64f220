/** The simulated backend's hotplug: watch(), plug()/unplug() while something runs, re-enumeration, the same board again. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/transport/clock.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { createSimBackend, type SimBackend } from '../../src/sim/index.js';
import { pattern } from '../support/pattern.js';
import { clearF4, command, dfu, dfuse, pollDone } from './helpers.js';

const FLASH = 0x08000000;

/** What list() shows, compactly. */
async function shown(backend: SimBackend): Promise<string[]> {
  return (await backend.list()).map((d) => `${d.portPath}#${d.deviceAddress} ${d.serial ?? ''}`.trim());
}

/** A promise for the next watch() callback. */
function nextChange(backend: SimBackend): Promise<void> {
  return new Promise((resolve) => {
    const stop = backend.watch(() => {
      stop();
      resolve();
    });
  });
}

describe('simulated hotplug', () => {
  test('boards plugged in and pulled out while watching: one call per change, list() shows it by then', async () => {
    const backend = createSimBackend(['stm32f4-sysboot'], { clock: new FakeClock() });
    const seen: string[][] = [];
    const lists: Promise<void>[] = [];
    const stop = backend.watch(() => lists.push(shown(backend).then((l) => void seen.push(l))));

    backend.plug('stm32f4-sysboot', { port: '1-3' });
    await Promise.resolve();
    await Promise.all(lists);
    backend.unplug('1-1');
    await Promise.resolve();
    await Promise.all(lists);
    assert.deepEqual(seen, [['1-1#2 315A28A0B956', '1-3#3 315A28A0B957'], ['1-3#3 315A28A0B957']]);

    // one burst (pull one out, put another in, same tick) is one call
    backend.unplug('1-3');
    backend.plug('dapboot');
    await Promise.resolve();
    await Promise.all(lists);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen[2], ['1-2#4 0669FF545150898367243741'], 'default port: the next port number');

    stop();
    assert.equal(backend.watcherCount, 0);
    assert.equal(backend.bus.stats().watchers, 0, 'the backend let go of the bus');
    backend.plug('dapboot');
    await Promise.resolve();
    assert.equal(seen.length, 3, 'no call after stop');
    assert.deepEqual(
      backend.bus.log.map((l) => [l.type, l.port, l.deviceAddress, l.reason]),
      [
        ['attach', '1-1', 2, undefined],
        ['attach', '1-3', 3, undefined],
        ['detach', '1-1', 2, 'unplugged'],
        ['detach', '1-3', 3, 'unplugged'],
        ['attach', '1-2', 4, undefined],
        ['attach', '1-3', 5, undefined],
      ],
    );
  });

  test('a runtime application detaching: watch() hears it leave, and the bootloader arrive on the same port', async () => {
    const clock = new FakeClock();
    const backend = createSimBackend(['runtime-app'], { clock });
    const [app] = await backend.list();
    const t = await backend.open(app!);
    await t.claimInterface(0);
    const left = nextChange(backend);
    await dfu.detach(t);
    await left;
    assert.deepEqual(await shown(backend), []);
    assert.equal(clock.now(), 10, 'the app left 10 ms after DETACH');
    await nextChange(backend);
    assert.equal(clock.now(), 310, 'the ROM arrived 300 ms later');
    assert.deepEqual(await shown(backend), ['1-1#3 315A28A0B956']);
    await t.close();
  });

  test('pulled out while re-enumerating: the device that was about to arrive never does', async () => {
    const clock = new FakeClock();
    const backend = createSimBackend(['runtime-app'], { clock });
    const [app] = await backend.list();
    const t = await backend.open(app!);
    await dfu.detach(t);
    await clock.sleep(10);
    assert.equal(backend.bus.stats().arriving, 1);
    backend.unplug('1-1');
    assert.equal(backend.bus.stats().arriving, 0);
    await clock.sleep(1000);
    assert.deepEqual(await shown(backend), []);
    assert.deepEqual(
      backend.bus.log.map((l) => l.type),
      ['attach', 'detach'],
    );
  });

  test('a port holds one board: plugging into a taken port is a USAGE error, the board on it stays', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    assert.throws(
      () => backend.plug('stm32f4-sysboot', { port: '1-1' }),
      (e: unknown) => isDfuFlashError(e, 'USAGE') && /port 1-1 already holds dapboot/.test(e.message),
    );
    assert.deepEqual(await shown(backend), ['1-1#2 0669FF545150898367243741']);
    assert.throws(() => backend.bus.plug(backend.bus.devices[0]!, '1-5'), (e: unknown) => isDfuFlashError(e, 'USAGE'));
  });

  test('the same board plugged in again: a new address, fresh DFU state, the flash and serial it had', async () => {
    const clock = new FakeClock();
    const backend = createSimBackend([], { clock });
    const first = backend.plug('stm32f4-sysboot', { port: '1-4', serial: 'BOARD0001' });
    const fw = pattern(2048, 3);
    const [info] = await backend.list();
    const r = { clock, device: first, t: await backend.open(info!) };
    await r.t.claimInterface(0);
    await clearF4(r);
    await command(r, dfuse.erase(FLASH));
    await command(r, dfuse.setAddress(FLASH));
    await dfu.dnload(r.t, 2, fw);
    await pollDone(r);
    assert.equal(first.stateName, 'dfuDNLOAD-IDLE');
    backend.unplug('1-4');
    await r.t.close();

    const again = backend.plug(first.profile, { port: '1-4', serial: first.serial, flash: first.snapshot() });
    assert.deepEqual(await shown(backend), ['1-4#3 BOARD0001']);
    assert.deepEqual(again.readFlash(FLASH, fw.length), fw);
    // the ROM's power-on state, not where the first left off; nothing erased or written on this one
    assert.deepEqual([again.stateName, again.statusName], ['dfuERROR', 'errFIRMWARE']);
    assert.deepEqual([again.eraseLog, again.writeLog], [[], []]);
    assert.ok(again.transcript.every((e) => e.request === 'GET_DESCRIPTOR'), 'only the listing read it');
  });
});
