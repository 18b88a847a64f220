import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/transport/clock.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { createSimDevice, type SimDevice } from '../../src/sim/index.js';
import { parseConfigurationDescriptor } from '../../src/transport/descriptors/index.js';
import type { SetupPacket } from '../../src/transport/types.js';

const F4_ALTS = [
  '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  '@Option Bytes  /0x1FFFC000/01*016 g',
  '@OTP Memory /0x1FFF7800/01*512 g,01*016 g',
  '@Device Feature/0xFFFF0000/01*004 g',
];

function getDesc(type: number, index: number, wLength: number, wIndex = 0, bmRequestType = 0x80): SetupPacket {
  return { bmRequestType, bRequest: 6, wValue: (type << 8) | index, wIndex, wLength };
}

async function ack(d: SimDevice, setup: SetupPacket, data?: Uint8Array): Promise<Uint8Array> {
  const r = await d.control(setup, data);
  assert.equal(r.kind, 'ack', `${JSON.stringify(setup)} → ${r.kind}`);
  return r.kind === 'ack' ? (r.data ?? new Uint8Array(0)) : new Uint8Array(0);
}

function utf16(s: string): number[] {
  return [...s].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]);
}

function device(profile: string): SimDevice {
  return createSimDevice(profile, { clock: new FakeClock() });
}

describe('device descriptors per profile', () => {
  const table = [
    { profile: 'stm32f4-sysboot', bcdUSB: 0x0100, vid: 0x0483, pid: 0xdf11, bcdDevice: 0x2200, alts: 4, proto: 2, attrs: 0x0b, xfer: 2048, ver: 0x011a },
    { profile: 'stm32f1-cubemx', bcdUSB: 0x0200, vid: 0x0483, pid: 0xdf11, bcdDevice: 0x0200, alts: 1, proto: 2, attrs: 0x0b, xfer: 1024, ver: 0x011a },
    { profile: 'dapboot', bcdUSB: 0x0210, vid: 0x1209, pid: 0xdb42, bcdDevice: 0x0111, alts: 1, proto: 2, attrs: 0x0b, xfer: 1024, ver: 0x0110 },
    { profile: 'runtime-app', bcdUSB: 0x0200, vid: 0x0483, pid: 0x5740, bcdDevice: 0x0200, alts: 1, proto: 1, attrs: 0x0b, xfer: 2048, ver: 0x011a },
    { profile: 'runtime-app-reset', bcdUSB: 0x0200, vid: 0x0483, pid: 0x5740, bcdDevice: 0x0200, alts: 1, proto: 1, attrs: 0x03, xfer: 2048, ver: 0x011a },
  ];
  for (const row of table) {
    test(`${row.profile}: device descriptor and configuration parse back to the profile`, async () => {
      const d = device(row.profile);
      const dd = await ack(d, getDesc(1, 0, 18));
      assert.equal(dd.length, 18);
      assert.deepEqual(
        { bLength: dd[0], type: dd[1], bcdUSB: dd[2]! | (dd[3]! << 8), maxPacket: dd[7], vid: dd[8]! | (dd[9]! << 8), pid: dd[10]! | (dd[11]! << 8), bcdDevice: dd[12]! | (dd[13]! << 8), configs: dd[17] },
        { bLength: 18, type: 1, bcdUSB: row.bcdUSB, maxPacket: 64, vid: row.vid, pid: row.pid, bcdDevice: row.bcdDevice, configs: 1 },
      );
      const cfg = parseConfigurationDescriptor(d.descriptors().configuration);
      assert.equal(cfg.configurationValue, 1);
      assert.equal(cfg.dfuAlts.length, row.alts);
      for (const [i, alt] of cfg.dfuAlts.entries()) {
        assert.equal(alt.alternateSetting, i);
        assert.equal(alt.interfaceNumber, 0);
        assert.equal(alt.interfaceProtocol, row.proto);
        assert.ok(alt.functional);
        assert.equal(alt.functional.bmAttributes, row.attrs);
        assert.equal(alt.functional.wTransferSize, row.xfer);
        assert.equal(alt.functional.bcdDFUVersion, row.ver);
        assert.equal(alt.functional.bLength, 9);
      }
    });
  }
});

