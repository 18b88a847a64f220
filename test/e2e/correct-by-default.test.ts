/**
 * Correct by default and recovering by itself, through the built CLI and real
 * libusb (umockdev): a silently corrupted write is caught without any flag;
 * --no-verify says the result was not verified; the CubeMX bootloader with
 * unreadable strings is reset and flashed; dfu-util's run-time -d follows the
 * board into DFU mode; global options may come before the command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const CLI = ['node', 'bin/dfu-flash'];
const FW = pattern(20_000, 7);
const UNREADABLE = { request: 'GET_DESCRIPTOR', strings: true, action: 'stall' as const, times: 10_000 };

function resultLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describeOrSkip('correct by default (umockdev)', skip, () => {
  test('a block programmed wrong, no flag given: non-zero exit naming the address, and no leave', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_DNLOAD', nth: 5, action: 'corrupt' }] }],
      files: { 'fw.bin': FW },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 79, r.stderr);
    assert.match(r.stderr, /^dfu-flash: error: verify failed: byte at 0x08000[0-9a-f]{3} is 0x[0-9a-f]{2}, expected 0x[0-9a-f]{2}$/m);
    assert.equal(r.devices[0]!.connected, true, 'the device did not leave: the board does not start a bad image');
  });

  test('--no-verify: exit 0, and the result says it was not verified', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_DNLOAD', nth: 5, action: 'corrupt' }] }],
      files: { 'fw.bin': FW },
      command: [...CLI, 'download', '--no-verify', '--json', '-a', '0', '-s', '0x08000000', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 0, r.stderr);
    const result = resultLine(r.stdout);
    assert.equal(result['verified'], false);
    assert.equal(result['verifySkipped'], 'off');
    assert.equal(r.devices[0]!.transcript.filter((t) => t.request === 'DFU_UPLOAD').length, 0, 'nothing read back');
  });

  test('the CubeMX bootloader with unreadable strings: reset, read again, flashed', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f1-cubemx', faults: [{ ...UNREADABLE, untilReset: true }] }],
      files: { 'fw.bin': FW },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08008000', '{dir}/fw.bin'],
      dumpRanges: [{ address: 0x08008000, length: FW.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.devices[0]!.ranges[0]!.data, FW);
    assert.match(r.stderr, /warning: the strings of 0483:df11 at 1-1 .* could not be read: resetting it to read them again/);
    assert.match(r.stderr, /Downloaded 20000 bytes .*, verified/);
  });

  test('strings that stay unreadable: a message that says so and to replug, exit 74, nothing erased', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f1-cubemx', faults: [UNREADABLE] }],
      files: { 'fw.bin': FW },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08008000', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 74, r.stderr);
    assert.match(r.stderr, /^dfu-flash: error: the name of alt setting 0, which holds its DfuSe memory layout, could not be read/m);
    assert.match(r.stderr, /hint: .*unplug the board and plug it in again/);
    assert.doesNotMatch(r.stderr, /no DfuSe memory layout/);
    assert.deepEqual(r.devices[0]!.eraseLog, []);
  });

  test('dfu-util\'s run-time -d: detach and wait (-e -E), download -d, and -D with -d all reach the board in DFU mode', async () => {
    const cases: string[][] = [
      [...CLI, '-e', '-d', '0483:5740', '-E', '10'],
      [...CLI, 'download', '-d', '0483:5740', '-s', '0x08000000:leave', '{dir}/fw.bin'],
      [...CLI, '-d', '0483:5740', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'],
    ];
    for (const command of cases) {
      const r = await runWithDevices({ profiles: ['runtime-app'], timeScale: 0.05, files: { 'fw.bin': FW }, command, dumpRanges: [{ address: 0x08000000, length: FW.length }] });
      assert.equal(r.code, 0, `${command.join(' ')}: ${r.stderr}`);
      const rom = r.devices.find((d) => d.profile === 'stm32f4-sysboot');
      assert.ok(rom !== undefined, `${command.join(' ')}: the board came back in DFU mode`);
      if (command.includes('-e')) continue;
      assert.deepEqual(rom.ranges[0]!.data, FW, command.join(' '));
    }
  });

  test('global options before the command', async () => {
    const r = await runWithDevices({ profiles: ['stm32f4-sysboot'], files: { 'fw.bin': FW }, command: [...CLI, '-v', '--json', 'download', '-a', '0', '-s', '0x08000000', '{dir}/fw.bin'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(resultLine(r.stdout)['verified'], true);
    assert.match(r.stderr, /debug: DFU_GETSTATUS/, '-v traces the transfers');
  });
});
