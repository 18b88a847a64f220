/**
 * The station engine on simulated boards (FakeClock): boards plugged in while
 * it runs, each flashed once with the right bytes; returns after :leave (as the
 * application, or to the bootloader) left alone; unrelated devices untouched;
 * a failing board reported while the others finish; --again; boards pulled
 * before their turn; stop, abort, count and timeout. Everything is ordered by
 * the station's own events, never by sleeps.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import type { SimDevice } from '../../src/sim/index.js';
import { BASE, IMAGE_BYTES, bytesWritten, deviceOn, dfuRequests, kinds, startStation } from './helpers.js';

describe('station engine', () => {
  test('three boards, two plugged in after it started: each flashed once with the image, then it stops by itself after count 3', async () => {
    const flashed: SimDevice[] = [];
    const rig = startStation(['stm32f4-sysboot'], { count: 3 }, (e, r) => {
      if (e.type === 'station-listening') r.backend.plug('stm32f4-sysboot', { port: '1-2', serial: 'B0000002' });
      if (e.type === 'board-started') flashed.push(deviceOn(r.backend, e.board.portPath)!);
      if (e.type === 'board-finished' && e.board.number === 1) r.backend.plug('stm32f4-sysboot', { port: '1-3', serial: 'C0000003' });
    });
    const summary = await rig.done;
    assert.deepEqual([summary.boards, summary.ok, summary.failed, summary.reason], [3, 3, 0, 'count']);
    assert.deepEqual(flashed.map((d) => d.serial), ['315A28A0B956', 'B0000002', 'C0000003']);
    for (const d of flashed) {
      assert.deepEqual(d.readFlash(BASE, IMAGE_BYTES.length), IMAGE_BYTES, `${d.serial}: the image`);
      assert.equal(bytesWritten(d), IMAGE_BYTES.length, `${d.serial}: written once`);
      assert.deepEqual(d.eraseLog, [BASE, BASE + 0x4000], `${d.serial}: erased once`);
    }
    // #1 and #2 run side by side: which of them finishes first is the scheduler's business; #3 comes after #1
    const finished = kinds(rig.events).filter((k) => k.startsWith('board-finished'));
    assert.deepEqual([...finished].sort(), ['board-finished #1 1-1 ok', 'board-finished #2 1-2 ok', 'board-finished #3 1-3 ok']);
    assert.ok(finished.indexOf('board-finished #1 1-1 ok') < finished.indexOf('board-finished #3 1-3 ok'), finished.join(', '));
    assert.equal(kinds(rig.events).at(-1), 'station-stopping count');
  });

  test('a board that comes back as its runtime application after :leave is neither detached nor flashed again; unrelated runtime and DFU devices get no DFU request', async () => {
    let returned = 0;
    const rig = startStation(['stm32f4-leave-app', 'mac-bluetooth', 'runtime-app', 'dapboot'], { select: { device: ',0483:df11' } }, (e, r) => {
      if (e.type === 'board-returned') returned++;
      if (e.type === 'board-returned') r.station.stop();
    });
    const [rom, bluetooth, app, dapboot] = rig.backend.bus.devices;
    const summary = await rig.done;
    assert.equal(returned, 1);
    assert.deepEqual(kinds(rig.events), ['station-listening', 'board-arrived #1 1-1', 'board-started #1 1-1', 'board-finished #1 1-1 ok', 'board-returned #1 1-1 application', 'station-stopping stopped']);
    const back = rig.events.find((e) => e.type === 'board-returned');
    assert.ok(back?.type === 'board-returned' && back.device.mode === 'runtime' && back.device.productId === 0x5740);
    assert.deepEqual(rom!.readFlash(BASE, IMAGE_BYTES.length), IMAGE_BYTES);
    const newApp = deviceOn(rig.backend, '1-1') ?? rig.backend.bus.devices.find((d) => d.profile === 'runtime-app' && d !== app);
    assert.ok(newApp !== undefined && newApp.profile === 'runtime-app', 'the new firmware enumerated on 1-1');
    for (const d of [newApp, bluetooth!, app!, dapboot!]) assert.deepEqual(dfuRequests(d), [], `${d.profile}: no DFU request`);
    assert.deepEqual([summary.ok, summary.failed, summary.returnedToBootloader], [1, 0, 0]);
  });

  test('a board that comes back to the bootloader (BOOT0 high) is reported as a warning and not flashed again', async () => {
    const rig = startStation(['stm32f4-boot0-high'], {}, (e, r) => {
      if (e.type === 'board-returned') r.station.stop();
    });
    const first = rig.backend.bus.devices[0]!;
    const summary = await rig.done;
    assert.deepEqual(kinds(rig.events), ['station-listening', 'board-arrived #1 1-1', 'board-started #1 1-1', 'board-finished #1 1-1 ok', 'board-returned #1 1-1 bootloader', 'station-stopping stopped']);
    assert.equal(bytesWritten(first), IMAGE_BYTES.length);
    const back = deviceOn(rig.backend, '1-1');
    assert.ok(back !== undefined && back !== first && back.serial === first.serial, 'the ROM is back on 1-1 with the same serial');
    assert.deepEqual(dfuRequests(back), [], 'the returned ROM got no DFU request');
    assert.deepEqual(back.readFlash(BASE, IMAGE_BYTES.length), IMAGE_BYTES, 'its flash holds the image');
    assert.equal(summary.returnedToBootloader, 1);
  });

  for (const again of [false, true]) {
    test(`the same board unplugged and plugged in again: ${again ? 'flashed again with again' : 'skipped without again'}`, async () => {
      const devices: SimDevice[] = [];
      let replugged: SimDevice | undefined;
      const rig = startStation(['stm32f4-boot0-high'], { again }, (e, r) => {
        if (e.type === 'board-started') devices.push(deviceOn(r.backend, e.board.portPath)!);
        if (e.type === 'board-returned' && e.board.number === 1) {
          // the operator pulls the board that came back and plugs it in again
          const back = deviceOn(r.backend, '1-1')!;
          r.backend.unplug('1-1');
          replugged = r.backend.plug('stm32f4-boot0-high', { port: '1-1', serial: back.serial, flash: back.snapshot() });
        }
        if (e.type === 'board-skipped' || (e.type === 'board-returned' && e.board.number === 2)) r.station.stop();
      });
      await rig.done;
      if (again) {
        assert.deepEqual(kinds(rig.events).slice(3), ['board-finished #1 1-1 ok', 'board-returned #1 1-1 bootloader', 'board-arrived #2 1-1', 'board-started #2 1-1', 'board-finished #2 1-1 ok', 'board-returned #2 1-1 bootloader', 'station-stopping stopped']);
        assert.deepEqual(devices.map((d) => d === replugged), [false, true]);
        assert.equal(bytesWritten(devices[1]!), IMAGE_BYTES.length);
      } else {
        assert.deepEqual(kinds(rig.events).slice(3), ['board-finished #1 1-1 ok', 'board-returned #1 1-1 bootloader', 'board-skipped 1-1 as #1', 'station-stopping stopped']);
        assert.deepEqual(dfuRequests(replugged!), [], 'the board plugged in again got no DFU request');
      }
    });
  }

  test('a board whose download fails (an error status in the middle) is reported with its error, the others finish, and it is not retried', async () => {
    const rig = startStation(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'], { leave: false, count: 3 });
    const [a, b, c] = rig.backend.bus.devices;
    b!.faults.add({ request: 'DFU_GETSTATUS', nth: 12, action: { status: DfuStatus.errWRITE } });
    const summary = await rig.done;
    assert.deepEqual([summary.ok, summary.failed], [2, 1]);
    const failed = rig.events.find((e) => e.type === 'board-finished' && !e.ok);
    assert.ok(failed?.type === 'board-finished' && !failed.ok);
    assert.equal(failed.board.portPath, '1-2');
    assert.equal(failed.error.code, 'DFU_STATUS');
    assert.match(failed.error.message, /errWRITE/);
    for (const d of [a!, c!]) assert.deepEqual(d.readFlash(BASE, IMAGE_BYTES.length), IMAGE_BYTES);
    assert.ok(bytesWritten(b!) < IMAGE_BYTES.length, 'the failing board stopped in the middle');
    assert.equal(rig.events.filter((e) => e.type === 'board-arrived').length, 3, 'nobody took the failed board again');
  });

  test('with one job at a time, a board pulled out while it waits is dropped before anything is sent to it', async () => {
    const rig = startStation(['stm32f4-sysboot', 'stm32f4-sysboot'], { jobs: 1, leave: false }, (e, r) => {
      if (e.type === 'board-started' && e.board.number === 1) r.backend.unplug('1-2');
      if (e.type === 'board-finished') r.station.stop();
    });
    const second = rig.backend.bus.devices[1]!;
    await rig.done;
    assert.deepEqual(kinds(rig.events), ['station-listening', 'board-arrived #1 1-1', 'board-arrived #2 1-2', 'board-started #1 1-1', 'board-left #2 1-2 unplugged', 'board-finished #1 1-1 ok', 'station-stopping stopped']);
    assert.deepEqual(dfuRequests(second), []);
  });

  test('stop(): the board in flight finishes, a waiting one is dropped, no new one is taken', async () => {
    const rig = startStation(['stm32f4-sysboot', 'stm32f4-sysboot'], { jobs: 1, leave: false }, (e, r) => {
      if (e.type === 'board-event' && e.event.type === 'phase-start' && e.event.phase === 'download') {
        r.station.stop();
        r.backend.plug('stm32f4-sysboot', { port: '1-3' });
      }
    });
    const [first, waiting] = rig.backend.bus.devices;
    const summary = await rig.done;
    assert.deepEqual(kinds(rig.events), ['station-listening', 'board-arrived #1 1-1', 'board-arrived #2 1-2', 'board-started #1 1-1', 'station-stopping stopped', 'board-left #2 1-2 stopping', 'board-finished #1 1-1 ok']);
    assert.deepEqual(first!.readFlash(BASE, IMAGE_BYTES.length), IMAGE_BYTES);
    assert.deepEqual(dfuRequests(waiting!), []);
    assert.deepEqual([summary.boards, summary.reason, summary.aborted], [1, 'stopped', false]);
  });

  test('abort(): boards in flight stop at a block boundary, back in dfuIDLE, failing with ABORTED', async () => {
    const rig = startStation(['stm32f4-sysboot', 'stm32f4-sysboot'], { leave: false }, (e, r) => {
      if (e.type === 'board-event' && e.event.type === 'phase-progress' && e.event.phase === 'download' && e.board.number === 2) r.station.abort();
    });
    const boards = rig.backend.bus.devices;
    const summary = await rig.done;
    assert.deepEqual([summary.failed, summary.aborted], [2, true]);
    for (const e of rig.events.filter((x) => x.type === 'board-finished')) assert.ok(e.type === 'board-finished' && !e.ok && e.error.code === 'ABORTED');
    for (const d of boards) {
      assert.equal(d.stateName, 'dfuIDLE');
      assert.ok(dfuRequests(d).includes('DFU_ABORT'));
      assert.ok(bytesWritten(d) < IMAGE_BYTES.length);
    }
    assert.deepEqual(kinds(rig.events).filter((k) => k.startsWith('station')), ['station-listening', 'station-stopping stopped', 'station-aborting']);
  });

  test('timeout: no board taken after it, the board in flight finishes', async () => {
    const rig = startStation(['stm32f4-sysboot'], { leave: false, timeoutMs: 3000, timeScale: 1 }, (e, r) => {
      if (e.type === 'station-stopping') r.backend.plug('stm32f4-sysboot', { port: '1-2' });
    });
    const summary = await rig.done;
    assert.deepEqual([summary.boards, summary.ok, summary.reason], [1, 1, 'timeout']);
    assert.ok(summary.elapsedMs >= 3000, `ended at ${summary.elapsedMs} ms`);
    assert.deepEqual(kinds(rig.events), ['station-listening', 'board-arrived #1 1-1', 'board-started #1 1-1', 'station-stopping timeout', 'board-finished #1 1-1 ok']);
  });

  test('timeout with no board: ends with nothing flashed', async () => {
    const rig = startStation([], { timeoutMs: 10_000 });
    const summary = await rig.done;
    assert.deepEqual([summary.boards, summary.reason, summary.boardsPerHour], [0, 'timeout', 0]);
  });

  test('bad options are refused before anything is listed', () => {
    for (const bad of [{ jobs: 0 }, { count: 0 }, { count: 1.5 }, { timeoutMs: -1 }]) {
      assert.throws(() => startStation([], bad), (e: Error & { code?: string }) => e.code === 'USAGE', JSON.stringify(bad));
    }
  });
});
