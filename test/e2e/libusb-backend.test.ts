/**
 * src/transport/usb through the real `usb` package and its bundled libusb,
 * against emulated devices (umockdev) driven by src/sim. Each test runs
 * test/e2e/scripts/usb-probe.ts as the host program.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable, type RunResult } from './harness/run.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = umockdevAvailable();
const skip = available.ok ? false : `umockdev harness unavailable: ${available.reason}`;
const PROBE = 'dist/test/e2e/scripts/usb-probe.js';

function json(r: RunResult): any {
  assert.equal(r.stderr.replace(/\n$/, ''), '', 'probe wrote nothing to stderr');
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

const F4_ALTS = [
  '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  '@Option Bytes  /0x1FFFC000/01*016 g',
  '@OTP Memory /0x1FFF7800/01*512 g,01*016 g',
  '@Device Feature/0xFFFF0000/01*004 g',
];

describeOrSkip('libusb backend against an emulated STM32F4 system bootloader', skip, () => {
  test('list() shows ids, strings, port path, four alt settings with exact names and the functional descriptor', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', serial: '3276376D3334', port: '1.4' }],
      command: [process.execPath, PROBE, 'list'],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { devices } = json(r);
    assert.equal(devices.length, 1);
    const [d] = devices;
    assert.deepEqual(
      {
        vendorId: d.vendorId,
        productId: d.productId,
        bcdDevice: d.bcdDevice,
        bcdUSB: d.bcdUSB,
        bMaxPacketSize0: d.bMaxPacketSize0,
        busNumber: d.busNumber,
        portPath: d.portPath,
        configurationValue: d.configurationValue,
        manufacturer: d.manufacturer,
        product: d.product,
        serial: d.serial,
        stringError: d.stringError,
      },
      {
        vendorId: 0x0483,
        productId: 0xdf11,
        bcdDevice: 0x2200,
        bcdUSB: 0x0100,
        bMaxPacketSize0: 64,
        busNumber: 1,
        portPath: '1-1.4',
        configurationValue: 1,
        manufacturer: 'STMicroelectronics',
        product: 'STM32  BOOTLOADER',
        serial: '3276376D3334',
        stringError: undefined,
      },
    );
    assert.equal(d.key, `usb:1-1.4:${d.deviceAddress}`);
    assert.equal(d.deviceAddress, r.devices[0]!.devnum);
    assert.deepEqual(
      d.alts.map((a: any) => [a.interfaceNumber, a.alternateSetting, a.interfaceProtocol, a.name]),
      F4_ALTS.map((name, alt) => [0, alt, 2, name]),
    );
    for (const a of d.alts) {
      assert.deepEqual(
        [a.functional.wTransferSize, a.functional.bmAttributes, a.functional.bcdDFUVersion, a.functional.wDetachTimeOut],
        [2048, 0x0b, 0x011a, 255],
      );
    }
  });

  test('several devices: each on its own port, none hides another', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', port: '2' }, { profile: 'dapboot', port: '1.3' }, { profile: 'runtime-app', port: '5' }],
      command: [process.execPath, PROBE, 'list'],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { devices } = json(r);
    assert.deepEqual(
      devices
        .map((d: any) => [d.portPath, d.vendorId.toString(16) + ':' + d.productId.toString(16), d.alts.map((a: any) => a.interfaceProtocol).join('')])
        .sort(),
      [
        ['1-1.3', '1209:db42', '2'],
        ['1-2', '483:df11', '2222'],
        ['1-5', '483:5740', '1'],
      ],
    );
  });

  test('SET_INTERFACE, GETSTATUS, CLRSTATUS, GETSTATUS: dfuERROR/errFIRMWARE, then dfuIDLE/OK', async () => {
    const r = await runWithDevices({ profiles: ['stm32f4-sysboot'], command: [process.execPath, PROBE, 'status-cycle', '--alt', '1'] });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { steps } = json(r);
    assert.deepEqual(steps[0], { request: 'DFU_GETSTATUS', bytes: [10, 0, 0, 0, 10, 0], status: 'errFIRMWARE', bwPollTimeout: 0, state: 'dfuERROR' });
    assert.deepEqual(steps[2], { request: 'DFU_GETSTATUS', bytes: [0, 0, 0, 0, 2, 0], status: 'OK', bwPollTimeout: 0, state: 'dfuIDLE' });
    const requests = r.devices[0]!.transcript
      .filter((e) => e.request !== 'GET_DESCRIPTOR')
      .map((e) => `${e.request} ${e.setup.wValue} ${e.result} ${e.state}`);
    assert.deepEqual(requests, [
      'SET_INTERFACE 1 ack dfuERROR',
      'DFU_GETSTATUS 0 ack dfuERROR',
      'DFU_CLRSTATUS 0 ack dfuIDLE',
      'DFU_GETSTATUS 0 ack dfuIDLE',
    ]);
  });

  test('a silent device gives TIMEOUT at our deadline, not a hang; the next transfer gets its own answer', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', action: 'silent' }] }],
      command: [process.execPath, PROBE, 'getstatus', '--count', '2', '--timeout', '300'],
      timeoutMs: 15000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { attempts } = json(r);
    assert.equal(attempts[0].ok, false);
    assert.equal(attempts[0].error.code, 'TIMEOUT');
    assert.equal(
      attempts[0].error.message,
      'DFU_GETSTATUS (bmRequestType 0xa1, wValue 0x0000, wIndex 0, wLength 6) to USB device 0483:df11 at 1-1 got no answer within 300 ms',
    );
    assert.ok(attempts[0].elapsedMs >= 295, `timed out after ${attempts[0].elapsedMs} ms, before its 300 ms`);
    assert.deepEqual([attempts[1].ok, attempts[1].state, attempts[1].status], [true, 'dfuERROR', 'errFIRMWARE']);
    assert.deepEqual(r.devices[0]!.faultsFired, [{ request: 'DFU_GETSTATUS', action: 'silent' }]);
  });

  test('a device that never answers again: every transfer times out and close() still returns at once', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', action: 'silent', times: 1000 }] }],
      command: [process.execPath, PROBE, 'getstatus', '--count', '3', '--timeout', '200'],
      timeoutMs: 15000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { attempts, closeMs } = json(r);
    // the device never answers: a transfer that waited for it, or a close() that waited for the cancelled
    // transfers to come back, would hang until the harness's deadline (exit 124, not 0)
    assert.deepEqual(attempts.map((a: any) => a.error?.code), ['TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    assert.equal(typeof closeMs, 'number', 'close() returned');
    assert.equal(r.timedOut, false);
  });

  test('a device that drops off the bus mid-transfer gives DEVICE_GONE', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', action: 'gone' }] }],
      // the transfer fails when the device leaves; a deadline far beyond that (a busy machine delays the
      // removal, never the deadline) keeps TIMEOUT out of the race
      command: [process.execPath, PROBE, 'getstatus', '--count', '2', '--timeout', '10000'],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { attempts } = json(r);
    assert.equal(attempts[0].error.code, 'DEVICE_GONE', JSON.stringify(attempts[0]));
    assert.match(attempts[0].error.message, /\(LIBUSB_(TRANSFER|ERROR)_NO_DEVICE\)$/);
    assert.equal(attempts[1].error.code, 'DEVICE_GONE');
    assert.equal(r.devices[0]!.connected, false);
  });

  test('list(): a device whose strings cannot be read is still listed with stringError, and does not hide the others', async () => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'stm32f4-sysboot', port: '1', faults: [{ request: 'GET_DESCRIPTOR', action: 'silent', times: 1000 }] },
        { profile: 'stm32f1-cubemx', port: '2', faults: [{ request: 'GET_DESCRIPTOR', nth: 4, times: 2, action: 'stall' }] },
        { profile: 'dapboot', port: '3' },
      ],
      command: [process.execPath, PROBE, 'list'],
      timeoutMs: 20000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const byPort = new Map<string, any>(json(r).devices.map((d: any) => [d.portPath, d]));
    const silent = byPort.get('1-1');
    assert.equal(silent.stringError.code, 'TIMEOUT');
    assert.match(silent.stringError.message, /^GET_DESCRIPTOR \(bmRequestType 0x80, wValue 0x0300, wIndex 0, wLength 255\) to USB device 0483:df11 at 1-1 got no answer within 1000 ms$/);
    assert.deepEqual([silent.serial, silent.alts.length, silent.alts[0].name], [undefined, 4, undefined]);
    assert.equal(silent.alts[0].functional.wTransferSize, 2048, 'descriptors come from sysfs, no I/O needed');
    const stalled = byPort.get('1-2');
    assert.equal(stalled.stringError.code, 'STALL');
    assert.equal(stalled.manufacturer, 'STMicroelectronics');
    assert.equal(typeof stalled.alts[0].name, 'string');
    const healthy = byPort.get('1-3');
    assert.equal(healthy.stringError, undefined);
    assert.equal(healthy.product, 'DAPBoot DFU Bootloader');
  });

  test('a second program claiming the same interface gets BUSY with the hint', async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      command: [
        'sh',
        '-c',
        `${process.execPath} ${PROBE} hold --ms 2500 > {dir}/hold.out & ` +
          `until grep -q claimed {dir}/hold.out 2>/dev/null; do sleep 0.05; done; ` +
          `${process.execPath} ${PROBE} status-cycle; wait; cat {dir}/hold.out`,
      ],
    });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const failure = lines.find((l) => l.error);
    assert.ok(failure, r.stdout);
    assert.equal(failure.error.code, 'BUSY');
    assert.match(failure.error.message, /^claim interface 0 failed on USB device 0483:df11 at 1-1: resource busy \(LIBUSB_ERROR_BUSY\)$/);
    assert.match(failure.error.hint, /dfu-util, STM32CubeProgrammer, ModemManager/);
    assert.deepEqual(lines.filter((l) => !l.error), [{ claimed: true }, { released: true }]);
  });

  for (const [profile, how] of [
    ['runtime-app', 'the device detaches itself (bitWillDetach)'],
    ['runtime-app-reset', 'after a USB reset'],
  ] as const) {
    test(`DETACH ${how}: the bootloader re-enumerates on the same port and a running libusb sees it (hotplug uevents)`, async () => {
      const r = await runWithDevices({
        profiles: [{ profile, port: '3' }],
        command: [process.execPath, PROBE, 'detach', ...(profile === 'runtime-app-reset' ? ['--reset'] : [])],
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = json(r);
      assert.deepEqual(out.before, { ids: '0483:5740', portPath: '1-3', deviceAddress: 2, serial: '4A3B2C1D0E0F', protocols: [1] });
      assert.deepEqual(out.after, { ids: '0483:df11', portPath: '1-3', deviceAddress: 3, serial: '315A28A0B956', protocols: [2, 2, 2, 2] });
      assert.deepEqual(
        r.devices.map((d) => [d.profile, d.port, d.devnum, d.replaces]),
        [
          [profile, '3', 2, undefined],
          ['stm32f4-sysboot', '3', 3, 1],
        ],
      );
    });
  }
});
