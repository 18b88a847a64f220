import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/transport/clock.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { DfuState } from '../../src/dfu/constants.js';
import { createSimBackend } from '../../src/sim/index.js';
import { dfu } from './helpers.js';

async function openRuntime(profile: string) {
  const clock = new FakeClock();
  const backend = createSimBackend([profile, 'dapboot'], { clock });
  const list = await backend.list();
  assert.equal(list[0]!.alts[0]!.interfaceProtocol, 1);
  const t = await backend.open(list[0]!);
  await t.claimInterface(0);
  return { clock, backend, t, app: backend.bus.devices[0]! };
}

describe('runtime-app (bitWillDetach)', () => {
  test('DETACH → appDETACH, leaves the bus, re-enumerates as stm32f4-sysboot on the same port', async () => {
    const { clock, backend, t, app } = await openRuntime('runtime-app');
    const s = await dfu.getStatus(t);
    assert.deepEqual([s.bState, s.bStatus], [DfuState.appIDLE, 0]);
    await dfu.detach(t);
    assert.equal(app.stateName, 'appDETACH');
    await clock.sleep(10);
    assert.equal(app.connected, false);
    await assert.rejects(dfu.getStatus(t), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.deepEqual((await backend.list()).map((d) => d.portPath), ['1-2']);
    await clock.sleep(300);
    const list = await backend.list();
    assert.deepEqual(
      list.map((d) => [d.portPath, d.deviceAddress, d.vendorId.toString(16), d.productId.toString(16), d.serial, d.alts.length]),
      [
        ['1-1', 4, '483', 'df11', '315A28A0B956', 4],
        ['1-2', 3, '1209', 'db42', '0669FF545150898367243741', 1],
      ],
    );
    assert.equal(backend.bus.devices[0]!.profile, 'stm32f4-sysboot');
    assert.deepEqual(
      backend.bus.log.filter((l) => l.port === '1-1').map((l) => [l.t, l.type, l.profile, l.deviceAddress]),
      [
        [0, 'attach', 'runtime-app', 2],
        [10, 'detach', 'runtime-app', 2],
        [310, 'attach', 'stm32f4-sysboot', 4],
      ],
    );
    // the new device is a fresh ROM bootloader: dfuERROR / errFIRMWARE
    const t2 = await backend.open(list[0]!);
    await t2.claimInterface(0);
    const s2 = await dfu.getStatus(t2);
    assert.deepEqual([s2.bState, s2.bStatus], [DfuState.dfuERROR, 10]);
  });
});

describe('runtime-app-reset (no bitWillDetach)', () => {
  test('DETACH then a USB reset re-enumerates the device as the bootloader', async () => {
    const { clock, backend, t, app } = await openRuntime('runtime-app-reset');
    const events: string[] = [];
    app.onBusEvent((e) => events.push(e.type));
    await dfu.detach(t, 1000);
    await clock.sleep(100);
    assert.equal(app.stateName, 'appDETACH');
    assert.deepEqual(events, []);
    await t.reset();
    assert.deepEqual(events, ['reenumerate']);
    await clock.sleep(300);
    assert.equal((await backend.list())[0]!.productId, 0xdf11);
  });

  test('without a reset within the detach timeout it returns to appIDLE, and a reset then does nothing', async () => {
    const { clock, t, app } = await openRuntime('runtime-app-reset');
    const events: string[] = [];
    app.onBusEvent((e) => events.push(e.type));
    await dfu.detach(t, 400); // wValue 400 ms < wDetachTimeOut 1000 ms
    await clock.sleep(401);
    assert.equal(app.stateName, 'appIDLE');
    await t.reset();
    assert.deepEqual(events, []);
    assert.equal(app.connected, true);
  });
});
