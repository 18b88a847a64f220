/**
 * Devices as they really behave, through the built CLI and real libusb
 * (umockdev): runtime → DFU with hotplug re-enumeration, bitWillDetach,
 * unrelated runtime devices, several boards at once, dfu-util command lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const CLI = ['node', 'bin/dfu-flash'];

describeOrSkip('devices as they really behave (umockdev)', skip, () => {
  test('one download on a runtime-mode app: detached, found again in DFU mode, flashed', async () => {
    const fw = pattern(20_000, 1);
    const r = await runWithDevices({
      profiles: ['runtime-app', 'mac-bluetooth'],
      timeScale: 0.05,
      files: { 'fw.bin': fw },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08000000:leave', '--json', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; elapsedMs?: number });
    // detached, waited for (found when it arrived, not after a fixed sleep: the virtual-clock test in
    // test/integration/runtime-detach.test.ts checks that), then flashed, in that order
    const phases = events.filter((e) => e.type === 'phase-end').map((e) => e.phase);
    assert.deepEqual(phases.slice(0, 3), ['detach', 'wait', 'erase']);
    const app = r.devices.find((d) => d.profile === 'runtime-app')!;
    assert.equal(app.transcript.filter((t) => t.request === 'BUS_RESET').length, 0, 'bitWillDetach: no USB reset');
    const rom = r.devices.find((d) => d.profile === 'stm32f4-sysboot')!;
    assert.deepEqual(rom.writeLog.reduce((n, w) => n + w.length, 0), fw.length);
    const bt = r.devices.find((d) => d.profile === 'mac-bluetooth')!;
    assert.deepEqual(bt.transcript.filter((t) => t.request.startsWith('DFU_')), [], 'the Bluetooth controller was left alone');
  });

  test('a runtime device without bitWillDetach gets DETACH then a USB reset', async () => {
    const r = await runWithDevices({ profiles: ['runtime-app-reset'], timeScale: 0.05, command: [...CLI, 'detach', '--wait'] });
    assert.equal(r.code, 0, r.stderr);
    const app = r.devices.find((d) => d.profile === 'runtime-app-reset')!;
    assert.deepEqual(app.transcript.filter((t) => t.request === 'DFU_DETACH' || t.request === 'BUS_RESET').map((t) => t.request), ['DFU_DETACH', 'BUS_RESET']);
    assert.ok(r.devices.some((d) => d.profile === 'stm32f4-sysboot'), 'came back as the ROM');
  });

  test('four boards in one command (--all): each holds the image', async () => {
    const fw = pattern(30_000, 2);
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'],
      timeScale: 0.05,
      files: { 'fw.bin': fw },
      command: [...CLI, 'download', '--all', '-s', '0x08000000:leave', '--json', '{dir}/fw.bin'],
      dumpRanges: [{ address: 0x08000000, length: fw.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.devices.length, 4);
    for (const d of r.devices) assert.deepEqual(d.ranges[0]!.data, fw);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; boards: { ok: boolean }[] };
    assert.equal(result.ok, true);
    assert.deepEqual(result.boards.map((b) => b.ok), [true, true, true, true]);
  });

  test("dfu-util's own command lines run unchanged after dfu-flash", async () => {
    const fw = pattern(9000, 3);
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      timeScale: 0.05,
      files: { 'fw.bin': fw },
      command: ['sh', '-c', 'node bin/dfu-flash -l && node bin/dfu-flash -d 0483:df11 -c 1 -i 0 -a 0 -s 0x08000000:leave -D {dir}/fw.bin'],
      dumpRanges: [{ address: 0x08000000, length: fw.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Found DFU: \[0483:df11\] ver=2200, devnum=\d+, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash  \/0x08000000\/04\*016Kg,01\*064Kg,07\*128Kg", serial="315A28A0B956"/);
    assert.deepEqual(r.devices[0]!.ranges[0]!.data, fw);
  });
});
