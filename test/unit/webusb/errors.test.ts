/** WebUSB failures as typed errors, per platform; setup packets; capabilities; filters and NEEDS_PERMISSION. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuFlashError } from '../../../src/shared/errors.js';
import { detectPlatform, dfuDeviceFilters, fromWebUsbSetup, mapWebUsbError, needsPermissionError, toWebUsbSetup, webUsbBackend, webUsbCapabilities, type WebUsbPlatform } from '../../../src/transport/webusb/index.js';
import type { WebUsbOperationKind } from '../../../src/transport/webusb/webusb-errors.js';
import { domError } from '../../../src/sim/webusb/dom-errors.js';

const ctx = (kind: WebUsbOperationKind, platform: WebUsbPlatform = 'linux', connected = true) => ({
  kind,
  operation: kind,
  vendorId: 0x0483,
  productId: 0xdf11,
  platform,
  connected,
});

const table: { name: string; message: string; kind: WebUsbOperationKind; platform?: WebUsbPlatform; connected?: boolean; code: string; hint: RegExp }[] = [
  { name: 'SecurityError', message: 'Access denied.', kind: 'open', code: 'ACCESS', hint: /ATTRS\{idVendor\}=="0483", ATTRS\{idProduct\}=="df11", TAG\+="uaccess"/ },
  { name: 'SecurityError', message: 'Access denied.', kind: 'open', platform: 'windows', code: 'ACCESS', hint: /WinUSB.*simply absent.*Zadig/s },
  { name: 'SecurityError', message: 'Access denied.', kind: 'open', platform: 'macos', code: 'ACCESS', hint: /another program/ },
  { name: 'SecurityError', message: 'Access to the feature "usb" is disallowed by permissions policy.', kind: 'list', code: 'ACCESS', hint: /allow="usb"/ },
  { name: 'NetworkError', message: 'A transfer error has occurred.', kind: 'transfer', code: 'DEVICE_GONE', hint: /left the bus/ },
  { name: 'NotFoundError', message: 'The device was disconnected.', kind: 'transfer', code: 'DEVICE_GONE', hint: /left the bus/ },
  { name: 'AbortError', message: 'The transfer was cancelled.', kind: 'transfer', connected: false, code: 'DEVICE_GONE', hint: /left the bus/ },
  { name: 'AbortError', message: 'The transfer was cancelled.', kind: 'transfer', code: 'USB_IO', hint: /replug/ },
  { name: 'NetworkError', message: 'Unable to claim interface.', kind: 'claim', code: 'BUSY', hint: /another browser tab/ },
  { name: 'NetworkError', message: 'Unable to set device interface.', kind: 'alt', code: 'STALL', hint: /alt setting/ },
  { name: 'NotFoundError', message: 'The interface number provided is not supported by the device in its current configuration.', kind: 'transfer', code: 'USB_IO', hint: /replug/ },
  { name: 'InvalidStateError', message: 'The device must be opened first.', kind: 'transfer', code: 'USB_IO', hint: /replug/ },
];

for (const row of table) {
  test(`${row.name} "${row.message}" in ${row.kind} on ${row.platform ?? 'linux'}${row.connected === false ? ' (device gone)' : ''} → ${row.code}`, () => {
    const e = mapWebUsbError(domError(row.name, row.message), ctx(row.kind, row.platform, row.connected ?? true));
    assert.equal(e.code, row.code);
    assert.match(e.hint ?? '', row.hint);
    assert.ok(e.message.includes(JSON.stringify(row.message)), 'the browser wording is kept, quoted');
    assert.equal(e.details.webUsbError, row.name);
  });
}

test('SETUP packets: DFU class requests to the interface and GET_DESCRIPTOR to the device, both ways', () => {
  const getStatus = { bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 };
  assert.deepEqual(toWebUsbSetup(getStatus), { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 });
  assert.deepEqual(fromWebUsbSetup(toWebUsbSetup(getStatus), true, 6), getStatus);
  const dnload = { bmRequestType: 0x21, bRequest: 1, wValue: 2, wIndex: 0, wLength: 2048 };
  assert.deepEqual(fromWebUsbSetup(toWebUsbSetup(dnload), false, 2048), dnload);
  const config = { bmRequestType: 0x80, bRequest: 6, wValue: 0x0200, wIndex: 0, wLength: 9 };
  assert.deepEqual(toWebUsbSetup(config), { requestType: 'standard', recipient: 'device', request: 6, value: 0x0200, index: 0 });
  assert.throws(() => toWebUsbSetup({ ...config, bmRequestType: 0xe0 }), (e: unknown) => isDfuFlashError(e, 'INTERNAL'));
});

test('capabilities per platform: usbfs limit on Linux, no reset on Windows, never stable port paths, new devices need permission', () => {
  assert.deepEqual(webUsbCapabilities('linux'), { maxControlTransferBytes: 4096, canReset: true, stablePortPaths: false, newDevicesNeedPermission: true });
  assert.deepEqual(webUsbCapabilities('windows'), { maxControlTransferBytes: undefined, canReset: false, stablePortPaths: false, newDevicesNeedPermission: true });
  assert.equal(webUsbCapabilities('macos').canReset, true);
  assert.equal(webUsbCapabilities('android').maxControlTransferBytes, 4096);
});

test('platform from the user agent', () => {
  assert.equal(detectPlatform({ userAgentData: { platform: 'Windows' } }), 'windows');
  assert.equal(detectPlatform({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36' }), 'linux');
  assert.equal(detectPlatform({ userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/156.0 Mobile' }), 'android');
  assert.equal(detectPlatform({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/156.0' }), 'macos');
  assert.equal(detectPlatform({ userAgent: 'Mozilla/5.0 (X11; CrOS x86_64 15000.0.0) Chrome/156.0' }), 'chromeos');
  assert.equal(detectPlatform({}), 'other');
});

test('filters: the DFU interface class, narrowed to VID:PIDs when given; NEEDS_PERMISSION carries them', () => {
  assert.deepEqual(dfuDeviceFilters(), [{ classCode: 0xfe, subclassCode: 0x01 }]);
  assert.deepEqual(dfuDeviceFilters([{ vendorId: 0x0483, productId: 0xdf11 }, { vendorId: 0x1209 }]), [
    { vendorId: 0x0483, productId: 0xdf11, classCode: 0xfe, subclassCode: 0x01 },
    { vendorId: 0x1209, classCode: 0xfe, subclassCode: 0x01 },
  ]);
  const filters = dfuDeviceFilters([{ vendorId: 0x0483 }]);
  const e = needsPermissionError(filters, { reason: 'after DFU_DETACH, the board re-enumerated', details: { phase: 'detach' } });
  assert.equal(e.code, 'NEEDS_PERMISSION');
  assert.deepEqual(e.details, { reason: 'needs-permission', phase: 'detach', filters });
  assert.match(e.message, /after DFU_DETACH, the board re-enumerated.*vendor 0483/);
  assert.match(e.hint ?? '', /requestDevice\(\{ filters: error\.details\.filters \}\)/);
});

test('a browser without WebUSB: UNSUPPORTED, naming the browsers that have it', () => {
  assert.throws(
    () => webUsbBackend(undefined),
    (e: unknown) => isDfuFlashError(e, 'UNSUPPORTED') && /Firefox and Safari/.test(e.hint ?? ''),
  );
});
