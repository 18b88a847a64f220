/**
 * dfu-util 0.11, unmodified, against the same simulated devices dfu-flash is
 * tested on: proof that the harness serves the reference peer, and the
 * reference runs the lead compares dfu-flash against.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dfuUtilAvailable, runWithDevices, umockdevAvailable } from './harness/run.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const dfuUtil = dfuUtilAvailable();
const skip = !harness.ok ? `umockdev harness unavailable: ${harness.reason}` : !dfuUtil.ok ? dfuUtil.reason! : false;

/** 2840 bytes of deterministic data (the size of a small blink build); the suite must not depend on ../shared being present. */
const FIRMWARE = Buffer.from(Array.from({ length: 2840 }, (_, i) => (i * 151 + 7) & 0xff));

describeOrSkip('dfu-util against emulated devices', skip, () => {
  test('dfu-util -l lists the F4 bootloader: four alt names, serial, path', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', serial: '3276376D3334', port: '1.4' }],
      command: ['dfu-util', '-l'],
    });
    assert.equal(r.code, 0, r.stderr);
    const found = r.stdout.split('\n').filter((l) => l.startsWith('Found'));
    const devnum = r.devices[0]!.devnum;
    assert.deepEqual(found, [
      `Found DFU: [0483:df11] ver=2200, devnum=${devnum}, cfg=1, intf=0, path="1-1.4", alt=3, name="@Device Feature/0xFFFF0000/01*004 g", serial="3276376D3334"`,
      `Found DFU: [0483:df11] ver=2200, devnum=${devnum}, cfg=1, intf=0, path="1-1.4", alt=2, name="@OTP Memory /0x1FFF7800/01*512 g,01*016 g", serial="3276376D3334"`,
      `Found DFU: [0483:df11] ver=2200, devnum=${devnum}, cfg=1, intf=0, path="1-1.4", alt=1, name="@Option Bytes  /0x1FFFC000/01*016 g", serial="3276376D3334"`,
      `Found DFU: [0483:df11] ver=2200, devnum=${devnum}, cfg=1, intf=0, path="1-1.4", alt=0, name="@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", serial="3276376D3334"`,
    ]);
  });

  test('dfu-util -a 0 -s 0x08000000:leave -D writes the file into the simulated flash', async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      files: { 'blink.bin': FIRMWARE },
      command: ['dfu-util', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/blink.bin'],
      dumpRanges: [{ address: 0x08000000, length: 0x4000 }],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /File downloaded successfully/);
    const [device] = r.devices;
    assert.ok(device);
    const flash = device.ranges[0]!.data!;
    assert.deepEqual(Buffer.from(flash.subarray(0, FIRMWARE.length)), FIRMWARE);
    assert.ok(flash.subarray(FIRMWARE.length).every((b) => b === 0xff), 'the rest of the page stays erased');
    assert.deepEqual(device.eraseLog, [0x08000000]);
    assert.equal(device.connected, false, 'left DFU mode after :leave');
    // dfu-util's way (wBlockNum:length): ERASE, then SET_ADDRESS + block 2 per chunk, SET_ADDRESS + zero-length block 2 to leave
    const dnloads = device.transcript.filter((e) => e.request === 'DFU_DNLOAD').map((e) => `${e.setup.wValue}:${e.length}`);
    assert.deepEqual(dnloads, ['0:5', '0:5', '2:2048', '0:5', '2:792', '0:5', '2:0']);
    assert.equal(device.earlyPolls, 0, 'dfu-util honours bwPollTimeout');
  });
});
