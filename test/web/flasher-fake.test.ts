/**
 * The flasher page, as `dfu-flash web` serves it, in Debian's Chromium over
 * the fake navigator.usb (src/sim/webusb, injected before the page's
 * scripts), driven only through its data-testids: every simulated profile
 * flashed (or, for the one a flasher must never pick, not offered), the file
 * formats detected as the CLI detects them, a dropped file, device faults
 * shown as `error:` with the fix and the page usable afterwards, the
 * NEEDS_PERMISSION round trip through the chooser, a cancelled flash, a
 * browser without WebUSB, labels and the keyboard, and a built site's one
 * button. What the devices hold afterwards is read from the simulated flash.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { run } from '../../src/cli/main.js';
import { buildDfuseFile } from '../../src/formats/index.js';
import { listDevices } from '../../src/index.js';
import { createSimBackend, SIM_PROFILES } from '../../src/sim/index.js';
import { memoryIo } from '../cli/helpers.js';
import { REPO_ROOT } from '../e2e/harness/run.js';
import { pattern } from '../support/pattern.js';
import { chromiumAvailable, launchChromium, openPage, type LaunchedBrowser } from './support/chromium.js';
import { startFlasherSite } from './support/flasher-site.js';
import { fakeUsbInjection } from './support/page-bundle.js';
import { startStaticServer } from './support/static-server.js';
import { runSteps, snapshot, type UiStep } from './support/ui-steps.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = chromiumAvailable();
const FORMATS = join(REPO_ROOT, 'fixtures/formats');
const DONE = 'done$|^error:|select it to continue';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface SimState {
  profile: string;
  eraseLog: number[];
  writes: { address: number; length: number }[];
  flashHex?: string;
  transcript: string[];
}

/** The i-th simulated device ever on the fake bus: its logs, and `length` bytes of its flash from `address` (default: its first write). */
async function simState(page: Page, index: number, length = 0, address?: number): Promise<SimState> {
  return (await page.evaluate(`(() => {
    const sim = globalThis.dfuFlashSim.history()[${index}];
    const writes = sim.writeLog.map((w) => ({ address: w.address, length: w.length }));
    const at = ${address === undefined ? 'writes[0]?.address' : address};
    const flash = ${length} > 0 && at !== undefined ? Array.from(sim.readFlash(at, ${length}), (b) => b.toString(16).padStart(2, '0')).join('') : undefined;
    return { profile: sim.profile, eraseLog: [...sim.eraseLog], writes, flashHex: flash, transcript: sim.transcript.map((t) => t.request) };
  })()`)) as SimState;
}

