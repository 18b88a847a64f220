import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadAll } from '../../src/ops/multi.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { pattern, rig, tempDir, writeTemp } from './helpers.js';

test('four boards flash in one call; each has its own events and result (the wall-time ratio is measured in bench/)', async () => {
  const file = writeTemp(tempDir(), 'fw.bin', pattern(60_000, 4));
  const four = rig(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot']);
  const devices = [...four.backend.bus.devices];
  const perBoard = new Map<string, FlashEvent[]>();
  const results = await downloadAll({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000:leave'), reset: false }, four.ctx, (port) => {
    const list: FlashEvent[] = [];
    perBoard.set(port, list);
    return (e) => list.push(e);
  });
  assert.deepEqual(results.map((r) => [r.portPath, r.ok]), [['1-1', true], ['1-2', true], ['1-3', true], ['1-4', true]]);
  assert.equal(new Set(results.map((r) => r.serial)).size, 4, 'distinct serials per board');
  for (const d of devices) assert.deepEqual(d.readFlash(0x08000000, 60_000), pattern(60_000, 4));
  for (const [, evs] of perBoard) assert.ok(evs.some((e) => e.type === 'phase-end' && e.phase === 'download'));
});

test('one failing board does not stop the others', async () => {
  const file = writeTemp(tempDir(), 'fw.bin', pattern(20_000, 4));
  const r = rig(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot']);
  const devices = [...r.backend.bus.devices];
  devices[1]!.faults.add({ request: 'DFU_DNLOAD', nth: 8, action: { status: 3 } });
  const results = await downloadAll({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx, () => () => undefined);
  assert.deepEqual(results.map((x) => x.ok), [true, false, true]);
  assert.equal(results[1]!.error?.code, 'DFU_STATUS');
  assert.deepEqual(devices[0]!.readFlash(0x08000000, 20_000), pattern(20_000, 4));
  assert.deepEqual(devices[2]!.readFlash(0x08000000, 20_000), pattern(20_000, 4));
});
