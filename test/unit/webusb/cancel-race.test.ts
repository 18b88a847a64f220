/**
 * A board pulled out mid-transfer, as Chromium reports it: the transfer
 * rejects with AbortError ("The transfer was cancelled.") a moment before the
 * `disconnect` event. The transfer waits (bounded) for the event, so the
 * error is DEVICE_GONE; a cancellation with the device still there stays USB_IO.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuFlashError } from '../../../src/shared/errors.js';
import { webUsbControlOut, type ControlContext } from '../../../src/transport/webusb/control.js';
import type { WebUsbDevice } from '../../../src/transport/webusb/webusb-types.js';

const DNLOAD = { bmRequestType: 0x21, bRequest: 1, wValue: 2, wIndex: 0, wLength: 4 };

function context(disconnectAfterMs: number | undefined): ControlContext {
  let connected = true;
  const device = {
    vendorId: 0x0483,
    productId: 0xdf11,
    controlTransferOut: async () => {
      if (disconnectAfterMs !== undefined) setTimeout(() => (connected = false), disconnectAfterMs);
      throw new DOMException("Failed to execute 'controlTransferOut' on 'USBDevice': The transfer was cancelled.", 'AbortError');
    },
  } as unknown as WebUsbDevice;
  return { device, where: 'USB device 0483:df11 (webusb-1)', platform: 'linux', connected: () => connected };
}

test('AbortError, then the disconnect event: DEVICE_GONE', async () => {
  await assert.rejects(webUsbControlOut(context(30), DNLOAD, new Uint8Array(4), { timeoutMs: 1000 }), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
});

test('AbortError, the device still there: USB_IO', async () => {
  await assert.rejects(webUsbControlOut(context(undefined), DNLOAD, new Uint8Array(4), { timeoutMs: 1000 }), (e: unknown) => isDfuFlashError(e, 'USB_IO'));
});