describeOrSkip('the flasher page in Chromium over the fake navigator.usb', available.ok ? false : (available.reason ?? 'Chromium is not usable'), () => {
  let site: Awaited<ReturnType<typeof startFlasherSite>>;
  let launched: LaunchedBrowser;
  let browser: Browser;
  let dir: string;
  const image = pattern(8 * 1024, 41);
  let bin: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dfu-flash-page-'));
    bin = join(dir, 'fw.bin');
    writeFileSync(bin, image);
    site = await startFlasherSite();
    launched = await launchChromium();
    browser = launched.browser;
  });
  after(async () => {
    await launched?.kill();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: Record<string, unknown>, url = site.url, extra = ''): Promise<Page> {
    const { page, errors } = await openPage(browser, url, { inject: fakeUsbInjection({ timeScale: 0.01, chooser: 'first', ...options }) + extra });
    await page.waitForFunction("document.body.dataset.ready === 'true'", { timeout: 20_000 });
    assert.deepEqual(errors, [], 'the page loaded without errors');
    return page;
  }

  /** Where a raw binary goes on each profile's first alt: the first writable sector (DfuSe), nothing for plain DFU. */
  async function rawAddress(profile: string): Promise<number | undefined> {
    const [d] = await listDevices({ backend: createSimBackend([profile], { timeScale: 0 }) });
    return d?.dfuse ? d.alts[0]?.layout?.segments.find((s) => s.writable)?.start : undefined;
  }

  const flashSteps = (file: string, address: number | undefined): UiStep[] => [
    { do: 'wait-device' },
    { do: 'choose-file', path: file },
    ...(address === undefined ? [] : [{ do: 'fill' as const, testid: 'address', value: `0x${address.toString(16)}` }]),
    { do: 'click', testid: 'flash' },
    { do: 'wait-status', pattern: DONE },
  ];

  // every profile of the simulator: flashed through the page, the bytes in its flash
  const NOT_OFFERED = new Set(['mac-bluetooth']);
  const RUNTIME = new Set(['runtime-app', 'runtime-app-reset']);
  for (const profile of SIM_PROFILES.map((p) => p.name).filter((n) => !NOT_OFFERED.has(n))) {
    test(`${profile}: connect, the device with its layout, a raw binary, Flash → done, the bytes in the device`, async () => {
      const page = await open({ profiles: [profile] });
      try {
        // a runtime device: the page flashes its bootloader (granted here) after the detach
        const address = RUNTIME.has(profile) ? 0x08000000 : await rawAddress(profile);
        const out = await runSteps(page, flashSteps(bin, address));
        const end = out.at(-1)!.snapshot!;
        assert.match(end.status, /done$/, end.status);
        assert.equal(end.result.bytes, String(image.length));
        const device = await simState(page, RUNTIME.has(profile) ? 1 : 0, image.length);
        assert.equal(device.flashHex, hex(image), 'the device holds the image');
        if (address !== undefined) assert.equal(device.writes[0]?.address, address, 'written where the Address field said');
        if (RUNTIME.has(profile)) {
          assert.equal(device.profile, 'stm32f4-sysboot');
          assert.deepEqual(end.progress.map((r) => r.phase).slice(0, 2), ['detach', 'wait']);
        }
        // the device panel showed what was listed, with the parsed layout for DfuSe devices
        const [listed] = await listDevices({ backend: createSimBackend([profile], { timeScale: 0 }) });
        assert.ok(out[0]!.snapshot!.device.includes(listed!.product ?? ''), out[0]!.snapshot!.device);
        if (listed!.alts[0]?.layout !== undefined) assert.ok(out[0]!.snapshot!.device.includes(listed!.alts[0].layout.name), 'the layout region is shown');
      } finally {
        await page.close();
      }
    });
  }

  test("a Mac's Bluetooth controller is not offered: no device, Flash stays off", async () => {
    const page = await open({ profiles: ['mac-bluetooth'] });
    try {
      await runSteps(page, [{ do: 'choose-file', path: bin }]);
      const s = await snapshot(page);
      assert.match(s.device, /^No device yet/);
      assert.equal(s.buttons['flash']!.disabled, true);
      assert.deepEqual((await simState(page, 0)).transcript.filter((r) => r.startsWith('DFU_')), [], 'nothing was sent to it');
    } finally {
      await page.close();
    }
  });

  test('the F4 ROM: progress per phase with bytes and bytes/s, the erase list, verify, leave, the layout table', async () => {
    const page = await open({ profiles: ['stm32f4-sysboot'] });
    try {
      const data = pattern(40 * 1024, 3);
      const file = join(dir, 'f4.bin');
      writeFileSync(file, data);
      const out = await runSteps(page, [...flashSteps(file, 0x08000000).slice(0, -2), { do: 'check', testid: 'leave', checked: true }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
      const end = out.at(-1)!.snapshot!;
      assert.match(end.status, /^Flashed f4\.bin \(40 KiB, verified\): done$/);
      assert.deepEqual(
        end.progress.map((r) => [r.phase, r.done]),
        [
          ['erase', 'true'],
          ['download', 'true'],
          ['verify', 'true'],
          ['leave', 'true'],
        ],
      );
      assert.match(end.progress[1]!.text, /^Write40 KiB in \d+\.\d s · [\d.]+ (KiB|MiB)\/s$/);
      assert.match(end.progress[0]!.text, /^Erase48 KiB in /, 'three 16 KiB sectors');
      assert.match(end.result.text, /40 KiB written, 48 KiB erased, verified, in [\d.]+ s; the device left DFU mode/);
      const f4 = await simState(page, 0, data.length, 0x08000000);
      assert.deepEqual(f4.eraseLog, [0x08000000, 0x08004000, 0x08008000]);
      assert.equal(f4.flashHex, hex(data));
      assert.match(out[0]!.snapshot!.device, /0x08000000.*0x0800ffff.*4 × 16 KiB.*readable, erasable, writable/);
      assert.match(out[0]!.snapshot!.device, /alt 1: Option Bytes/);
    } finally {
      await page.close();
    }
  });

  for (const [name, file, address, format] of [
    ['Intel HEX', 'pattern-100_0x0800ffd0.hex', 0x0800ffd0, /Intel HEX, 100 B; segment: 0x0800ffd0–0x08010033/],
    ['S-record', 'pattern-100_s3.srec', 0x0800ffd0, /Motorola S-record, 100 B/],
    ['ELF', 'firmware-elf32.elf', 0x08000000, /ELF, /],
  ] as const) {
    test(`${name} (${file}): detected from its content, no address needed, the bytes where the file says`, async () => {
      const page = await open({ profiles: ['stm32f4-sysboot'] });
      try {
        const out = await runSteps(page, [{ do: 'wait-device' }, { do: 'choose-file', path: join(FORMATS, file) }, { do: 'read' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
        assert.match(out[2]!.snapshot!.firmware, format);
        assert.equal(out[2]!.snapshot!.address.disabled, true, 'the Address field is off for a file with addresses');
        assert.match(out.at(-1)!.status!, /done$/, out.at(-1)!.status);
        const expected = name === 'ELF' ? readFileSync(join(FORMATS, 'firmware-elf32.bin')) : readFileSync(join(FORMATS, 'pattern-100.bin'));
        assert.equal((await simState(page, 0, expected.length, address)).flashHex, hex(expected));
      } finally {
        await page.close();
      }
    });
  }

  test('a DfuSe .dfu file, dropped on the page: its target goes to its alt at its address', async () => {
    const page = await open({ profiles: ['stm32f4-sysboot'] });
    try {
      const payload = pattern(3000, 8);
      const dfu = buildDfuseFile([{ alternateSetting: 0, name: 'ST...', segments: [{ address: 0x08004000, data: payload }] }], { idVendor: 0x0483, idProduct: 0xdf11 });
      const out = await runSteps(page, [{ do: 'wait-device' }, { do: 'drop-file', name: 'app.dfu', hex: hex(dfu) }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
      assert.match(out[1]!.snapshot!.firmware, /app\.dfu: DfuSe, 2\.9 KiB; segment: 0x08004000.*DfuSe targets for alt 0; DFU suffix for 0483:df11/);
      assert.match(out.at(-1)!.status!, /done$/);
      const f4 = await simState(page, 0, payload.length, 0x08004000);
      assert.equal(f4.flashHex, hex(payload));
      assert.deepEqual(f4.eraseLog, [0x08004000]);
    } finally {
      await page.close();
    }
  });

  test('mistakes before any transfer: no address, an address that is none, a HEX text named .bin', async () => {
    const page = await open({ profiles: ['stm32f4-sysboot'] });
    try {
      const noAddress = await runSteps(page, [{ do: 'wait-device' }, { do: 'choose-file', path: bin }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
      assert.match(noAddress.at(-1)!.status!, /^error: a raw binary needs an address on a DfuSe device Fix: Enter the address where it goes in the Address field, e.g\. 0x08000000 \(the start of Internal Flash\)$/);
      const bad = await runSteps(page, [{ do: 'fill', testid: 'address', value: '0xZZ' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: '^error:' }]);
      assert.match(bad.at(-1)!.status!, /^error: "0xZZ" in the Address field is not an address Fix: Write it in hex/);
      const text = join(dir, 'text.bin');
      writeFileSync(text, readFileSync(join(FORMATS, 'pattern-100_0x0800ffd0.hex')));
      const named = await runSteps(page, [{ do: 'choose-file', path: text }, { do: 'read' }]);
      assert.match(named.at(-1)!.snapshot!.status, /^error: .*text\.bin.*named \.bin but holds Intel HEX text Fix: Rename the file to \.hex and choose it again/);
      assert.equal(named.at(-1)!.snapshot!.buttons['flash']!.disabled, true);
      assert.deepEqual((await simState(page, 0)).writes, [], 'nothing was written');
    } finally {
      await page.close();
    }
  });

  for (const [action, request, message] of [
    ['stall', 'DFU_DNLOAD', /^error: .*stall/i],
    ['silent', 'DFU_GETSTATUS', /^error: .*(did not answer|timed out|within)/i],
    ['gone', 'DFU_DNLOAD', /^error: .*(left|gone|disconnected)/i],
  ] as const) {
    test(`a fault (${request} ${action}): error: with the fix, and the page flashes again afterwards`, async () => {
      const page = await open({ profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request, nth: 6, action }] }] });
      try {
        const failed = await runSteps(page, flashSteps(bin, 0x08000000));
        const status = failed.at(-1)!.status!;
        assert.match(status, message, status);
        assert.match(status, / Fix: \S/, 'with the fix');
        assert.equal(failed.at(-1)!.snapshot!.result.hidden, true);
        if (action === 'gone') {
          // the same kind of board plugged back in: the page lists it again by itself
          await page.evaluate("globalThis.dfuFlashSim.plug('stm32f4-sysboot'), true"); // (not the device object: puppeteer would copy it all)
        }
        const again = await runSteps(page, [{ do: 'wait-device' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
        assert.match(again.at(-1)!.status!, /done$/, again.at(-1)!.status);
        const last = (await page.evaluate('globalThis.dfuFlashSim.history().length')) as number;
        assert.equal((await simState(page, last - 1, image.length, 0x08000000)).flashHex, hex(image));
      } finally {
        await page.close();
      }
    });
  }

  test('NEEDS_PERMISSION: the bootloader is a new device; "Select the board in DFU mode" asks for it and the flash continues', async () => {
    const page = await open({ profiles: ['runtime-app'], granted: [{ vendorId: 0x0483, productId: 0x5740 }] });
    try {
      const stopped = await runSteps(page, [...flashSteps(bin, 0x08000000), { do: 'wait-visible', testid: 'permission' }]);
      const s = stopped.at(-1)!.snapshot!;
      assert.match(s.status, /^The board restarted in DFU mode.*“Select the board in DFU mode”/);
      assert.equal(s.buttons['permission']!.hidden, false);
      assert.deepEqual(
        s.progress.map((r) => r.phase),
        ['detach', 'wait'],
      );
      assert.equal((await page.evaluate('document.activeElement.dataset.testid')) as string, 'permission', 'the button has the focus');
      const done = await runSteps(page, [{ do: 'click', testid: 'permission' }, { do: 'wait-status', pattern: DONE }]);
      const end = done.at(-1)!.snapshot!;
      assert.match(end.status, /done$/, end.status);
      assert.deepEqual(
        end.progress.map((r) => r.phase),
        ['detach', 'wait', 'erase', 'download', 'verify'],
        'it continued where it stopped',
      );
      assert.deepEqual(
        end.progress.map((r) => [r.done, r.stopped]),
        [
          ['true', false],
          ['false', true],
          ['true', false],
          ['true', false],
          ['true', false],
        ],
        'the wait stopped for the user; every other phase ended',
      );
      assert.match(end.progress[1]!.text, /^Wait for the bootloaderstopped after \d+\.\d s$/);
      assert.match(end.device, /STM32 {2}BOOTLOADER/);
      assert.equal(end.buttons['permission']!.hidden, true);
      const boot = await simState(page, 1, image.length, 0x08000000);
      assert.equal(boot.profile, 'stm32f4-sysboot');
      assert.equal(boot.flashHex, hex(image));
      assert.equal((await simState(page, 0)).transcript.filter((r) => r === 'DFU_DETACH').length, 1);
    } finally {
      await page.close();
    }
  });

  test('NEEDS_PERMISSION, the chooser cancelled: error: no device selected, and the button stays for another try', async () => {
    const page = await open({ profiles: ['runtime-app'], granted: [{ vendorId: 0x0483, productId: 0x5740 }], chooser: 'cancel' });
    try {
      await runSteps(page, [...flashSteps(bin, 0x08000000), { do: 'wait-visible', testid: 'permission' }]);
      const out = await runSteps(page, [{ do: 'click', testid: 'permission' }, { do: 'wait-status', pattern: '^error:' }]);
      assert.match(out.at(-1)!.status!, /^error: no device was selected .* Fix: Plug the board in, put it in DFU mode and select it/);
      assert.equal(out.at(-1)!.snapshot!.buttons['permission']!.hidden, false);
    } finally {
      await page.close();
    }
  });

  test('Connect a device…: the chooser with the DFU filter, the device picked is shown and flashed', async () => {
    const page = await open({ profiles: ['dapboot'], granted: 'none' });
    try {
      const before = await snapshot(page);
      assert.match(before.device, /^No device yet/);
      const out = await runSteps(page, [{ do: 'click', testid: 'connect' }, { do: 'wait-device', match: 'DAPBoot' }, { do: 'choose-file', path: bin }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
      assert.match(out.at(-1)!.status!, /done$/);
      assert.match(out[1]!.snapshot!.device, /1209:db42/);
    } finally {
      await page.close();
    }
  });

  test('Cancel while writing: error: … aborted, the device back in dfuIDLE and flashable', async () => {
    const page = await open({ profiles: ['stm32f4-sysboot'], timeScale: 1 });
    try {
      const big = join(dir, 'big.bin');
      writeFileSync(big, pattern(48 * 1024, 4));
      const out = await runSteps(page, [
        ...flashSteps(big, 0x08000000).slice(0, -1),
        { do: 'wait-visible', testid: 'progress' },
        { do: 'eval', source: "new Promise((r) => { const t = setInterval(() => { if (document.querySelector('[data-phase=\"download\"]')) { clearInterval(t); document.getElementById('cancel').click(); r(true); } }, 20); })" },
        { do: 'wait-status', pattern: DONE },
      ]);
      assert.match(out.at(-1)!.status!, /^error: .*aborted/, out.at(-1)!.status);
      const again = await runSteps(page, [{ do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE, deadlineMs: 120_000 }]);
      assert.match(again.at(-1)!.status!, /done$/);
    } finally {
      await page.close();
    }
  });

  test('a browser without WebUSB (Firefox, Safari): said plainly, nothing to click', async () => {
    const page = await open({ profiles: [] }, site.url, '\ndelete Navigator.prototype.usb;\ndelete navigator.usb;\n');
    try {
      const s = await snapshot(page);
      assert.match(s.status, /^error: this browser has no WebUSB \(navigator\.usb is missing\) Fix: Open this page in Chrome or Edge: Firefox and Safari do not implement WebUSB$/);
      assert.deepEqual([s.buttons['connect']!.disabled, s.buttons['flash']!.disabled], [true, true]);
      const banner = (await page.evaluate("(() => { const b = document.getElementById('unsupported'); return { hidden: b.hidden, role: b.getAttribute('role'), text: b.textContent }; })()")) as { hidden: boolean; role: string; text: string };
      assert.deepEqual([banner.hidden, banner.role], [false, 'alert']);
      assert.match(banner.text, /cannot flash devices.*Chrome or Edge/);
    } finally {
      await page.close();
    }
  });

  test('accessible: every control has a label; Tab reaches them in order; Space ticks, Enter flashes', async () => {
    const page = await open({ profiles: ['stm32f4-sysboot'] });
    try {
      await runSteps(page, [{ do: 'wait-device' }, { do: 'choose-file', path: bin }, { do: 'fill', testid: 'address', value: '0x08000000' }]);
      const unlabelled = (await page.evaluate("[...document.querySelectorAll('input, select')].filter((e) => !e.hidden && e.labels.length === 0).map((e) => e.id)")) as string[];
      assert.deepEqual(unlabelled, []);
      const live = (await page.evaluate("[document.querySelector('[data-testid=status]').getAttribute('role'), document.querySelector('[data-testid=status]').getAttribute('aria-live')]")) as string[];
      assert.deepEqual(live, ['status', 'polite']);
      await page.evaluate('document.activeElement.blur(); window.focus();');
      const order: string[] = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        order.push((await page.evaluate("document.activeElement.dataset.testid ?? (document.activeElement.id || document.activeElement.tagName.toLowerCase())")) as string);
      }
      // the summary opens the device's other memories (option bytes, OTP, device feature)
      assert.deepEqual(order.slice(0, 9), ['connect', 'summary', 'alt', 'file', 'address', 'verify', 'leave', 'skip', 'flash']);
      await page.focus('[data-testid="leave"]');
      await page.keyboard.press('Space');
      assert.equal(await page.evaluate("document.querySelector('[data-testid=leave]').checked"), true);
      await page.focus('[data-testid="flash"]');
      await page.keyboard.press('Enter');
      const out = await runSteps(page, [{ do: 'wait-status', pattern: DONE }]);
      assert.match(out[0]!.status!, /done$/);
      assert.match(out[0]!.snapshot!.result.text, /the device left DFU mode/);
    } finally {
      await page.close();
    }
  });

  test('web build: the site on any static host, locked to its device, one button; a damaged firmware file is refused', async () => {
    const fw = pattern(5000, 12);
    writeFileSync(join(dir, 'app.bin'), fw);
    const io = memoryIo({ cwd: dir });
    assert.equal(await run(['web', 'build', 'app.bin', '-s', '0x08000000:leave', '--vid-pid', '0483:df11', '-o', 'site', '--title', 'Board X update', '-q'], io), 0, io.err());
    const names = ['index.html', 'flasher.js', 'flasher.css', 'dfu-flash.js', 'firmware/app.bin'];
    const files = Object.fromEntries(names.map((n) => [`/${n}`, { body: readFileSync(join(dir, 'site', n)), type: n.endsWith('.html') ? 'text/html; charset=utf-8' : n.endsWith('.js') ? 'text/javascript' : n.endsWith('.css') ? 'text/css' : undefined }]));
    const host = await startStaticServer(files);
    try {
      // a dapboot board is on the bus too: the site offers only its own device
      const page = await open({ profiles: ['dapboot', 'stm32f4-sysboot'], granted: 'none' }, `${host.origin}/`);
      try {
        const s = await snapshot(page);
        assert.equal(s.buttons['connect']!.hidden, true, 'one button: no Connect');
        assert.match(s.firmware, /app\.bin: raw binary, 4\.9 KiB; goes to 0x08000000/);
        assert.equal(await page.title(), 'Board X update');
        const out = await runSteps(page, [{ do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE }]);
        assert.match(out.at(-1)!.status!, /^Flashed app\.bin \(4\.9 KiB, verified\): done$/);
        assert.match(out.at(-1)!.snapshot!.result.text, /^app\.bin to 0483:df11 \(serial 315A28A0B956\): /);
        const f4 = await simState(page, 1, fw.length, 0x08000000);
        assert.equal(f4.flashHex, hex(fw));
        assert.deepEqual((await simState(page, 0)).transcript.filter((r) => r.startsWith('DFU_')), [], 'the other board was not touched');
      } finally {
        await page.close();
      }
      host.set('/firmware/app.bin', { body: fw.subarray(0, 4000) });
      const damaged = await open({ profiles: ['stm32f4-sysboot'] }, `${host.origin}/`);
      try {
        const s = await snapshot(damaged);
        assert.match(s.status, /^error: app\.bin from this site is not the file the page was made for \(4000 bytes.*expected 5000 bytes.* Fix: Reload the page/);
        assert.equal(s.buttons['flash']!.disabled, true);
      } finally {
        await damaged.close();
      }
    } finally {
      await host.close();
    }
  });
});
