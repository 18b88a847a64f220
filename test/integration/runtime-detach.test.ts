import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { download, detach } from '../support/file-ops.js';
import { listDevices } from '../../src/ops/index.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { pattern, rig, tempDir, writeTemp } from './helpers.js';

describe('runtime → DFU', () => {
  test('one download on a runtime-mode app detaches it, follows it by port path and flashes it', async () => {
    const r = rig(['runtime-app']);
    const app = r.device();
    const image = pattern(30_000, 2);
    const file = writeTemp(tempDir(), 'fw.bin', image);
    const t0 = r.clock.now();
    const res = await download({ selector: { alt: 0 }, file, dfuse: parseDfuseAddress('0x08000000:leave'), reset: false }, r.ctx);
    assert.equal(res.device.productId, 0xdf11);
    assert.equal(res.device.portPath, '1-1');
    assert.deepEqual(res.phases.map((p) => p.phase), ['detach', 'wait', 'erase', 'download', 'leave']);
    const wait = res.phases.find((p) => p.phase === 'wait')!;
    assert.ok(wait.elapsedMs < 1000, `found the DFU device ${wait.elapsedMs} ms after detach, not after a fixed 5 s`);
    assert.ok(r.clock.now() - t0 < 5000);
    // The app never got a USB reset: it detaches itself (bitWillDetach).
    assert.equal(app.transcript.filter((t) => t.request === 'BUS_RESET').length, 0);
    const rom = r.backend.bus.devices.find((d) => d.profile === 'stm32f4-sysboot');
    assert.ok(rom, 'the ROM bootloader arrived on the bus');
    assert.deepEqual(rom.readFlash(0x08000000, image.length), image, 'and holds the image');
  });

  test('a runtime device without bitWillDetach gets a USB reset after DETACH', async () => {
    const r = rig(['runtime-app-reset']);
    const app = r.device();
    const res = await detach({ selector: {}, wait: true }, r.ctx);
    assert.match(res.outcome ?? '', /reset into DFU mode; back in DFU mode as 0483:df11 on 1-1/);
    assert.equal(app.transcript.filter((t) => t.request === 'BUS_RESET').length, 1);
  });

  test('autoDetach: false keeps the old behaviour: a clear RUNTIME_MODE error', async () => {
    const r = rig(['runtime-app']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(100));
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false, autoDetach: false }, r.ctx), (e: unknown) =>
      isDfuFlashError(e, 'RUNTIME_MODE'),
    );
  });

  test('a device that never comes back gives an error that says so and what to check', async () => {
    const r = rig(['runtime-app']);
    // Break the re-enumeration: unplug the ROM as soon as it arrives would be complex; instead unplug the app's port entirely.
    r.device().faults.add({ request: 'DFU_DETACH', action: 'gone' });
    const file = writeTemp(tempDir(), 'fw.bin', pattern(100));
    await assert.rejects(
      download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false, waitTimeoutMs: 2000 }, r.ctx),
      (e: unknown) => {
        assert.ok(isDfuFlashError(e, 'NO_DEVICE'));
        assert.match(e.message, /gave up waiting for 0483:5740 at 1-1 .* to come back in DFU mode after 2\.0 s/);
        assert.match(e.hint ?? '', /BOOT0/);
        return true;
      },
    );
  });
});

describe('unrelated runtime devices', () => {
  test("a Mac's Bluetooth controller is listed but never picked and never blocks", async () => {
    const r = rig(['mac-bluetooth', 'stm32f4-sysboot']);
    const listed = await listDevices(r.ctx);
    assert.deepEqual(listed.map((d) => `${d.vendorId.toString(16)}:${d.mode}`), ['5ac:runtime', '483:dfu']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(3000));
    await download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
    const bt = r.backend.bus.devices.find((d) => d.profile === 'mac-bluetooth')!;
    assert.equal(bt.transcript.filter((t) => (t.setup.bmRequestType & 0x7f) === 0x21).length, 0, 'no DFU request to the Bluetooth controller');
  });

  test('alone with the runtime app, the Bluetooth controller does not make the choice ambiguous', async () => {
    const r = rig(['mac-bluetooth', 'runtime-app']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(3000));
    const res = await download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
    assert.equal(res.device.productId, 0xdf11);
  });

  test('only the Bluetooth controller: no device, not a detach of it', async () => {
    const r = rig(['mac-bluetooth']);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(3000));
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx), (e: unknown) => isDfuFlashError(e, 'NO_DEVICE'));
    assert.equal(r.device().transcript.filter((t) => t.request === 'DFU_DETACH').length, 0);
  });
});

describe('-w', () => {
  test('waits for a device that appears later, with a deadline', async () => {
    const r = rig([]);
    const { createSimDevice } = await import('../../src/sim/index.js');
    setTimeout(() => r.backend.bus.plug(createSimDevice('stm32f4-sysboot', { clock: r.clock })), 0);
    const file = writeTemp(tempDir(), 'fw.bin', pattern(1000));
    const res = await download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false, wait: true, waitTimeoutMs: 3000 }, r.ctx);
    assert.equal(res.bytes, 1000);
    const r2 = rig([]);
    await assert.rejects(download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false, wait: true, waitTimeoutMs: 500 }, r2.ctx), (e: unknown) =>
      isDfuFlashError(e, 'NO_DEVICE') && /gave up waiting/.test(e.message),
    );
  });
});
