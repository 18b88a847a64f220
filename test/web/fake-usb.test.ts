/**
 * The WebUSB backend and the protocol core in Chromium, over the fake
 * navigator.usb (src/sim/webusb, injected before the page's scripts): every
 * simulated profile listed with names read by GET_DESCRIPTOR(STRING) and
 * functional descriptors found by GET_DESCRIPTOR(CONFIGURATION), the status
 * cycle, a DfuSe erase + download + upload + leave with the bytes in the
 * simulated flash, faults as typed errors, and the NEEDS_PERMISSION round trip.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { createSimBackend, SIM_PROFILES } from '../../src/sim/index.js';
import type { DfuDeviceInfo } from '../../src/transport/types.js';
import { pattern } from '../support/pattern.js';
import { chromiumAvailable, launchChromium, openPage, type LaunchedBrowser } from './support/chromium.js';
import { bundleForBrowser, builtWebFile, fakeUsbInjection, MODULE_PAGE } from './support/page-bundle.js';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = chromiumAvailable();
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Transcript {
  request: string;
  setup: { wValue: number };
  result: string;
}

describeOrSkip('WebUSB backend in Chromium over the fake navigator.usb', available.ok ? false : (available.reason ?? 'Chromium is not usable'), () => {
  let server: StaticServer;
  let launched: LaunchedBrowser;
  let browser: Browser;

  before(async () => {
    server = await startStaticServer({
      '/index.html': { body: MODULE_PAGE('/scenarios.js') },
      '/scenarios.js': { body: await bundleForBrowser('test/web/pages/scenarios.js') },
      '/bundle.html': { body: MODULE_PAGE('/bundle-page.js') },
      '/bundle-page.js': { body: "import * as web from '/dfu-flash.js'; globalThis.dfuWeb = web;" },
      '/dfu-flash.js': { body: builtWebFile('dfu-flash.js') },
    });
    launched = await launchChromium();
    browser = launched.browser;
  });
  after(async () => {
    await launched?.kill();
    await server?.close();
  });

  async function fakePage(options: Record<string, unknown>, path = '/', ready = 'dfuWebTest'): Promise<Page> {
    const { page, errors } = await openPage(browser, server.origin + path, { inject: fakeUsbInjection(options), readyGlobal: ready });
    assert.deepEqual(errors, [], 'the page loaded without errors');
    return page;
  }

  const call = <T>(page: Page, name: string, arg?: unknown): Promise<T> =>
    page.evaluate((n: string, a: unknown) => (globalThis as unknown as { dfuWebTest: Record<string, (x: unknown) => Promise<unknown>> }).dfuWebTest[n]!(a), name, arg) as Promise<T>;

  const transcript = (page: Page, index = 0): Promise<Transcript[]> =>
    page.evaluate((i: number) => (globalThis as unknown as { dfuFlashSim: { history(): { transcript: unknown[] }[] } }).dfuFlashSim.history()[i]!.transcript, index) as Promise<Transcript[]>;

  test('lists every simulated profile as the simulator backend does, names and functional descriptors read by control transfers', async () => {
    const profiles = SIM_PROFILES.map((p) => p.name);
    const page = await fakePage({ profiles, timeScale: 0 });
    try {
      const listed = await call<DfuDeviceInfo[]>(page, 'list');
      const reference = await createSimBackend(profiles, { timeScale: 0 }).list();
      assert.equal(listed.length, profiles.length);
      const strip = ({ key: _k, busNumber: _b, deviceAddress: _d, portPath: _p, ...rest }: DfuDeviceInfo) => JSON.parse(JSON.stringify(rest)) as unknown;
      listed.forEach((d, i) => {
        assert.deepEqual(strip(d), strip(reference[i]!), `profile ${profiles[i]}`);
        assert.match(d.portPath, /^webusb-\d+$/);
        assert.equal(d.key, `webusb:${d.deviceAddress}`);
      });
      // the fake gives interfaceName null, as Chromium on Linux does: the names came from string descriptors
      const f4 = listed[profiles.indexOf('stm32f4-sysboot')]!;
      assert.deepEqual(
        f4.alts.map((a) => a.name),
        ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', '@Option Bytes  /0x1FFFC000/01*016 g', '@OTP Memory /0x1FFF7800/01*512 g,01*016 g', '@Device Feature/0xFFFF0000/01*004 g'],
      );
      assert.equal(f4.alts[0]!.functional?.wTransferSize, 2048);
      const reads = (await transcript(page, profiles.indexOf('stm32f4-sysboot'))).filter((t) => t.request === 'GET_DESCRIPTOR').map((t) => t.setup.wValue >> 8);
      assert.ok(reads.includes(0x02), 'GET_DESCRIPTOR(CONFIGURATION)');
      assert.ok(reads.filter((t) => t === 0x03).length >= 4 + 1, 'GET_DESCRIPTOR(STRING) for the LANGIDs and every alt name');
    } finally {
      await page.close();
    }
  });

  test('GETSTATUS / CLRSTATUS: the F4 ROM starts in dfuERROR and is cleared to dfuIDLE', async () => {
    const page = await fakePage({ profiles: ['stm32f4-sysboot'], timeScale: 0 });
    try {
      const r = await call<{ first: { state: number; status: number }; second: { state: number; status: number } }>(page, 'statusCycle', 0);
      assert.deepEqual([r.first.state, r.first.status], [10, 10], 'dfuERROR, errFIRMWARE');
      assert.deepEqual([r.second.state, r.second.status], [2, 0], 'dfuIDLE, OK');
      const dfu = (await transcript(page)).filter((t) => t.request.startsWith('DFU_')).map((t) => t.request);
      assert.deepEqual(dfu, ['DFU_GETSTATUS', 'DFU_CLRSTATUS', 'DFU_GETSTATUS']);
    } finally {
      await page.close();
    }
  });

  test('DfuSe erase + DNLOAD + UPLOAD round trip, the bytes in the simulated flash, then leave and the disconnect event', async () => {
    const page = await fakePage({ profiles: ['stm32f4-sysboot'], timeScale: 0.01 });
    try {
      const data = pattern(20 * 1024, 7);
      const r = await call<{ erase: number[]; uploadedHex: string; left: string; disconnected: boolean; devicesAfter: number; phases: string[]; error?: unknown }>(page, 'dfuseRoundTrip', {
        address: 0x08000000,
        dataHex: toHex(data),
        leave: true,
      });
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.deepEqual(r.erase, [0x08000000, 0x08004000], 'the two 16 KiB sectors the 20 KiB touch');
      assert.equal(r.uploadedHex, toHex(data), 'UPLOAD reads back what was written');
      assert.deepEqual(r.phases, ['erase', 'download', 'upload', 'leave']);
      assert.equal(r.left, 'left-bus');
      assert.equal(r.disconnected, true, 'navigator.usb fired disconnect');
      assert.equal(r.devicesAfter, 0);
      const flash = await page.evaluate(() => {
        const sim = (globalThis as unknown as { dfuFlashSim: { history(): { readFlash(a: number, n: number): Uint8Array; eraseLog: number[] }[] } }).dfuFlashSim.history()[0]!;
        return { hex: Array.from(sim.readFlash(0x08000000, 20 * 1024), (b) => b.toString(16).padStart(2, '0')).join(''), erased: [...sim.eraseLog] };
      });
      assert.equal(flash.hex, toHex(data), 'the simulated flash holds the image');
      assert.deepEqual(flash.erased, [0x08000000, 0x08004000]);
    } finally {
      await page.close();
    }
  });

  for (const [action, code] of [
    ['stall', 'STALL'],
    ['gone', 'DEVICE_GONE'],
    ['silent', 'TIMEOUT'],
  ] as const) {
    test(`a GETSTATUS fault '${action}' becomes ${code}; the transport stays consistent afterwards`, async () => {
      const page = await fakePage({ profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', action }] }], timeScale: 0 });
      try {
        const r = await call<{ error?: { code: string; message: string; hint?: string }; after: { state?: number; status?: number; error?: { code: string } } }>(page, 'failingStatus', { timeoutMs: 500 });
        assert.equal(r.error?.code, code, JSON.stringify(r));
        assert.ok(r.error?.hint, 'with a hint');
        const statuses = (await transcript(page)).filter((t) => t.request === 'DFU_GETSTATUS').map((t) => t.result);
        if (action === 'stall') {
          // the device answers the next GETSTATUS: dfuERROR, errSTALLEDPKT
          assert.deepEqual([r.after.state, r.after.status], [10, 0x0f]);
          assert.deepEqual(statuses, ['stall', 'ack']);
        } else if (action === 'gone') {
          assert.equal(r.after.error?.code, 'DEVICE_GONE');
          assert.deepEqual(statuses, ['gone'], 'nothing more is sent to a device that left');
        } else {
          // the silent transfer blocked EP0; the transport reopened the device and the next GETSTATUS got through
          assert.deepEqual([r.after.state, r.after.status], [10, 10]);
          assert.deepEqual(statuses, ['silent', 'ack']);
        }
      } finally {
        await page.close();
      }
    });
  }

  test('after a detach, the device in DFU mode needs permission: NEEDS_PERMISSION with filters, then requestDevice finds it', async () => {
    const page = await fakePage({ profiles: ['runtime-app'], timeScale: 0.01, granted: [{ vendorId: 0x0483, productId: 0x5740 }] });
    try {
      const r = await call<{ before: number; bus: number; after: number[]; error?: { code: string; details: { filters: unknown[] } } }>(page, 'detachNeedsPermission');
      assert.equal(r.before, 0x5740);
      assert.equal(r.bus, 2, `the bootloader arrived on the simulated bus: ${JSON.stringify(r)}`);
      assert.deepEqual(r.after, [], 'but the page cannot see it');
      assert.equal(r.error?.code, 'NEEDS_PERMISSION');
      assert.deepEqual(r.error?.details.filters, [{ vendorId: 0x0483, classCode: 0xfe, subclassCode: 0x01 }]);
      const picked = await call<{ picked: { productId: number; names: string[] }; listed: number[] }>(page, 'requestWith', r.error?.details.filters);
      assert.equal(picked.picked.productId, 0xdf11);
      assert.equal(picked.picked.names[0], '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
      assert.deepEqual(picked.listed, [0xdf11], 'granted: list() sees it now');
      // the same device (VID, PID, serial) reappearing is granted without a prompt
      const again = await page.evaluate(async () => {
        const sim = (globalThis as unknown as { dfuFlashSim: { unplug(i: number): void; plug(p: string): unknown; usb: { getDevices(): Promise<unknown[]> } } }).dfuFlashSim;
        sim.unplug(0);
        const none = (await sim.usb.getDevices()).length;
        sim.plug('stm32f4-sysboot');
        return [none, (await sim.usb.getDevices()).length];
      });
      assert.deepEqual(again, [0, 1]);
    } finally {
      await page.close();
    }
  });

  test('the dfu-flash/web bundle loads as an ES module and lists devices and parses firmware in the page', async () => {
    const page = await fakePage({ profiles: ['dapboot'], timeScale: 0 }, '/bundle.html', 'dfuWeb');
    try {
      const r = await page.evaluate(async () => {
        const web = (globalThis as unknown as { dfuWeb: Record<string, (...a: unknown[]) => unknown> }).dfuWeb;
        const backend = web.webUsbBackend!() as { list(): Promise<{ product: string; alts: { name: string }[] }[]>; capabilities: unknown };
        const list = await backend.list();
        const image = web.parseFirmware!(new TextEncoder().encode(':0400000001020304F2\n:00000001FF\n'), { name: 'fw.hex' }) as { segments: { address: number; data: Uint8Array }[] };
        return { list: list.map((d) => [d.product, d.alts[0]!.name]), capabilities: backend.capabilities, segments: image.segments.map((s) => [s.address, Array.from(s.data)]) };
      });
      assert.deepEqual(r.list, [['DAPBoot DFU Bootloader', 'DAPBoot DFU']]);
      assert.deepEqual(r.capabilities, { maxControlTransferBytes: 4096, canReset: true, stablePortPaths: false, newDevicesNeedPermission: true });
      assert.deepEqual(r.segments, [[0, [1, 2, 3, 4]]]);
    } finally {
      await page.close();
    }
  });
});
