/**
 * The station command stays lazy: its help and its validation errors load
 * neither libusb, nor the simulator, nor the station engine, nor cli-progress;
 * a run off a terminal never loads cli-progress; on one, it does (the table).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FORMATS } from './tmp-dir.js';
import { loaded } from './module-log.js';

const HEAVY = {
  cliProgress: /\/node_modules\/cli-progress\//,
  usb: /\/node_modules\/usb\//,
  usbBackend: /\/dist\/src\/transport\/usb\//,
  sim: /\/dist\/src\/sim\//,
  engine: /\/dist\/src\/station\//,
};
const none = (urls: string[], ...which: (keyof typeof HEAVY)[]): void => {
  for (const w of which) assert.deepEqual(urls.filter((u) => HEAVY[w].test(u)), [], w);
};
const FW = join(FORMATS, 'pattern-100.bin');

test('station --help and a refused command line: nothing heavy', async () => {
  const help = await loaded(['station', '--help'], true);
  assert.equal(help.status, 0, help.stderr);
  none(help.urls, 'cliProgress', 'usb', 'usbBackend', 'sim', 'engine');
  const bad = await loaded(['station', '--jobs', '0', FW], true);
  assert.equal(bad.status, 64, bad.stderr);
  none(bad.urls, 'cliProgress', 'usb', 'usbBackend', 'sim', 'engine');
});

test('a simulated station off a terminal: no cli-progress, no libusb; on a terminal: cli-progress for the table', async () => {
  const args = ['station', '--simulate', 'stm32f4-sysboot', '--sim-time-scale', '0', '-a', '0', '-s', '0x08000000', '--count', '1', FW];
  const plain = await loaded(args, false);
  assert.equal(plain.status, 0, plain.stderr);
  none(plain.urls, 'cliProgress', 'usb', 'usbBackend');
  assert.ok(plain.urls.some((u) => HEAVY.engine.test(u)), 'the engine is loaded to run');
  const tty = await loaded(args, true);
  assert.equal(tty.status, 0, tty.stderr);
  assert.ok(tty.urls.some((u) => HEAVY.cliProgress.test(u)));
});
