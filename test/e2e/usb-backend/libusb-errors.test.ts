/** libusb error → DfuFlashError mapping: one row per libusb name and platform. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuFlashError } from '../../../src/shared/errors.js';
import {
  LIBUSB_NAMES,
  UDEV_RULES_FILE,
  libusbErrorName,
  mapLibusbError,
  udevRule,
} from '../../../src/transport/usb/libusb-errors.js';
import { libusbError } from './fake-raw-device.js';

const ctx = { operation: 'open', vendorId: 0x0483, productId: 0xdf11, portPath: '1-1.4' };

// [libusb name, errno, linux code, win32 code, darwin code]
const TABLE: [string, number, string, string, string][] = [
  ['LIBUSB_ERROR_IO', -1, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_INVALID_PARAM', -2, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_ACCESS', -3, 'ACCESS', 'DRIVER', 'ACCESS'],
  ['LIBUSB_ERROR_NO_DEVICE', -4, 'DEVICE_GONE', 'DEVICE_GONE', 'DEVICE_GONE'],
  ['LIBUSB_ERROR_NOT_FOUND', -5, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_BUSY', -6, 'BUSY', 'BUSY', 'BUSY'],
  ['LIBUSB_ERROR_TIMEOUT', -7, 'TIMEOUT', 'TIMEOUT', 'TIMEOUT'],
  ['LIBUSB_ERROR_OVERFLOW', -8, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_PIPE', -9, 'STALL', 'STALL', 'STALL'],
  ['LIBUSB_ERROR_INTERRUPTED', -10, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_NO_MEM', -11, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_ERROR_NOT_SUPPORTED', -12, 'UNSUPPORTED', 'DRIVER', 'DRIVER'],
  ['LIBUSB_ERROR_OTHER', -99, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_TRANSFER_ERROR', 1, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_TRANSFER_TIMED_OUT', 2, 'TIMEOUT', 'TIMEOUT', 'TIMEOUT'],
  ['LIBUSB_TRANSFER_CANCELLED', 3, 'USB_IO', 'USB_IO', 'USB_IO'],
  ['LIBUSB_TRANSFER_STALL', 4, 'STALL', 'STALL', 'STALL'],
  ['LIBUSB_TRANSFER_NO_DEVICE', 5, 'DEVICE_GONE', 'DEVICE_GONE', 'DEVICE_GONE'],
  ['LIBUSB_TRANSFER_OVERFLOW', 6, 'USB_IO', 'USB_IO', 'USB_IO'],
];

describe('mapLibusbError', () => {
  test('the table covers every libusb name', () => {
    assert.deepEqual(TABLE.map((r) => r[0]).sort(), Object.values(LIBUSB_NAMES).sort());
  });

  for (const [name, errno, linux, win32, darwin] of TABLE) {
    for (const [platform, code] of [
      ['linux', linux],
      ['win32', win32],
      ['darwin', darwin],
    ] as const) {
      test(`${name} on ${platform} → ${code}`, () => {
        const e = mapLibusbError(libusbError(name, errno), { ...ctx, platform });
        assert.ok(e instanceof DfuFlashError);
        assert.equal(e.code, code);
        assert.equal(e.details.libusbError, name);
        assert.equal(e.details.operation, 'open');
        assert.match(e.message, new RegExp(`^open failed on USB device 0483:df11 at 1-1\\.4: .* \\(${name}\\)$`));
        assert.ok(e.hint && e.hint.length > 20, 'every mapped error has a hint');
      });
    }
  }

  test('the name is found from errno when the message is not a libusb name', () => {
    const e = mapLibusbError(Object.assign(new Error('something'), { errno: -6 }), { ...ctx, platform: 'linux' });
    assert.equal(e.code, 'BUSY');
    assert.equal(e.details.libusbError, 'LIBUSB_ERROR_BUSY');
  });

  test('a non-libusb error becomes USB_IO with its message', () => {
    const e = mapLibusbError(new Error('Interface not found for address: 3'), { ...ctx, platform: 'linux' });
    assert.equal(e.code, 'USB_IO');
    assert.equal(e.details.libusbError, null);
    assert.match(e.message, /Interface not found for address: 3/);
  });

  test('a DfuFlashError passes through unchanged', () => {
    const original = new DfuFlashError('TIMEOUT', 'x');
    assert.equal(mapLibusbError(original, ctx), original);
  });

  test('libusbErrorName reads message or errno', () => {
    assert.equal(libusbErrorName(libusbError('LIBUSB_TRANSFER_STALL', 4)), 'LIBUSB_TRANSFER_STALL');
    assert.equal(libusbErrorName({ errno: -3 }), 'LIBUSB_ERROR_ACCESS');
    assert.equal(libusbErrorName(new Error('nope')), undefined);
    assert.equal(libusbErrorName('LIBUSB_ERROR_IO'), undefined);
  });
});

describe('hints', () => {
  test('ACCESS on Linux gives the exact udev rule for the VID:PID and how to load it', () => {
    const e = mapLibusbError(libusbError('LIBUSB_ERROR_ACCESS', -3), { ...ctx, vendorId: 0x1209, productId: 0xdb42, platform: 'linux' });
    assert.equal(
      udevRule(0x1209, 0xdb42),
      'SUBSYSTEM=="usb", ATTRS{idVendor}=="1209", ATTRS{idProduct}=="db42", TAG+="uaccess"',
    );
    assert.ok(e.hint!.includes(udevRule(0x1209, 0xdb42)));
    assert.ok(e.hint!.includes(UDEV_RULES_FILE));
    assert.ok(e.hint!.includes('sudo udevadm control --reload-rules && sudo udevadm trigger'));
    assert.match(e.hint!, /replug/);
  });

  test('ACCESS and NOT_SUPPORTED on Windows explain WinUSB with Zadig', () => {
    for (const [name, errno] of [
      ['LIBUSB_ERROR_ACCESS', -3],
      ['LIBUSB_ERROR_NOT_SUPPORTED', -12],
    ] as const) {
      const e = mapLibusbError(libusbError(name, errno), { ...ctx, platform: 'win32' });
      assert.equal(e.code, 'DRIVER');
      assert.match(e.hint!, /WinUSB/);
      assert.match(e.hint!, /Zadig/);
      assert.match(e.hint!, /0483:df11/);
    }
  });

  test('BUSY names the programs that usually hold a DFU device', () => {
    const e = mapLibusbError(libusbError('LIBUSB_ERROR_BUSY', -6), { ...ctx, platform: 'linux' });
    for (const program of ['dfu-util', 'STM32CubeProgrammer', 'ModemManager']) assert.ok(e.hint!.includes(program), program);
  });

  test('DEVICE_GONE says to replug', () => {
    const e = mapLibusbError(libusbError('LIBUSB_TRANSFER_NO_DEVICE', 5), { ...ctx, platform: 'linux' });
    assert.match(e.hint!, /[Rr]eplug/);
  });
});
