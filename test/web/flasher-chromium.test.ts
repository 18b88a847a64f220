/**
 * The flasher page through Chromium's own WebUSB stack: `dfu-flash web` (the
 * built executable) serves it, Chromium runs inside the umockdev harness and a
 * managed policy grants the page's origin the emulated boards; the page is
 * driven through its data-testids (support/driver.ts --steps) and what the
 * boards hold comes from the harness's state dump. A 100 KiB download with
 * verify and leave on the F4 ROM, the same bytes and DFU requests as the
 * CLI's download, a dapboot board, a runtime device that detaches into a
 * bootloader the page must ask for (NEEDS_PERMISSION, then the flash), a
 * board pulled out mid-download (error:, never a hang, and the page flashes
 * it once it is back), and a site from `web build` on a plain static host.
 * The screenshot in the README comes from the runtime-device test
 * (DFU_FLASH_SCREENSHOT=docs/web-flasher.png writes it there).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../src/cli/main.js';
import { memoryIo } from '../cli/helpers.js';
import { REPO_ROOT, runWithDevices, type DeviceSpec, type RunResult } from '../e2e/harness/run.js';
import { pattern } from '../support/pattern.js';
import { realBrowserSkip } from './support/real-browser.js';
import { startCliServer } from './support/cli-server.js';
import { writeWebUsbPolicy, type PolicyDevice } from './support/policy.js';
import type { DriverStep } from './support/driver.js';
import { startStaticServer } from './support/static-server.js';
import type { StepOutcome } from './support/ui-steps.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const skip = realBrowserSkip();

const F4: PolicyDevice = { vendorId: 0x0483, productId: 0xdf11 };
const RUNTIME: PolicyDevice = { vendorId: 0x0483, productId: 0x5740 };
const DAPBOOT: PolicyDevice = { vendorId: 0x1209, productId: 0xdb42 };
const DONE = 'done$|^error:|select it to continue';
const KIB100 = pattern(100 * 1024, 17);
const F4_SECTORS_100K = [0x08000000, 0x08004000, 0x08008000, 0x0800c000, 0x08010000];

interface Driven {
  results: StepOutcome[];
  run: RunResult;
}

/** DFU class requests of a device, as (request, wValue, wLength): what a host asked the bootloader to do. */
function dfuRequests(run: RunResult, device = 0): string[] {
  return run.devices[device]!.transcript.filter((t) => t.request.startsWith('DFU_')).map((t) => `${t.request} ${t.setup.wValue} ${t.setup.wLength}`);
}

/** The requests up to the leave request (the last zero-length DNLOAD) and the GETSTATUS after it, and the rest. */
function untilLeft(requests: string[]): [string[], string[]] {
  let leave = requests.length - 1;
  while (leave >= 0 && !/^DFU_DNLOAD \d+ 0$/.test(requests[leave]!)) leave--;
  assert.ok(leave >= 0 && requests[leave + 1]?.startsWith('DFU_GETSTATUS '), `a leave request, then GETSTATUS: ${requests.slice(-4).join(', ')}`);
  return [requests.slice(0, leave + 2), requests.slice(leave + 2)];
}

