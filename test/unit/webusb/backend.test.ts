/**
 * The WebUSB backend over the fake navigator.usb, in Node (no browser): what
 * list() and open() do with devices in use, reset per platform, a device that
 * left, watch(), a device the OS will not open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuFlashError } from '../../../src/shared/errors.js';
import { installFakeWebUsb } from '../../../src/sim/webusb/index.js';
import { domError } from '../../../src/sim/webusb/dom-errors.js';
import { webUsbBackend, type WebUsb, type WebUsbPlatform } from '../../../src/transport/webusb/index.js';
import type { DfuTransport } from '../../../src/transport/types.js';

const GETSTATUS = { bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 };

function setup(profiles: string[], platform: WebUsbPlatform = 'linux', timeScale = 0) {
  const sim = installFakeWebUsb({ profiles, timeScale, target: { navigator: {} }, expose: false });
  return { sim, backend: webUsbBackend(sim.usb, { platform }) };
}

async function claimed(t: DfuTransport): Promise<DfuTransport> {
  await t.claimInterface(0);
  return t;
}

test('list() reports a device a transport holds without opening, reading or closing it; a second open is BUSY', async () => {
  const { sim, backend } = setup(['stm32f4-sysboot']);
  const [info] = await backend.list();
  const t = await claimed(await backend.open(info!));
  const before = sim.attached()[0]!.transcript.length;
  const again = await backend.list();
  assert.deepEqual(again, [info]);
  assert.equal(sim.attached()[0]!.transcript.length, before, 'no request while the device is in use');
  await assert.rejects(backend.open(info!), (e: unknown) => isDfuFlashError(e, 'BUSY'));
  const status = await t.controlIn(GETSTATUS, { timeoutMs: 1000 });
  assert.equal(status.length, 6, 'the transport still works');
  await t.close();
  const reopened = await backend.open((await backend.list())[0]!);
  await reopened.close();
});

test('reset: a bus reset on Linux; UNSUPPORTED on Windows (WinUSB), without touching the device', async () => {
  const linux = setup(['stm32f4-sysboot'], 'linux');
  const t = await claimed(await linux.backend.open((await linux.backend.list())[0]!));
  await t.reset();
  assert.ok(linux.sim.history()[0]!.transcript.some((e) => e.request === 'BUS_RESET'));
  await t.close();

  const windows = setup(['stm32f4-sysboot'], 'windows');
  assert.equal(windows.backend.capabilities.canReset, false);
  const w = await claimed(await windows.backend.open((await windows.backend.list())[0]!));
  await assert.rejects(w.reset(), (e: unknown) => isDfuFlashError(e, 'UNSUPPORTED') && /WinUSB/.test(e.message));
  assert.ok(!windows.sim.history()[0]!.transcript.some((e) => e.request === 'BUS_RESET'));
  await w.close();
});

test('after the device left: DEVICE_GONE without a transfer, close() does not throw, open() of the old listing is DEVICE_GONE', async () => {
  const { sim, backend } = setup(['stm32f4-sysboot']);
  const [info] = await backend.list();
  const t = await claimed(await backend.open(info!));
  sim.unplug(0);
  const sent = sim.history()[0]!.transcript.length;
  await assert.rejects(t.controlIn(GETSTATUS, { timeoutMs: 1000 }), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
  assert.equal(sim.history()[0]!.transcript.length, sent);
  await t.close();
  await t.close();
  await assert.rejects(backend.open(info!), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
  assert.deepEqual(await backend.list(), []);
});

test('watch(): called on disconnect and on connect (a runtime device detaching and coming back as its bootloader)', async () => {
  const { sim, backend } = setup(['runtime-app'], 'linux', 0.01);
  let calls = 0;
  let arrived!: () => void;
  const back = new Promise<void>((resolve) => (arrived = resolve));
  const stop = backend.watch(() => {
    calls++;
    if (sim.attached().length === 1 && sim.attached()[0]!.profile === 'stm32f4-sysboot') arrived();
  });
  const t = await claimed(await backend.open((await backend.list())[0]!));
  await t.controlOut({ bmRequestType: 0x21, bRequest: 0, wValue: 255, wIndex: 0, wLength: 0 }, new Uint8Array(0), { timeoutMs: 1000 });
  await back;
  stop();
  await t.close();
  assert.equal(calls, 2, 'disconnect, then connect');
  assert.deepEqual(sim.usb.events.map((e) => [e.type, e.profile]), [
    ['disconnect', 'runtime-app'],
    ['connect', 'stm32f4-sysboot'],
  ]);
  const [bootloader] = await backend.list();
  assert.equal(bootloader!.productId, 0xdf11);
});

test('a device the OS will not open is still listed, from what WebUSB tells, with the ACCESS error and its fix', async () => {
  const { sim } = setup(['stm32f4-sysboot']);
  const usb: WebUsb = {
    getDevices: async () =>
      (await sim.usb.getDevices()).map((d) => Object.assign(Object.create(d) as typeof d, { open: async () => Promise.reject(domError('SecurityError', 'Access denied.')) })),
    requestDevice: (o) => sim.usb.requestDevice(o),
    addEventListener: (t, l) => sim.usb.addEventListener(t, l),
    removeEventListener: (t, l) => sim.usb.removeEventListener(t, l),
  };
  const [info] = await webUsbBackend(usb, { platform: 'linux' }).list();
  assert.equal(info!.stringError?.code, 'ACCESS');
  assert.match(info!.stringError?.hint ?? '', /ATTRS\{idVendor\}=="0483"/);
  assert.equal(info!.product, 'STM32  BOOTLOADER', "the browser's own strings");
  assert.equal(info!.alts.length, 4);
  assert.equal(info!.alts[0]!.name, undefined, 'Chromium gives no interface names');
  assert.ok(info!.alts[0]!.nameError);
  assert.equal(info!.alts[0]!.functional, undefined, 'no class descriptors without reading the device');
});
