/**
 * The re-permission round trip through the public API over the fake
 * navigator.usb, in Node on a fake clock: a runtime device detaches, its
 * bootloader arrives as a new device the page has no grant for, the download
 * stops with NEEDS_PERMISSION and the filters to ask with; requestDevice with
 * them, and the download run again continues from the DFU-mode device. A
 * granted device coming back is used without a prompt. On a backend that
 * cannot reset (WinUSB), a device that waits for a reset never leaves: that
 * is NO_DEVICE ("still in runtime mode"), not a permission question.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { download, listDevices, type FlashEvent } from '../../../src/index.js';
import { isDfuFlashError } from '../../../src/shared/errors.js';
import { FakeClock } from '../../../src/transport/clock.js';
import { installFakeWebUsb } from '../../../src/sim/webusb/index.js';
import { webUsbBackend, type WebUsbPlatform } from '../../../src/transport/webusb/index.js';
import { pattern } from '../../support/pattern.js';

const IMAGE = pattern(6 * 1024, 31);
const RUNTIME = { vendorId: 0x0483, productId: 0x5740 };

function setup(profile: string, granted: 'all' | { vendorId: number; productId: number }[], platform: WebUsbPlatform = 'linux') {
  const clock = new FakeClock();
  const sim = installFakeWebUsb({ profiles: [profile], timeScale: 1, clock, granted, chooser: 'first', requireUserGesture: false, target: { navigator: {} }, expose: false });
  const backend = webUsbBackend(sim.usb, { platform });
  const events: FlashEvent[] = [];
  return { clock, sim, backend, events, onEvent: (e: FlashEvent) => events.push(e) };
}

const phases = (events: FlashEvent[]) => events.filter((e) => e.type === 'phase-start').map((e) => (e as { phase: string }).phase);

test('runtime device, bootloader not granted: NEEDS_PERMISSION with the filters; requestDevice with them, and the download continues from DFU mode', async () => {
  const s = setup('runtime-app', [RUNTIME]);
  const [runtime] = await listDevices({ backend: s.backend });
  const options = { backend: s.backend, clock: s.clock, image: IMAGE, address: 0x08000000, onEvent: s.onEvent };
  const error = await download({ ...options, select: { path: runtime!.portPath } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isDfuFlashError(error, 'NEEDS_PERMISSION'), String(error));
  assert.deepEqual(error.details['filters'], [{ classCode: 0xfe, subclassCode: 0x01 }]);
  assert.equal(error.details['reason'], 'needs-permission');
  assert.deepEqual(phases(s.events), ['detach', 'wait']);
  assert.equal(s.sim.attached().length, 1, 'the bootloader is on the bus');
  assert.equal(s.sim.attached()[0]!.profile, 'stm32f4-sysboot');
  assert.deepEqual(await listDevices({ backend: s.backend }), [], 'but the page cannot see it');

  const picked = await s.backend.requestDevice({ filters: error.details['filters'] as [] });
  assert.equal(picked.productId, 0xdf11);
  s.events.length = 0;
  const r = await download({ ...options, select: { path: picked.portPath } });
  assert.equal(r.verified, true);
  assert.deepEqual(phases(s.events), ['erase', 'download', 'verify'], 'no second detach: it continues where it stopped');
  assert.deepEqual(s.sim.attached()[0]!.readFlash(0x08000000, IMAGE.length), IMAGE);
});

test("the selection's DFU-mode IDs narrow the filters of NEEDS_PERMISSION", async () => {
  const s = setup('runtime-app', [RUNTIME]);
  const error = await download({ backend: s.backend, clock: s.clock, image: IMAGE, address: 0x08000000, select: { device: '0483:5740,0483:df11' } }).catch((e: unknown) => e);
  assert.ok(isDfuFlashError(error, 'NEEDS_PERMISSION'), String(error));
  assert.deepEqual(error.details['filters'], [{ vendorId: 0x0483, productId: 0xdf11, classCode: 0xfe, subclassCode: 0x01 }]);
  assert.match(error.message, /0483:df11, DFU interface/);
});

test('a bootloader the page may use (granted, or by policy) is followed without a prompt', async () => {
  const s = setup('runtime-app', 'all');
  const [runtime] = await listDevices({ backend: s.backend });
  const r = await download({ backend: s.backend, clock: s.clock, image: IMAGE, address: 0x08000000, select: { path: runtime!.portPath }, onEvent: s.onEvent });
  assert.equal(r.verified, true);
  assert.deepEqual(phases(s.events), ['detach', 'wait', 'erase', 'download', 'verify']);
  assert.deepEqual(s.sim.attached()[0]!.readFlash(0x08000000, IMAGE.length), IMAGE);
});

test('WinUSB (no reset), a device that waits for one: a warning, its detach timeout waited out, then NO_DEVICE "still in runtime mode"', async () => {
  const s = setup('runtime-app-reset', 'all', 'windows');
  const error = await download({ backend: s.backend, clock: s.clock, image: IMAGE, address: 0x08000000, onEvent: s.onEvent }).catch((e: unknown) => e);
  assert.ok(isDfuFlashError(error, 'NO_DEVICE'), String(error));
  assert.equal(error.details['reason'], 'still-runtime');
  assert.match(error.message, /still in runtime mode/);
  assert.match(error.hint ?? '', /cannot reset/);
  // the grace for a granted device to come back, plus the 1000 ms the device waits before giving up on a reset
  assert.ok((error.details['waitedMs'] as number) >= 4000, JSON.stringify(error.details));
  assert.ok(s.events.some((e) => e.type === 'warning' && /cannot reset USB devices/.test(e.message)));
  assert.ok(!s.sim.history()[0]!.transcript.some((t) => t.request === 'BUS_RESET'), 'no reset was tried');
  assert.equal(s.sim.attached()[0]!.profile, 'runtime-app-reset', 'the application is still running');
});

test('WinUSB, a device that detaches itself: NEEDS_PERMISSION as on any platform', async () => {
  const s = setup('runtime-app', [RUNTIME], 'windows');
  const error = await download({ backend: s.backend, clock: s.clock, image: IMAGE, address: 0x08000000 }).catch((e: unknown) => e);
  assert.ok(isDfuFlashError(error, 'NEEDS_PERMISSION'), String(error));
});

test('a device that comes back from the reset as itself, in runtime mode: NO_DEVICE "still in runtime mode", not NEEDS_PERMISSION', async () => {
  const s = setup('mac-bluetooth', 'all');
  const [device] = await listDevices({ backend: s.backend });
  const error = await download({ backend: s.backend, clock: s.clock, image: IMAGE, select: { path: device!.portPath } }).catch((e: unknown) => e);
  assert.ok(isDfuFlashError(error, 'NO_DEVICE'), String(error));
  assert.equal(error.details['reason'], 'still-runtime');
  assert.equal(s.sim.history().length, 2, 'it did re-enumerate');
  assert.equal(s.sim.attached()[0]!.profile, 'mac-bluetooth');
});
