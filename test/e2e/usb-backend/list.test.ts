/** LibusbBackend.list()/open() over scripted RawDevices: what a listing shows, and bad devices. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuFlashError } from '../../../src/shared/errors.js';
import type { DfuDeviceInfo } from '../../../src/transport/types.js';
import { LibusbBackend } from '../../../src/transport/usb/backend.js';
import { describeDevice } from '../../../src/transport/usb/describe-device.js';
import { deviceKey, formatPortPath } from '../../../src/transport/usb/port-path.js';
import type { RawDevice } from '../../../src/transport/usb/raw-device.js';
import { decodeLangIds, decodeStringDescriptor } from '../../../src/transport/descriptors/index.js';
import { ERR, F4_STRINGS, FakeRawDevice, dfuAlt, f4Config, functionalBytes, type FakeOptions } from './fake-raw-device.js';

const OPTS = { platform: 'linux' as const, stringTimeoutMs: 60, deadlineMarginMs: 10, closeWaitMs: 100 };

function f4(o: FakeOptions = {}): FakeRawDevice {
  return new FakeRawDevice({ configs: [f4Config()], strings: F4_STRINGS, ...o });
}

function backendOf(...devices: RawDevice[]): LibusbBackend {
  return new LibusbBackend({ devices: () => devices }, OPTS);
}

describe('list', () => {
  test('an STM32F4 system bootloader: ids, strings, path, four alts, one functional descriptor for all', async () => {
    const [info] = await backendOf(f4()).list();
    assert.ok(info);
    const { alts, ...device } = info;
    assert.deepEqual(device, {
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
      manufacturer: 'STMicroelectronics',
      product: 'STM32  BOOTLOADER',
      serial: '3276376D3334',
    });
    assert.deepEqual(
      alts.map((a) => [a.interfaceNumber, a.alternateSetting, a.interfaceProtocol, a.iInterface, a.name]),
      [
        [0, 0, 2, 4, F4_STRINGS[4]],
        [0, 1, 2, 5, F4_STRINGS[5]],
        [0, 2, 2, 6, F4_STRINGS[6]],
        [0, 3, 2, 7, F4_STRINGS[7]],
      ],
    );
    for (const alt of alts) {
      assert.deepEqual(alt.functional, {
        bLength: 9,
        bmAttributes: 0x0b,
        wDetachTimeOut: 255,
        wTransferSize: 2048,
        bcdDFUVersion: 0x011a,
        canDownload: true,
        canUpload: true,
        manifestationTolerant: false,
        willDetach: true,
      });
    }
  });

  test('functional descriptor: own extra, else configuration extra, else GET_DESCRIPTOR(0x21)', async () => {
    const own = f4({
      configs: [{ bConfigurationValue: 1, extra: new Uint8Array(0), interfaces: [[dfuAlt(0, 0, 4, functionalBytes(0x07, 1024, 0x0110))]] }],
    });
    const inConfig = f4({
      configs: [{ bConfigurationValue: 1, extra: Uint8Array.from(functionalBytes(0x05, 512, 0x0101)), interfaces: [[dfuAlt(0, 0, 4)]] }],
    });
    const byRequest = f4({
      configs: [{ bConfigurationValue: 1, extra: new Uint8Array(0), interfaces: [[dfuAlt(0, 0, 4)]] }],
      answer: (s) => (s.bmRequestType === 0x80 && s.wValue === 0x2100 ? { data: Uint8Array.from(functionalBytes(0x01, 64, 0x0100)) } : undefined),
    });
    const none = f4({ configs: [{ bConfigurationValue: 1, extra: new Uint8Array(0), interfaces: [[dfuAlt(0, 0, 4)]] }] });
    const list = await backendOf(own, inConfig, byRequest, none).list();
    assert.deepEqual(
      list.map((d) => d.alts[0]!.functional && [d.alts[0]!.functional.wTransferSize, d.alts[0]!.functional.bcdDFUVersion]),
      [[1024, 0x0110], [512, 0x0101], [64, 0x0100], undefined],
    );
    assert.equal(own.calls.filter((c) => c.wValue === 0x2100).length, 0, 'no request when the descriptors have it');
    assert.deepEqual(byRequest.calls.filter((c) => c.wValue === 0x2100), [{ bmRequestType: 0x80, bRequest: 6, wValue: 0x2100, wIndex: 0, wLength: 9 }]);
  });

  test('a device that cannot be opened is listed with stringError (ACCESS + udev hint) and no names', async () => {
    const [info] = await backendOf(f4({ openError: ERR.access() })).list();
    assert.ok(info);
    assert.equal(info.serial, undefined);
    assert.equal(info.manufacturer, undefined);
    assert.deepEqual(info.alts.map((a) => a.name), [undefined, undefined, undefined, undefined]);
    assert.equal(info.stringError?.code, 'ACCESS');
    assert.equal(info.stringError?.message, 'open failed on USB device 0483:df11 at 1-1.4: permission denied (LIBUSB_ERROR_ACCESS)');
    assert.ok(info.stringError?.hint?.includes('ATTRS{idVendor}=="0483", ATTRS{idProduct}=="df11"'));
    assert.equal(info.alts[0]!.functional?.wTransferSize, 2048, 'descriptors still known');
  });

  test('a string that stalls is reported; the other strings are still read', async () => {
    const strings = { ...F4_STRINGS } as Record<number, string>;
    delete strings[3];
    delete strings[5];
    const [info] = await backendOf(f4({ strings })).list();
    assert.ok(info);
    assert.equal(info.serial, undefined);
    assert.equal(info.product, 'STM32  BOOTLOADER');
    assert.equal(info.stringError?.code, 'STALL');
    assert.match(info.stringError!.message, /^GET_DESCRIPTOR \(bmRequestType 0x80, wValue 0x0303, wIndex 1033, wLength 255\) failed/);
    assert.deepEqual(info.alts.map((a) => a.name), [F4_STRINGS[4], undefined, F4_STRINGS[6], F4_STRINGS[7]]);
    assert.match(info.alts[1]!.nameError!, /LIBUSB_TRANSFER_STALL/);
  });

  test('a silent device costs one timeout, not one per string, and is still listed', async () => {
    const silent = f4({ answer: (s) => (s.wValue === 0x0301 ? 'silent' : undefined) });
    const t0 = performance.now();
    const [info] = await backendOf(silent).list();
    assert.ok(performance.now() - t0 < 1000);
    assert.ok(info);
    assert.equal(info.stringError?.code, 'TIMEOUT');
    assert.deepEqual(info.alts.map((a) => [a.name, a.nameError]), Array(4).fill([undefined, info.stringError?.message]));
    assert.equal(silent.calls.length, 2, 'LANGID table, manufacturer, then stop');
    assert.equal(silent.opened, false, 'closed again');
  });

  test('non-DFU devices and devices whose descriptors cannot be read are skipped; the others still listed', async () => {
    const hid = new FakeRawDevice({
      descriptor: { idVendor: 0x046d, idProduct: 0xc077 },
      configs: [{ bConfigurationValue: 1, extra: new Uint8Array(0), interfaces: [[{ ...dfuAlt(0, 0, 0), bInterfaceClass: 3, bInterfaceSubClass: 1 }]] }],
    });
    const broken = new FakeRawDevice({ configError: ERR.io() });
    const second = f4({ deviceAddress: 9, portNumbers: [2], strings: { ...F4_STRINGS, 3: 'SECOND' } });
    const list = await backendOf(hid, broken, f4(), second).list();
    assert.deepEqual(list.map((d) => [d.key, d.serial]), [
      ['usb:1-1.4:5', '3276376D3334'],
      ['usb:1-2:9', 'SECOND'],
    ]);
    assert.equal(hid.opened || hid.log.includes('open'), false, 'non-DFU devices are never opened');
  });

  test('runtime and DFU-mode interfaces are both listed, other interfaces are not', async () => {
    const app = f4({
      configs: [
        {
          bConfigurationValue: 1,
          extra: new Uint8Array(0),
          interfaces: [
            [{ ...dfuAlt(0, 0, 0), bInterfaceClass: 2, bInterfaceSubClass: 2 }],
            [{ ...dfuAlt(1, 0, 5, functionalBytes(0x09, 1024)), bInterfaceProtocol: 1 }],
          ],
        },
      ],
    });
    const [info] = await backendOf(app).list();
    assert.deepEqual(info!.alts.map((a) => [a.interfaceNumber, a.interfaceProtocol, a.name]), [[1, 1, F4_STRINGS[5]]]);
  });
});

describe('open', () => {
  test('open finds the listed device again and returns a transport that talks to it', async () => {
    const device = f4({ answer: (s) => (s.bRequest === 3 && s.bmRequestType === 0xa1 ? { data: Uint8Array.from([0, 0, 0, 0, 2, 0]) } : undefined) });
    const backend = backendOf(device);
    const [info] = await backend.list();
    const t = await backend.open(info!);
    assert.equal(t.info, info);
    const status = await t.controlIn({ bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 6 }, { timeoutMs: 100 });
    assert.equal(status[4], 2);
    await t.close();
  });

  test('a device that is gone since listing → DEVICE_GONE; one that cannot be opened → ACCESS', async () => {
    const listed = (await backendOf(f4()).list())[0] as DfuDeviceInfo;
    await assert.rejects(backendOf().open(listed), (e: unknown) => e instanceof DfuFlashError && e.code === 'DEVICE_GONE' && /1-1\.4 \(address 5\) is no longer on the bus/.test(e.message));
    await assert.rejects(backendOf(f4({ openError: ERR.access() })).open(listed), (e: unknown) => e instanceof DfuFlashError && e.code === 'ACCESS');
  });
});

describe('small parts', () => {
  test('port path and key', () => {
    assert.equal(formatPortPath(1, [1, 4]), '1-1.4');
    assert.equal(formatPortPath(3, [2]), '3-2');
    assert.equal(formatPortPath(2, []), '2');
    assert.equal(deviceKey('1-1.4', 77), 'usb:1-1.4:77');
  });

  test('string descriptors: normal, truncated (bLength larger than sent), odd length, not a string', () => {
    assert.equal(decodeStringDescriptor(Uint8Array.from([8, 3, 0x53, 0, 0x54, 0, 0x4d, 0])), 'STM');
    assert.equal(decodeStringDescriptor(Uint8Array.from([40, 3, 0x53, 0, 0x54, 0])), 'ST');
    assert.equal(decodeStringDescriptor(Uint8Array.from([7, 3, 0x53, 0, 0x54, 0, 0x4d])), 'ST');
    assert.equal(decodeStringDescriptor(Uint8Array.from([6, 3, 0xac, 0x20, 0x41, 0])), '€A');
    assert.equal(decodeStringDescriptor(Uint8Array.from([4, 2, 0x41, 0])), undefined);
    assert.deepEqual(decodeLangIds(Uint8Array.from([6, 3, 0x09, 0x04, 0x07, 0x04])), [0x0409, 0x0407]);
    assert.deepEqual(decodeLangIds(Uint8Array.from([2, 3])), []);
  });

  test('describeDevice never throws for a device whose open throws something odd', async () => {
    const info = await describeDevice(f4({ openError: new Error('weird') }), OPTS);
    assert.equal(info?.stringError?.code, 'USB_IO');
  });
});