describe('stm32f4-sysboot descriptors (real dump: stm32f4discovery.lsusb)', () => {
  test('configuration is 54 bytes: 4 alts, one functional descriptor after the last', () => {
    const d = device('stm32f4-sysboot');
    const c = d.descriptors().configuration;
    assert.equal(c.length, 54);
    assert.equal(c[2]! | (c[3]! << 8), 54);
    assert.deepEqual([...c.subarray(45, 54)], [9, 0x21, 0x0b, 255, 0, 0x00, 0x08, 0x1a, 0x01]);
    assert.equal(c[7], 0xc0);
    const cfg = parseConfigurationDescriptor(c);
    assert.deepEqual(cfg.interfaces.map((i) => [i.alternateSetting, i.iInterface, i.interfaceClass, i.interfaceSubClass]), [
      [0, 4, 0xfe, 1],
      [1, 5, 0xfe, 1],
      [2, 6, 0xfe, 1],
      [3, 7, 0xfe, 1],
    ]);
    assert.equal(cfg.interfaces[0]!.extra.length, 0);
    assert.equal(cfg.interfaces[3]!.extra.length, 9);
    assert.equal(cfg.dfuAlts[0]!.functional!.wDetachTimeOut, 255);
  });

  test('all four alt strings are byte-exact UTF-16LE string descriptors', async () => {
    const d = device('stm32f4-sysboot');
    for (const [alt, s] of F4_ALTS.entries()) {
      const bytes = await ack(d, getDesc(3, 4 + alt, 255, 0x0409));
      assert.deepEqual([...bytes], [2 + s.length * 2, 3, ...utf16(s)]);
    }
  });

  test('manufacturer, product (two spaces) and serial strings', async () => {
    const d = device('stm32f4-sysboot');
    const dd = d.descriptors().device;
    assert.deepEqual([dd[14], dd[15], dd[16]], [1, 2, 3]);
    const str = async (i: number) => Buffer.from((await ack(d, getDesc(3, i, 255, 0x0409))).subarray(2)).toString('utf16le');
    assert.equal(await str(1), 'STMicroelectronics');
    assert.equal(await str(2), 'STM32  BOOTLOADER');
    assert.equal(await str(3), '315A28A0B956');
  });

  test('serial option overrides the profile serial', async () => {
    const d = createSimDevice('stm32f4-sysboot', { clock: new FakeClock(), serial: 'ABCDEF012345' });
    const b = await ack(d, getDesc(3, 3, 255, 0x0409));
    assert.equal(Buffer.from(b.subarray(2)).toString('utf16le'), 'ABCDEF012345');
  });
});

