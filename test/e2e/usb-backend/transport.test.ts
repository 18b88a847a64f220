/** LibusbTransport over a scripted RawDevice: our own deadline, late completions, close(). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuFlashError } from '../../../src/shared/errors.js';
import type { DfuDeviceInfo, SetupPacket } from '../../../src/transport/types.js';
import { LibusbTransport } from '../../../src/transport/usb/transport.js';
import { ERR, FakeRawDevice, type FakeOptions } from './fake-raw-device.js';

const GETSTATUS: SetupPacket = { bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 };
const DNLOAD = (block: number, length: number): SetupPacket => ({ bmRequestType: 0x21, bRequest: 1, wValue: block, wIndex: 0, wLength: length });

const INFO: DfuDeviceInfo = {
  key: 'usb:1-1.4:5',
  vendorId: 0x0483,
  productId: 0xdf11,
  bcdDevice: 0x2200,
  bcdUSB: 0x0200,
  bMaxPacketSize0: 64,
  busNumber: 1,
  deviceAddress: 5,
  portPath: '1-1.4',
  configurationValue: 1,
  alts: [],
};

function open(o: FakeOptions, margin = 20): { raw: FakeRawDevice; t: LibusbTransport } {
  const raw = new FakeRawDevice(o);
  raw.open();
  return { raw, t: new LibusbTransport(INFO, raw, { platform: 'linux', deadlineMarginMs: margin, callTimeoutMs: 100, closeWaitMs: 200 }) };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<DfuFlashError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DfuFlashError, `expected DfuFlashError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, got success`);
}

describe('LibusbTransport transfers', () => {
  test('controlIn returns the device bytes; controlOut sends', async () => {
    const { raw, t } = open({ answer: (s) => (s.bRequest === 3 ? { data: Uint8Array.from([0, 5, 0, 0, 2, 0]) } : { data: new Uint8Array(0) }) });
    assert.deepEqual([...(await t.controlIn(GETSTATUS, { timeoutMs: 100 }))], [0, 5, 0, 0, 2, 0]);
    await t.controlOut(DNLOAD(2, 3), Uint8Array.from([1, 2, 3]), { timeoutMs: 100 });
    assert.deepEqual(raw.calls, [GETSTATUS, DNLOAD(2, 3)]);
  });

  test('direction and wLength are checked before anything is sent', async () => {
    const { raw, t } = open({});
    await rejectsWith(t.controlOut(DNLOAD(2, 4), Uint8Array.from([1, 2, 3]), { timeoutMs: 100 }), 'INTERNAL');
    await rejectsWith(t.controlIn(DNLOAD(2, 0), { timeoutMs: 100 }), 'INTERNAL');
    assert.equal(raw.calls.length, 0);
  });

  test('a silent device ends in TIMEOUT at our deadline, and the transfer is cancelled', async () => {
    const { raw, t } = open({ answer: () => 'silent' });
    const t0 = performance.now();
    const e = await rejectsWith(t.controlIn({ ...GETSTATUS, wValue: 0x1234 }, { timeoutMs: 80 }), 'TIMEOUT');
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 95, `deadline at timeout + margin, not before: took ${elapsed} ms`);
    assert.equal(
      e.message,
      'DFU_GETSTATUS (bmRequestType 0xa1, wValue 0x1234, wIndex 0, wLength 6) to USB device 0483:df11 at 1-1.4 got no answer within 80 ms',
    );
    assert.deepEqual(
      { request: e.details.request, wValue: e.details.wValue, timeoutMs: e.details.timeoutMs, ownDeadline: e.details.ownDeadline },
      { request: 'DFU_GETSTATUS', wValue: 0x1234, timeoutMs: 80, ownDeadline: true },
    );
    assert.ok(e.hint);
    assert.deepEqual(raw.log, ['open', 'cancel 0']);
  });

  test("a late answer to a timed-out transfer never leaks into the next transfer's result", async () => {
    const { t } = open({
      answer: (_s, call) => (call === 0 ? { data: Uint8Array.from([0xee, 0xee]), delayMs: 150 } : { data: Uint8Array.from([call]), delayMs: 5 }),
      cancelIgnoredMs: 150, // libusb does not give the transfer back for a while
    });
    await rejectsWith(t.controlIn(GETSTATUS, { timeoutMs: 30 }), 'TIMEOUT');
    const second = await t.controlIn(GETSTATUS, { timeoutMs: 500 });
    const third = await t.controlIn(GETSTATUS, { timeoutMs: 500 });
    assert.deepEqual([...second, ...third], [1, 2]);
    await new Promise((r) => setTimeout(r, 200)); // the first one comes back now: nothing may happen
    assert.deepEqual([...(await t.controlIn(GETSTATUS, { timeoutMs: 500 }))], [3]);
    await t.close();
  });

  test('libusb\'s own timeout reads like ours', async () => {
    const { t } = open({ answer: () => ({ error: Object.assign(new Error('LIBUSB_TRANSFER_TIMED_OUT'), { errno: 2 }), delayMs: 5 }) });
    const e = await rejectsWith(t.controlIn(GETSTATUS, { timeoutMs: 100 }), 'TIMEOUT');
    assert.match(e.message, /got no answer within 100 ms$/);
    assert.equal(e.details.libusbError, 'LIBUSB_TRANSFER_TIMED_OUT');
    assert.equal(e.details.ownDeadline, false);
  });

  const errorTable: [string, () => Error, string][] = [
    ['stall', ERR.stall, 'STALL'],
    ['device gone', ERR.transferNoDevice, 'DEVICE_GONE'],
    ['I/O error', ERR.io, 'USB_IO'],
  ];
  for (const [what, error, code] of errorTable) {
    test(`a ${what} becomes ${code} with the request in the message`, async () => {
      const { t } = open({ answer: () => ({ error: error() }) });
      const e = await rejectsWith(t.controlOut(DNLOAD(0, 0), new Uint8Array(0), { timeoutMs: 100 }), code);
      assert.match(e.message, /^DFU_DNLOAD \(bmRequestType 0x21, wValue 0x0000, wIndex 0, wLength 0\) failed on USB device 0483:df11 at 1-1\.4: /);
      assert.equal(e.details.request, 'DFU_DNLOAD');
    });
  }
});

describe('LibusbTransport interface calls', () => {
  test('claim errors are mapped (BUSY)', async () => {
    const { t } = open({ claimError: ERR.busy() });
    const e = await rejectsWith(t.claimInterface(0), 'BUSY');
    assert.match(e.message, /^claim interface 0 failed on USB device 0483:df11 at 1-1\.4: resource busy \(LIBUSB_ERROR_BUSY\)$/);
  });

  test('SET_INTERFACE that never finishes ends in TIMEOUT', async () => {
    const { t } = open({ setAlt: 'never' });
    const e = await rejectsWith(t.setAltSetting(0, 3), 'TIMEOUT');
    assert.match(e.message, /SET_INTERFACE \(interface 0, alt 3\) on USB device 0483:df11 at 1-1\.4 did not finish within 100 ms/);
  });

  test('a device that leaves the bus during reset is not an error; other failures are', async () => {
    for (const gone of [ERR.notFound(), ERR.noDevice()]) {
      const { t } = open({ reset: gone });
      await t.reset();
    }
    const { t } = open({ reset: ERR.io() });
    await rejectsWith(t.reset(), 'USB_IO');
  });
});

describe('LibusbTransport close', () => {
  test('close cancels what is in flight, releases claimed interfaces, then closes', async () => {
    const { raw, t } = open({ answer: () => 'silent' });
    await t.claimInterface(0);
    const pending = t.controlIn(GETSTATUS, { timeoutMs: 10_000 });
    pending.catch(() => undefined);
    await t.close();
    assert.deepEqual(raw.log, ['open', 'claim 0', 'cancel 0', 'release 0', 'close']);
    assert.equal(raw.opened, false);
  });

  test('close is safe twice and calls after close fail as INTERNAL', async () => {
    const { raw, t } = open({});
    await Promise.all([t.close(), t.close()]);
    await t.close();
    assert.equal(raw.closeCount, 1);
    await rejectsWith(t.controlIn(GETSTATUS, { timeoutMs: 100 }), 'INTERNAL');
  });

  test('close never throws, even when the handle cannot be closed', async () => {
    const { raw, t } = open({ closeAlwaysThrows: true });
    await t.close();
    assert.ok(raw.closeCount >= 2, 'retried');
  });

  test('close after a timeout waits for the cancelled transfer, then closes', async () => {
    const { raw, t } = open({ answer: () => 'silent', cancelDelayMs: 40 });
    await rejectsWith(t.controlIn(GETSTATUS, { timeoutMs: 20 }), 'TIMEOUT');
    await t.close();
    assert.equal(raw.pending, 0);
    assert.equal(raw.opened, false);
  });
});
