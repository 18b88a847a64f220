/**
 * Start-up stays lazy: the real executable, with a module-resolution hook
 * that logs every module loaded (and, where asked, stderr made to look like
 * a terminal). `list` never loads cli-progress; the file tools never load
 * the USB backend or the simulator.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMATS } from './tmp-dir.js';
import { loaded } from './module-log.js';

const MODULES = {
  cliProgress: /\/node_modules\/cli-progress\//,
  usb: /\/node_modules\/usb\//,
  usbBackend: /\/dist\/src\/transport\/usb\//,
  sim: /\/dist\/src\/sim\//,
  zod: /\/node_modules\/zod\//,
  chalk: /\/node_modules\/chalk\//,
};

function none(urls: string[], ...which: (keyof typeof MODULES)[]): void {
  for (const w of which) assert.deepEqual(urls.filter((u) => MODULES[w].test(u)), [], w);
}

describe('what each command loads', () => {
  test('control: a download on a (fake) terminal does load cli-progress', async () => {
    const r = await loaded(['download', '--simulate', 'stm32f4-sysboot', '--sim-time-scale', '0', '--dry-run', '-a', '0', '-s', '0x08000000', join(FORMATS, 'pattern-100.bin')], true);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.urls.some((u) => MODULES.cliProgress.test(u)), 'the fake terminal works');
  });

  test('list --simulate on a terminal: no cli-progress, no libusb', async () => {
    const r = await loaded(['list', '--simulate', 'stm32f4-sysboot'], true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# +VID:PID/);
    none(r.urls, 'cliProgress', 'usb', 'usbBackend');
  });

  test('--version: none of the heavy modules', async () => {
    const r = await loaded(['--version'], true);
    assert.equal(r.status, 0);
    none(r.urls, 'cliProgress', 'usb', 'usbBackend', 'sim', 'zod', 'chalk');
  });

  for (const args of [
    ['info', join(FORMATS, 'pattern-100_s3.srec')],
    ['convert', join(FORMATS, 'pattern-100_s3.srec'), '-o', 'out.bin'],
    ['suffix', 'check', join(FORMATS, 'pattern-100.bin')],
    ['udev-rules'],
  ]) {
    test(`${args[0]}: no libusb, no simulator, no progress bars`, async () => {
      const r = await loaded(args, true);
      assert.ok(r.status === 0 || r.status === 65, r.stderr);
      none(r.urls, 'cliProgress', 'usb', 'usbBackend', 'sim');
    });
  }

  test('dfu-util help (dfu-flash -l -h): no zod, no libusb, no simulator, no progress bars', async () => {
    const r = await loaded(['-l', '-h'], true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: dfu-flash \[dfu-util options\]/);
    none(r.urls, 'cliProgress', 'usb', 'usbBackend', 'sim', 'zod', 'chalk');
  });

  test('dfu-util -l --simulate on a terminal: no cli-progress, no libusb', async () => {
    const r = await loaded(['-l', '--simulate', 'stm32f4-sysboot'], true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Found DFU: \[0483:df11\]/);
    none(r.urls, 'cliProgress', 'usb', 'usbBackend');
  });
});

describe('the bundle (what bin/dfu-flash runs after npm run build)', () => {
  test('--version loads the bundle entry and no chunk with zod, cli-progress, commander or libusb', async () => {
    const { urls, status, stdout } = await loaded(['--version'], false, true);
    assert.equal(status, 0);
    assert.match(stdout, /^dfu-flash \d+\.\d+\.\d+\n$/);
    const ours = urls.filter((u) => u.includes('/dist/bundle/'));
    assert.ok(ours.some((u) => u.endsWith('/dist/bundle/main.js')), 'the bundle is used');
    assert.deepEqual(urls.filter((u) => u.includes('/dist/src/')), [], 'no unbundled module');
    for (const u of ours) {
      const text = await readFile(new URL(u), 'utf8');
      for (const marker of ['ZodError', 'cli-progress', 'new Command(', 'usb/dist']) assert.ok(!text.includes(marker), `${u} contains ${marker}`);
    }
  });

  test('list --simulate works from the bundle (commands are chunks loaded on demand)', async () => {
    const { urls, status, stdout } = await loaded(['list', '--simulate', 'stm32f4-sysboot'], false, true);
    assert.equal(status, 0);
    assert.match(stdout, /0483:df11/);
    assert.ok(urls.filter((u) => u.includes('/dist/bundle/chunks/')).length > 1, 'chunks loaded lazily');
  });
});