describeOrSkip("the flasher page through Chromium's WebUSB on umockdev-emulated boards", skip, () => {
  let dir: string;
  const policyName = `dfu-flash-test-page-${process.pid}`;
  let removePolicy: (() => void) | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfu-flash-page-e2e-'));
    writeFileSync(join(dir, 'fw100.bin'), KIB100);
  });
  after(() => {
    removePolicy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  function grant(origin: string, devices: PolicyDevice[]): void {
    removePolicy?.();
    removePolicy = writeWebUsbPolicy(origin, devices, policyName);
  }

  async function drive(url: string, profiles: (string | DeviceSpec)[], steps: DriverStep[], dump: { address: number; length: number }[] = []): Promise<Driven> {
    const r = await runWithDevices({
      profiles,
      command: [process.execPath, 'dist/test/web/support/driver.js', '--url', url, '--steps', JSON.stringify(steps)],
      dumpRanges: dump,
      timeoutMs: 150_000,
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let out: { results?: StepOutcome[]; error?: string; page?: unknown; pageErrors?: string[] };
    try {
      out = JSON.parse(line) as typeof out;
    } catch {
      throw new Error(`the driver printed no result (exit ${r.code}):\n${r.stdout}\n${r.stderr}\n${r.log.slice(-3000)}`);
    }
    assert.equal(out.error, undefined, `${out.error}\nthe page: ${JSON.stringify(out.page)}`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(out.pageErrors, []);
    return { results: out.results ?? [], run: r };
  }

  const statusOf = (d: Driven, i = -1): string => d.results.at(i)!.status!;

  test('dfu-flash web with a file: 100 KiB on the F4 ROM with verify and leave — 5 sectors erased, no early poll, the bytes, the board gone after leave', async () => {
    const server = await startCliServer(['-s', '0x08000000:leave', 'fw100.bin'], dir);
    try {
      grant(server.origin, [F4]);
      const d = await drive(
        server.url,
        ['stm32f4-sysboot'],
        [{ do: 'wait-device', match: '0483:df11' }, { do: 'read' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE, deadlineMs: 90_000 }],
        [{ address: 0x08000000, length: KIB100.length }],
      );
      const before = d.results[1]!.snapshot!;
      assert.match(before.firmware, /fw100\.bin: raw binary, 100 KiB; goes to 0x08000000/);
      assert.equal(before.address.value, '0x08000000');
      assert.match(before.device, /STM32 {2}BOOTLOADER.*0483:df11.*Internal Flash.*0x08000000.*4 × 16 KiB/);
      assert.match(statusOf(d, 3), /^Flashed fw100\.bin \(100 KiB, verified\): done$/);
      const end = d.results[3]!.snapshot!;
      assert.deepEqual(
        end.progress.map((r) => [r.phase, r.done]),
        [
          ['erase', 'true'],
          ['download', 'true'],
          ['verify', 'true'],
          ['leave', 'true'],
        ],
      );
      assert.match(end.result.text, /^fw100\.bin to 0483:df11 \(serial 315A28A0B956\): 100 KiB written, 128 KiB erased, verified, in [\d.]+ s; the device left DFU mode$/);
      const f4 = d.run.devices[0]!;
      assert.deepEqual(f4.ranges[0]!.data, KIB100, 'the emulated flash holds the image');
      assert.deepEqual(f4.eraseLog, F4_SECTORS_100K);
      assert.equal(f4.earlyPolls, 0, 'no GETSTATUS before bwPollTimeout');
      assert.equal(f4.connected, false, 'it left the bus after the leave');
    } finally {
      const stopped = await server.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });

  test('the same bytes and the same DFU requests as `dfu-flash download` on the same board', async () => {
    const server = await startCliServer(['-s', '0x08000000:leave', 'fw100.bin'], dir);
    let page: Driven;
    try {
      grant(server.origin, [F4]);
      page = await drive(server.url, ['stm32f4-sysboot'], [{ do: 'wait-device' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE, deadlineMs: 90_000 }], [{ address: 0x08000000, length: KIB100.length }]);
    } finally {
      await server.stop();
    }
    assert.match(statusOf(page), /done$/);
    const cli = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      command: ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', join(dir, 'fw100.bin')],
      dumpRanges: [{ address: 0x08000000, length: KIB100.length }],
      timeoutMs: 60_000,
    });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(page.run.devices[0]!.ranges[0]!.data, cli.devices[0]!.ranges[0]!.data, 'the same flash contents');
    assert.deepEqual(page.run.devices[0]!.eraseLog, cli.devices[0]!.eraseLog);
    // the same requests up to the leave request and its first GETSTATUS; the board leaves the bus while it is
    // polled after that, so whether one more GETSTATUS reached it before it left depends on timing
    const [pageHead, pageTail] = untilLeft(dfuRequests(page.run));
    const [cliHead, cliTail] = untilLeft(dfuRequests(cli));
    assert.deepEqual(pageHead, cliHead, 'the same DFU requests, in the same order');
    for (const tail of [pageTail, cliTail]) assert.ok(tail.length <= 2 && tail.every((r) => r.startsWith('DFU_GETSTATUS ')), `after the leave: ${tail.join(', ')}`);
  });

  test('dapboot (DFU 1.1): a file chosen in the page, no address, manifestation, the bytes from 0x08002000', async () => {
    const server = await startCliServer([], dir);
    const image = pattern(20 * 1024, 23);
    writeFileSync(join(dir, 'dap.bin'), image);
    try {
      grant(server.origin, [DAPBOOT]);
      const d = await drive(
        server.url,
        ['dapboot'],
        [{ do: 'wait-device', match: '1209:db42' }, { do: 'choose-file', path: join(dir, 'dap.bin') }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE, deadlineMs: 60_000 }],
        [{ address: 0x08002000, length: image.length }],
      );
      assert.equal(d.results[1]!.snapshot!.address.disabled, true, 'a DFU 1.1 device takes no address');
      assert.match(statusOf(d), /^Flashed dap\.bin \(20 KiB\): done$/);
      assert.deepEqual(
        d.results.at(-1)!.snapshot!.progress.map((r) => r.phase),
        ['download', 'manifest'],
      );
      assert.deepEqual(d.run.devices[0]!.ranges[0]!.data, image);
    } finally {
      await server.stop();
    }
  });

  test('a runtime device: detach, its bootloader needs the user (NEEDS_PERMISSION), "Select the board in DFU mode", then the flash', async () => {
    const server = await startCliServer(['-s', '0x08000000', 'fw100.bin'], dir);
    const shot = process.env.DFU_FLASH_SCREENSHOT === undefined ? join(dir, 'page.png') : resolve(REPO_ROOT, process.env.DFU_FLASH_SCREENSHOT);
    try {
      // the page may use the application, not (yet) its bootloader
      grant(server.origin, [RUNTIME]);
      const d = await drive(
        server.url,
        ['runtime-app'],
        [
          { do: 'wait-device', match: '0483:5740' },
          { do: 'click', testid: 'flash' },
          { do: 'wait-visible', testid: 'permission', deadlineMs: 60_000 },
          { do: 'read' },
          // what the user's choice in the chooser grants; no automation reaches Chromium's chooser itself
          { do: 'grant', name: policyName, owner: process.pid, origin: server.origin, devices: [RUNTIME, F4] },
          { do: 'click', testid: 'permission' },
          { do: 'wait-status', pattern: 'done$|^error:', deadlineMs: 90_000 },
          { do: 'screenshot', path: shot },
        ],
        [{ address: 0x08000000, length: KIB100.length }],
      );
      const stopped = d.results[3]!.snapshot!;
      assert.match(stopped.status, /^The board restarted in DFU mode, where the browser sees it as a new device/);
      assert.deepEqual(
        stopped.progress.map((r) => r.phase),
        ['detach', 'wait'],
      );
      assert.match(statusOf(d, -2), /^Flashed fw100\.bin \(100 KiB, verified\): done$/);
      assert.deepEqual(
        d.results.at(-2)!.snapshot!.progress.map((r) => r.phase),
        ['detach', 'wait', 'erase', 'download', 'verify'],
      );
      const [app, boot] = d.run.devices;
      assert.equal(app!.profile, 'runtime-app');
      assert.ok(app!.transcript.some((t) => t.request === 'DFU_DETACH'));
      assert.equal(boot!.profile, 'stm32f4-sysboot');
      assert.deepEqual(boot!.ranges[0]!.data, KIB100, 'the bootloader flashed the image');
      assert.deepEqual(boot!.eraseLog, F4_SECTORS_100K);
      const png = readFileSync(shot);
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'a screenshot of the page, made by Chromium');
      assert.equal(png.readUInt32BE(16), 900, '900 px wide');
    } finally {
      await server.stop();
    }
  });

  test('the board pulled out mid-download: error: (never a hang), the page stays usable and flashes it once it is back', async () => {
    const server = await startCliServer(['-s', '0x08000000', 'fw100.bin'], dir);
    try {
      grant(server.origin, [F4]);
      const d = await drive(
        server.url,
        [
          { profile: 'stm32f4-sysboot', name: 'C', unplugOn: { request: 'DFU_DNLOAD', withData: true, nth: 8 } },
          { profile: 'stm32f4-sysboot', name: 'C', plugAfter: { gone: 'C' }, plugAtMs: 1500 },
        ],
        [
          { do: 'wait-device' },
          { do: 'click', testid: 'flash' },
          // a hang guard: the page must say error: well before it
          { do: 'wait-status', pattern: DONE, deadlineMs: 30_000 },
          { do: 'wait-device', match: '0483:df11', deadlineMs: 30_000 },
          { do: 'click', testid: 'flash' },
          { do: 'wait-status', pattern: DONE, deadlineMs: 90_000 },
        ],
        [{ address: 0x08000000, length: KIB100.length }],
      );
      const failed = d.results[2]!;
      // Chromium says NetworkError (a transfer error), NotFoundError (disconnected) or AbortError (cancelled), depending on
      // the request that meets the removal: each is the device gone, with its fix
      assert.match(failed.status!, /^error: download of 2048 bytes at 0x080[0-9a-f]{5}: .*(NetworkError|NotFoundError|AbortError)/, failed.status);
      assert.match(failed.status!, / Fix: Plug the board back in/);
      assert.equal(failed.snapshot!.buttons['flash']!.hidden, false);
      assert.match(statusOf(d), /^Flashed fw100\.bin \(100 KiB, verified\): done$/);
      const [first, second] = d.run.devices;
      assert.equal(first!.triggered, true, 'the first entry was pulled out by the trigger');
      assert.deepEqual(second!.ranges[0]!.data, KIB100, 'the board back on the bus holds the image');
    } finally {
      await server.stop();
    }
  });

  test('web build: the site on a plain static host flashes its board with one button', async () => {
    writeFileSync(join(dir, 'app.hex'), readFileSync(join(REPO_ROOT, 'fixtures/formats/pattern-100_0x0800ffd0.hex')));
    const io = memoryIo({ cwd: dir });
    assert.equal(await run(['web', 'build', 'app.hex', '--vid-pid', '0483:df11', '-o', 'site', '--force', '-q'], io), 0, io.err());
    const names = ['index.html', 'flasher.js', 'flasher.css', 'dfu-flash.js', 'firmware/app.hex'];
    const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript', css: 'text/css', hex: 'application/octet-stream' };
    const host = await startStaticServer(Object.fromEntries(names.map((n) => [`/${n}`, { body: readFileSync(join(dir, 'site', n)), type: types[n.split('.').pop()!] }])));
    try {
      grant(host.origin, [F4]);
      const d = await drive(
        `${host.origin}/`,
        ['stm32f4-sysboot'],
        [{ do: 'wait-device' }, { do: 'read' }, { do: 'click', testid: 'flash' }, { do: 'wait-status', pattern: DONE, deadlineMs: 60_000 }],
        [{ address: 0x0800ffd0, length: 100 }],
      );
      assert.equal(d.results[1]!.snapshot!.buttons['connect']!.hidden, true, 'one button');
      assert.match(statusOf(d), /^Flashed app\.hex \(100 B, verified\): done$/);
      assert.deepEqual(d.run.devices[0]!.ranges[0]!.data, new Uint8Array(readFileSync(join(REPO_ROOT, 'fixtures/formats/pattern-100.bin'))));
      assert.deepEqual(d.run.devices[0]!.eraseLog, [0x0800c000, 0x08010000], 'the two sectors the file touches');
    } finally {
      await host.close();
    }
  });
});
