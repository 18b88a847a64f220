/** Several boards of one backend at once, through the public API: each with its own events and result; one board, one operation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { download, findBoards, isDfuFlashError, type FlashEvent } from '../../src/index.js';
import { pattern, rig } from './helpers.js';

test('four boards flash at once; each has its own events and result (the wall-time ratio is measured in bench/)', async () => {
  const four = rig(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot']);
  const devices = [...four.backend.bus.devices];
  const boards = await findBoards({ backend: four.backend });
  assert.deepEqual(boards.map((b) => b.portPath), ['1-1', '1-2', '1-3', '1-4']);
  const perBoard = new Map<string, FlashEvent[]>();
  const results = await Promise.all(
    boards.map((b) => {
      const events: FlashEvent[] = [];
      perBoard.set(b.portPath, events);
      return download({ backend: four.backend, clock: four.clock, image: pattern(60_000, 4), address: 0x08000000, leave: true, select: { path: b.portPath }, onEvent: (e) => events.push(e) });
    }),
  );
  assert.deepEqual(results.map((r) => [r.device.portPath, r.end, r.verified]), ['1-1', '1-2', '1-3', '1-4'].map((p) => [p, 'left-bus', true]));
  assert.equal(new Set(results.map((r) => r.device.serial)).size, 4, 'distinct serials per board');
  for (const d of devices) assert.deepEqual(d.readFlash(0x08000000, 60_000), pattern(60_000, 4));
  for (const [, evs] of perBoard) assert.ok(evs.some((e) => e.type === 'phase-end' && e.phase === 'download'));
});

test('one failing board does not stop the others', async () => {
  const r = rig(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot']);
  const devices = [...r.backend.bus.devices];
  devices[1]!.faults.add({ request: 'DFU_DNLOAD', nth: 8, action: { status: 3 } });
  const results = await Promise.allSettled(
    ['1-1', '1-2', '1-3'].map((path) => download({ backend: r.backend, clock: r.clock, image: pattern(20_000, 4), address: 0x08000000, select: { path } })),
  );
  assert.deepEqual(results.map((x) => x.status), ['fulfilled', 'rejected', 'fulfilled']);
  const failed = (results[1] as PromiseRejectedResult).reason;
  assert.ok(isDfuFlashError(failed, 'DFU_STATUS'), String(failed));
  assert.deepEqual(devices[0]!.readFlash(0x08000000, 20_000), pattern(20_000, 4));
  assert.deepEqual(devices[2]!.readFlash(0x08000000, 20_000), pattern(20_000, 4));
});

test('a second operation on a board that one is using is refused with BUSY before it sends anything; the first succeeds', async () => {
  const r = rig(['stm32f4-sysboot']);
  const device = r.device();
  let opened = 0;
  const open = r.backend.open.bind(r.backend);
  r.backend.open = (info) => {
    opened++;
    return open(info);
  };
  const options = { backend: r.backend, clock: r.clock, image: pattern(8192, 2), address: 0x08000000 };
  const first = download(options);
  await new Promise((resolve) => setImmediate(resolve)); // the first has listed and taken the board
  await assert.rejects(download(options), (e: unknown) => isDfuFlashError(e, 'BUSY') && /another operation is already using 0483:df11 at 1-1/.test(e.message));
  const done = await first;
  assert.equal(opened, 1, 'only the first operation opened the device: the refused one sent nothing');
  assert.equal(done.verified, true);
  assert.deepEqual(device.readFlash(0x08000000, 8192), pattern(8192, 2));
  // and the board is free again afterwards
  assert.equal((await download(options)).verified, true);
});

test('a runtime board is taken before it is detached: a second download at the same time is refused, and DETACH is sent once', async () => {
  const r = rig(['runtime-app']);
  const app = r.device();
  const options = { backend: r.backend, clock: r.clock, image: pattern(4096, 9), address: 0x08000000 };
  const first = download(options);
  await new Promise((resolve) => setImmediate(resolve));
  await assert.rejects(download(options), (e: unknown) => isDfuFlashError(e, 'BUSY'));
  const done = await first;
  assert.equal(done.verified, true);
  assert.equal(app.transcript.filter((t) => t.request === 'DFU_DETACH').length, 1);
  assert.deepEqual(r.backend.bus.devices.at(-1)!.readFlash(0x08000000, 4096), pattern(4096, 9));
});