describe('standard requests', () => {
  test('GET_DESCRIPTOR configuration honours wLength: 9 bytes first, then the full length', async () => {
    const d = device('stm32f4-sysboot');
    const head = await ack(d, getDesc(2, 0, 9));
    assert.equal(head.length, 9);
    const full = await ack(d, getDesc(2, 0, head[2]! | (head[3]! << 8)));
    assert.deepEqual(full, d.descriptors().configuration);
    const more = await ack(d, getDesc(2, 0, 4096));
    assert.equal(more.length, 54);
  });

  test('string index 0 is the LANGID table (0x0409)', async () => {
    const d = device('dapboot');
    assert.deepEqual([...(await ack(d, getDesc(3, 0, 255)))], [4, 3, 0x09, 0x04]);
  });

  test('dapboot: iInterface 4 "DAPBoot DFU", BOS for bcdUSB 2.10', async () => {
    const d = device('dapboot');
    const cfg = parseConfigurationDescriptor(d.descriptors().configuration);
    assert.equal(cfg.dfuAlts[0]!.iInterface, 4);
    assert.equal(Buffer.from((await ack(d, getDesc(3, 4, 255, 0x0409))).subarray(2)).toString('utf16le'), 'DAPBoot DFU');
    const bos = await ack(d, getDesc(0x0f, 0, 255));
    assert.deepEqual([bos[0], bos[1], bos[2]! | (bos[3]! << 8), bos[4]], [5, 0x0f, bos.length, 1]);
    assert.equal((await device('stm32f4-sysboot').control(getDesc(0x0f, 0, 255))).kind, 'stall');
  });

  test('cubemx alt name sits at string index 6', async () => {
    const d = device('stm32f1-cubemx');
    const cfg = parseConfigurationDescriptor(d.descriptors().configuration);
    assert.equal(cfg.dfuAlts[0]!.iInterface, 6);
    const s = Buffer.from((await ack(d, getDesc(3, 6, 255, 0x0409))).subarray(2)).toString('utf16le');
    assert.equal(s, '@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg');
  });

  test('DFU functional descriptor by GET_DESCRIPTOR 0x21 to the interface', async () => {
    const d = device('dapboot');
    const f = await ack(d, getDesc(0x21, 0, 9, 0, 0x81));
    assert.deepEqual([...f], [9, 0x21, 0x0b, 255, 0, 0x00, 0x04, 0x10, 0x01]);
    assert.equal((await d.control(getDesc(0x21, 0, 9, 5, 0x81))).kind, 'stall');
  });

  test('GET_STATUS returns 2 bytes (self powered), GET/SET_CONFIGURATION, GET_INTERFACE', async () => {
    const d = device('stm32f4-sysboot');
    assert.deepEqual([...(await ack(d, { bmRequestType: 0x80, bRequest: 0, wValue: 0, wIndex: 0, wLength: 2 }))], [1, 0]);
    assert.deepEqual([...(await ack(d, { bmRequestType: 0x81, bRequest: 0, wValue: 0, wIndex: 0, wLength: 2 }))], [0, 0]);
    assert.deepEqual([...(await ack(d, { bmRequestType: 0x80, bRequest: 8, wValue: 0, wIndex: 0, wLength: 1 }))], [1]);
    await ack(d, { bmRequestType: 0x00, bRequest: 9, wValue: 0, wIndex: 0, wLength: 0 });
    assert.deepEqual([...(await ack(d, { bmRequestType: 0x80, bRequest: 8, wValue: 0, wIndex: 0, wLength: 1 }))], [0]);
    await ack(d, { bmRequestType: 0x00, bRequest: 9, wValue: 1, wIndex: 0, wLength: 0 });
    assert.equal((await d.control({ bmRequestType: 0x00, bRequest: 9, wValue: 2, wIndex: 0, wLength: 0 })).kind, 'stall');
    assert.ok(d.setAltSetting(0, 2));
    assert.deepEqual([...(await ack(d, { bmRequestType: 0x81, bRequest: 10, wValue: 0, wIndex: 0, wLength: 1 }))], [2]);
    assert.equal(d.setAltSetting(0, 4), false);
    assert.equal(d.setAltSetting(3, 0), false);
  });

  const stalls: [string, SetupPacket][] = [
    ['SET_FEATURE', { bmRequestType: 0x00, bRequest: 3, wValue: 1, wIndex: 0, wLength: 0 }],
    ['SYNCH_FRAME', { bmRequestType: 0x82, bRequest: 12, wValue: 0, wIndex: 0, wLength: 2 }],
    ['unknown standard request 0x42', { bmRequestType: 0x80, bRequest: 0x42, wValue: 0, wIndex: 0, wLength: 2 }],
    ['vendor request', { bmRequestType: 0xc0, bRequest: 1, wValue: 0, wIndex: 0, wLength: 2 }],
    ['string index with no string', { bmRequestType: 0x80, bRequest: 6, wValue: 0x0309, wIndex: 0x0409, wLength: 255 }],
    ['GET_DESCRIPTOR sent as OUT', { bmRequestType: 0x00, bRequest: 6, wValue: 0x0100, wIndex: 0, wLength: 0 }],
    ['DFU request to a non-DFU interface', { bmRequestType: 0xa1, bRequest: 3, wValue: 0, wIndex: 1, wLength: 6 }],
  ];
  for (const [name, setup] of stalls) {
    test(`${name} stalls and leaves the DFU state alone`, async () => {
      const d = device('stm32f1-cubemx');
      assert.equal((await d.control(setup)).kind, 'stall');
      assert.equal(d.stateName, 'dfuIDLE');
      assert.equal(d.transcript.at(-1)!.result, 'stall');
    });
  }
});

