/**
 * The harness's schedule (DeviceSpec plugAtMs / plugAfter / unplugAtMs /
 * unplugAfter / unplugOn / name): what real programs see when devices arrive
 * and leave while they run, and the harness refusing schedules that cannot be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pattern } from '../support/pattern.js';
import { toHex } from './harness/hex.js';
import { REPO_ROOT, dfuUtilAvailable, runWithDevices, umockdevAvailable, type DeviceSpec } from './harness/run.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = umockdevAvailable();
const skip = available.ok ? false : `umockdev harness unavailable: ${available.reason}`;
const dfuUtil = dfuUtilAvailable();
const USB_PROBE = join(REPO_ROOT, 'dist/test/e2e/scripts/usb-probe.js');
const HOTPLUG_PROBE = join(REPO_ROOT, 'dist/test/e2e/scripts/hotplug-probe.js');
const FLASH = 0x08000000;

interface Attempt {
  ok: boolean;
  state?: string;
  error?: { code: string };
}

describeOrSkip('harness schedule', skip, () => {
  for (const [when, expected] of [
    ['after', [true, true, 'DEVICE_GONE']],
    ['before', [true, 'DEVICE_GONE', 'DEVICE_GONE']],
  ] as const) {
    test(`unplugOn the 2nd DFU_GETSTATUS, ${when} it is answered: what a libusb program gets, and the device's transcript`, async () => {
      const r = await runWithDevices({
        profiles: [{ profile: 'stm32f4-sysboot', unplugOn: { request: 'DFU_GETSTATUS', nth: 2, when } }],
        command: [process.execPath, USB_PROBE, 'getstatus', '--count', '3'],
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const { attempts } = JSON.parse(r.stdout) as { attempts: Attempt[] };
      assert.deepEqual(
        attempts.map((a) => (a.ok ? true : a.error!.code)),
        expected,
      );
      const [device] = r.devices;
      assert.equal(device!.triggered, true);
      assert.equal(device!.connected, false);
      const polls = device!.transcript.filter((e) => e.request === 'DFU_GETSTATUS').map((e) => e.result);
      // 'before': the 2nd GETSTATUS reached a device that had just left; later ones never reach the bus
      assert.deepEqual(polls, when === 'after' ? ['ack', 'ack'] : ['ack', 'gone']);
      assert.deepEqual(
        r.timeline.map((c) => [c.type, c.reason]),
        [
          ['plug', undefined],
          ['unplug', `unplugged (schedule: ${when === 'after' ? 'after' : 'instead of answering'} DFU_GETSTATUS #2)`],
        ],
      );
    });
  }

  test(
    'a board pulled out in the middle of a download and plugged in again: new device number, fresh state, the flash it had',
    { skip: dfuUtil.ok ? false : dfuUtil.reason },
    async () => {
      const fw = pattern(40960, 7);
      const r = await runWithDevices({
        profiles: [
          // the 8th DNLOAD with data (SET_ADDRESS, ERASE and 2048-byte blocks all count) is answered, then the board is pulled
          { profile: 'stm32f4-sysboot', name: 'A', unplugOn: { request: 'DFU_DNLOAD', withData: true, nth: 8 } },
          // plugged in again 100 ms after it left (a repeated name waits for the board to be gone)
          { profile: 'stm32f4-sysboot', name: 'A', plugAtMs: 100 },
        ],
        files: { 'fw.bin': fw },
        command: [
          'sh',
          '-c',
          'dfu-util -a 0 -s 0x08000000 -D {dir}/fw.bin >{dir}/dfu-util.log 2>&1; echo "download $?"; ' +
            'dfu-util -w -a 0 -s 0x08000000:40960 -U {dir}/back.bin >>{dir}/dfu-util.log 2>&1; echo "upload $?"; ' +
            'od -An -v -tx1 {dir}/back.bin | tr -d " \\n"; echo; cat {dir}/dfu-util.log',
        ],
        dumpRanges: [{ address: FLASH, length: fw.length }],
        timeoutMs: 30000,
      });
      assert.equal(r.code, 0, r.stderr);
      const [download, upload, readBack, ...said] = r.stdout.split('\n');
      const dfuUtilSaid = `dfu-util said:\n${said.join('\n')}`;
      assert.equal(download, 'download 74', `dfu-util failed: the board left mid-download\n${dfuUtilSaid}`);
      assert.equal(upload, 'upload 0', `dfu-util -w found the board again and read it\n${dfuUtilSaid}`);
      assert.deepEqual(
        r.timeline.map((c) => [c.type, c.dev, c.port, c.devnum, c.reason]),
        [
          ['plug', 1, '1', 2, undefined],
          ['unplug', 1, '1', 2, 'unplugged (schedule: after DFU_DNLOAD with data #8)'],
          ['plug', 2, '1', 3, undefined],
        ],
      );
      const [first, again] = r.devices;
      // the first enumeration: the 8th DNLOAD with data was its last request
      assert.equal(first!.triggered, true);
      const dnloads = first!.transcript.filter((e) => e.request === 'DFU_DNLOAD');
      assert.deepEqual(
        [dnloads.filter((e) => e.setup.wLength > 0).length, first!.transcript.at(-1)!.request, first!.transcript.at(-1)!.result],
        [8, 'DFU_DNLOAD', 'ack'],
      );
      const written = first!.writeLog.reduce((n, w) => n + w.length, 0);
      assert.ok(written > 0 && written < fw.length, `${written} bytes written before the unplug`);
      const firstFlash = first!.ranges[0]!.data!;
      assert.deepEqual(firstFlash.subarray(0, written), fw.subarray(0, written));
      assert.ok(firstFlash.subarray(written).every((b) => b === 0xff), 'the rest is erased or blank');
      // the second: same board, same serial, the first one's flash, nothing written, a transcript of its own
      assert.deepEqual([again!.slot, again!.board, again!.carriedFrom, again!.serial], [1, 'A', first!.dev, first!.serial]);
      assert.deepEqual([again!.eraseLog, again!.writeLog], [[], []]);
      // fresh DFU state: the first one was left mid-download, the second starts as the ROM does (dfuERROR/errFIRMWARE)
      assert.equal(first!.state, 'dfuDNLOAD-SYNC');
      assert.deepEqual(
        again!.transcript.filter((e) => e.request.startsWith('DFU_')).slice(0, 2).map((e) => [e.request, e.state, e.status]),
        [
          ['DFU_GETSTATUS', 'dfuERROR', 'errFIRMWARE'],
          ['DFU_CLRSTATUS', 'dfuIDLE', 'OK'],
        ],
      );
      assert.deepEqual(again!.ranges[0]!.data, firstFlash);
      assert.equal(readBack, toHex(firstFlash), 'dfu-util read the carried flash through libusb');
    },
  );

  test("plugAfter 'listening': the device arrives only once a process in the command has a udev monitor (libusb started)", async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'dapboot', plugAfter: 'listening' }],
      command: ['sh', '-c', `ls /sys/bus/usb/devices 2>/dev/null | wc -l; "${process.execPath}" "${HOTPLUG_PROBE}" --arrivals 0 --seen 1`],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [before, ...rest] = r.stdout.trim().split('\n');
    assert.equal(before!.trim(), '0', 'nothing on the bus while only the shell ran');
    const seen = rest.map((l) => JSON.parse(l) as { type: string; portPath?: string; devices?: { portPath: string }[] });
    const ports = seen.flatMap((l) => (l.type === 'arrive' ? [l.portPath] : l.type === 'initial' ? l.devices!.map((d) => d.portPath) : []));
    assert.deepEqual(ports, ['1-1']);
  });

  const bad: [string, DeviceSpec[], RegExp][] = [
    ['unplugAtMs before plugAtMs', [{ profile: 'dapboot', plugAtMs: 200, unplugAtMs: 100 }], /devices\[0\]\.unplugAtMs \(100\) must come after its plugAtMs \(200\)/],
    ['plugAfter gone of a board not listed before', [{ profile: 'dapboot', plugAfter: { gone: 'X' } }], /devices\[0\]\.plugAfter\.gone names 'X'/],
    ['a negative time', [{ profile: 'dapboot', plugAtMs: -1 }], /devices\[0\]\.plugAtMs must be a number >= 0/],
    [
      'two boards on one port at once',
      [{ profile: 'dapboot' }, { profile: 'dapboot', port: '1', plugAtMs: 0 }],
      /port 1-1 is taken by sim 1/,
    ],
  ];
  for (const [what, profiles, message] of bad) {
    test(`a schedule that cannot be is a harness failure, not a run: ${what}`, async () => {
      await assert.rejects(
        runWithDevices({ profiles, command: ['sh', '-c', 'sleep 5'], timeoutMs: 10000 }),
        (e: Error) => message.test(e.message) && /umockdev harness failure/.test(e.message),
      );
    });
  }
});