describe('parseConfigurationDescriptor', () => {
  test('runtime-app: skips the vendor interface, finds the runtime DFU alt', () => {
    const cfg = parseConfigurationDescriptor(device('runtime-app').descriptors().configuration);
    assert.equal(cfg.numInterfaces, 2);
    assert.equal(cfg.interfaces.length, 2);
    assert.deepEqual(
      cfg.dfuAlts.map((a) => [a.interfaceNumber, a.alternateSetting, a.interfaceProtocol]),
      [[0, 0, 1]],
    );
  });

  test('a functional descriptor before the first interface applies to DFU alts without their own', () => {
    const bytes = Uint8Array.from([
      9, 2, 36, 0, 1, 1, 0, 0x80, 50,
      9, 0x21, 0x07, 0x88, 0x13, 0xff, 0x03, 0x00, 0x01,
      9, 4, 0, 0, 0, 0xfe, 1, 0, 0,
      9, 4, 0, 1, 0, 0xfe, 1, 0, 0,
    ]);
    const cfg = parseConfigurationDescriptor(bytes);
    assert.equal(cfg.dfuAlts.length, 2);
    assert.equal(cfg.dfuAlts[1]!.functional!.wTransferSize, 1023);
    assert.equal(cfg.dfuAlts[1]!.functional!.wDetachTimeOut, 5000);
    assert.equal(cfg.dfuAlts[1]!.functional!.manifestationTolerant, true);
  });

  test('a 7-byte functional descriptor is DFU 1.0; endpoints are not "extra"', () => {
    const bytes = Uint8Array.from([
      9, 2, 32, 0, 1, 1, 0, 0x80, 50,
      9, 4, 2, 0, 1, 0xfe, 1, 2, 0,
      7, 5, 0x81, 3, 8, 0, 10,
      7, 0x21, 0x01, 0xff, 0xff, 0x00, 0x08,
    ]);
    const cfg = parseConfigurationDescriptor(bytes);
    assert.equal(cfg.interfaces[0]!.extra.length, 7);
    assert.deepEqual(
      { v: cfg.dfuAlts[0]!.functional!.bcdDFUVersion, len: cfg.dfuAlts[0]!.functional!.bLength, intf: cfg.dfuAlts[0]!.interfaceNumber },
      { v: 0x0100, len: 7, intf: 2 },
    );
  });

  const bad: [string, number[]][] = [
    ['too short', [9, 2, 9]],
    ['not a configuration', [9, 4, 9, 0, 1, 1, 0, 0x80, 50]],
    ['wTotalLength past the end', [9, 2, 40, 0, 1, 1, 0, 0x80, 50]],
    ['descriptor running past wTotalLength', [9, 2, 14, 0, 1, 1, 0, 0x80, 50, 9, 4, 0, 0, 0]],
    ['zero bLength', [9, 2, 11, 0, 1, 1, 0, 0x80, 50, 0, 4]],
  ];
  for (const [name, bytes] of bad) {
    test(`malformed (${name}) → USB_IO`, () => {
      assert.throws(
        () => parseConfigurationDescriptor(Uint8Array.from(bytes)),
        (e: unknown) => isDfuFlashError(e, 'USB_IO') && e.message.startsWith('malformed configuration descriptor'),
      );
    });
  }
});
