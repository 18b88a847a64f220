import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/transport/clock.js';
import { isDfuFlashError } from '../../src/shared/errors.js';
import { DfuState } from '../../src/dfu/constants.js';
import { SIM_PROFILES, createSimBackend, createSimDevice, type SimFlashSnapshot } from '../../src/sim/index.js';
import { clearF4, command, dfu, dfuse, pattern, pollDone, TIMEOUT } from './helpers.js';

describe('SimBackend.list()', () => {
  test('derives DfuDeviceInfo from the descriptor bytes and strings', async () => {
    const clock = new FakeClock();
    const backend = createSimBackend(['stm32f4-sysboot', 'dapboot', 'runtime-app'], { clock });
    const list = await backend.list();
    assert.deepEqual(
      list.map((d) => ({
        key: d.key,
        id: [d.vendorId, d.productId, d.bcdDevice, d.bcdUSB, d.bMaxPacketSize0],
        where: [d.busNumber, d.deviceAddress, d.portPath, d.configurationValue],
        strings: [d.manufacturer, d.product, d.serial],
      })),
      [
        { key: 'sim:1-1:2', id: [0x0483, 0xdf11, 0x2200, 0x0100, 64], where: [1, 2, '1-1', 1], strings: ['STMicroelectronics', 'STM32  BOOTLOADER', '315A28A0B956'] },
        { key: 'sim:1-2:3', id: [0x1209, 0xdb42, 0x0111, 0x0210, 64], where: [1, 3, '1-2', 1], strings: ['Devanarchy', 'DAPBoot DFU Bootloader', '0669FF545150898367243741'] },
        { key: 'sim:1-3:4', id: [0x0483, 0x5740, 0x0200, 0x0200, 64], where: [1, 4, '1-3', 1], strings: ['STMicroelectronics', 'Example STM32 application', '4A3B2C1D0E0F'] },
      ],
    );
    const f4 = list[0]!;
    assert.deepEqual(
      f4.alts.map((a) => [a.interfaceNumber, a.alternateSetting, a.interfaceProtocol, a.iInterface, a.name]),
      [
        [0, 0, 2, 4, '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg'],
        [0, 1, 2, 5, '@Option Bytes  /0x1FFFC000/01*016 g'],
        [0, 2, 2, 6, '@OTP Memory /0x1FFF7800/01*512 g,01*016 g'],
        [0, 3, 2, 7, '@Device Feature/0xFFFF0000/01*004 g'],
      ],
    );
    for (const a of f4.alts) {
      assert.deepEqual(a.functional, {
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
    assert.deepEqual(list[1]!.alts.map((a) => [a.name, a.functional?.bcdDFUVersion]), [['DAPBoot DFU', 0x0110]]);
    assert.deepEqual(list[2]!.alts.map((a) => [a.interfaceProtocol, a.name]), [[1, 'DFU runtime']]);
    assert.equal(f4.stringError, undefined);
    assert.equal(backend.bus.devices.length, 3);
    assert.equal(backend.bus.devices[1]!.profile, 'dapboot');
  });

  test('repeated profiles get distinct serials and addresses', async () => {
    const backend = createSimBackend(['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'], { clock: new FakeClock() });
    const list = await backend.list();
    assert.deepEqual(list.map((d) => d.serial), ['315A28A0B956', '315A28A0B957', '315A28A0B958']);
    assert.deepEqual(list.map((d) => d.deviceAddress), [2, 3, 4]);
  });

  test('a string read that stalls once is asked again and read', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    backend.bus.devices[0]!.faults.add({ request: 'GET_DESCRIPTOR', nth: 5, action: 'stall' }); // 3 enumeration reads, LANGID, manufacturer
    const [d] = await backend.list();
    assert.equal(d!.manufacturer, 'Devanarchy');
    assert.equal(d!.stringError, undefined);
    const reads = backend.bus.devices[0]!.transcript.filter((e) => e.request === 'GET_DESCRIPTOR').map((e) => [e.setup.wValue.toString(16), e.result]);
    assert.deepEqual(reads.slice(3, 6), [['300', 'ack'], ['301', 'stall'], ['301', 'ack']]);
  });

  test('a string that stays unreadable is reported, not thrown, and the others are still read', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    backend.bus.devices[0]!.faults.add({ request: 'GET_DESCRIPTOR', nth: 5, times: 2, action: 'stall' });
    const [d] = await backend.list();
    assert.equal(d!.manufacturer, undefined);
    assert.deepEqual(d!.stringError, { code: 'STALL', message: 'GET_DESCRIPTOR (wValue 0x0301) failed: stall' });
    assert.equal(d!.product, 'DAPBoot DFU Bootloader');
  });

  test('the enumeration reads are in the transcript (as a host would send them)', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    await backend.list();
    const t = backend.bus.devices[0]!.transcript;
    assert.deepEqual(
      t.map((e) => [e.request, e.setup.wValue.toString(16), e.setup.wLength, e.length]),
      [
        ['GET_DESCRIPTOR', '100', 18, 18],
        ['GET_DESCRIPTOR', '200', 9, 9],
        ['GET_DESCRIPTOR', '200', 27, 27],
        ['GET_DESCRIPTOR', '300', 255, 4],
        ['GET_DESCRIPTOR', '301', 255, 22],
        ['GET_DESCRIPTOR', '302', 255, 46],
        ['GET_DESCRIPTOR', '303', 255, 50],
        ['GET_DESCRIPTOR', '304', 255, 24],
      ],
    );
  });
});

describe('SimTransport', () => {
  test('open, claim, a second claimer gets BUSY; close releases; calls after close fail with DEVICE_GONE', async () => {
    const backend = createSimBackend(['stm32f1-cubemx'], { clock: new FakeClock() });
    const [info] = await backend.list();
    const a = await backend.open(info!);
    const b = await backend.open(info!);
    await a.claimInterface(0);
    assert.deepEqual(backend.bus.devices[0]!.claimedInterfaces, [0]);
    await assert.rejects(b.claimInterface(0), (e: unknown) => isDfuFlashError(e, 'BUSY'));
    await assert.rejects(a.claimInterface(3), (e: unknown) => isDfuFlashError(e, 'USB_IO') && /no interface 3/.test(e.message));
    await a.close();
    assert.deepEqual(backend.bus.devices[0]!.claimedInterfaces, []);
    await b.claimInterface(0);
    for (const call of [
      () => a.controlIn({ bmRequestType: 0xa1, bRequest: 5, wValue: 0, wIndex: 0, wLength: 1 }, TIMEOUT),
      () => a.claimInterface(0),
      () => a.setAltSetting(0, 0),
      () => a.reset(),
      () => a.releaseInterface(0),
    ]) {
      await assert.rejects(call(), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE') && /is closed/.test(e.message));
    }
    await a.close(); // never throws
  });

  test('SET_INTERFACE needs a claimed interface; a missing alt stalls', async () => {
    const backend = createSimBackend(['stm32f4-sysboot'], { clock: new FakeClock() });
    const [info] = await backend.list();
    const t = await backend.open(info!);
    await assert.rejects(t.setAltSetting(0, 1), (e: unknown) => isDfuFlashError(e, 'USB_IO') && /not claimed/.test(e.message));
    await t.claimInterface(0);
    await t.setAltSetting(0, 3);
    assert.equal(backend.bus.devices[0]!.altSetting(0), 3);
    await assert.rejects(t.setAltSetting(0, 4), (e: unknown) => isDfuFlashError(e, 'STALL'));
    assert.deepEqual(backend.bus.devices[0]!.transcript.slice(-2).map((e) => [e.request, e.result, e.setup.wValue]), [
      ['SET_INTERFACE', 'ack', 3],
      ['SET_INTERFACE', 'stall', 4],
    ]);
  });

  test('controlIn returns at most wLength bytes; direction and length mismatches are INTERNAL', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    const [info] = await backend.list();
    const t = await backend.open(info!);
    const d = await t.controlIn({ bmRequestType: 0x80, bRequest: 6, wValue: 0x0200, wIndex: 0, wLength: 4 }, TIMEOUT);
    assert.equal(d.length, 4);
    await assert.rejects(
      t.controlIn({ bmRequestType: 0x21, bRequest: 4, wValue: 0, wIndex: 0, wLength: 0 }, TIMEOUT),
      (e: unknown) => isDfuFlashError(e, 'INTERNAL'),
    );
    await assert.rejects(
      t.controlOut({ bmRequestType: 0x21, bRequest: 1, wValue: 0, wIndex: 0, wLength: 4 }, new Uint8Array(2), TIMEOUT),
      (e: unknown) => isDfuFlashError(e, 'INTERNAL'),
    );
  });

  test('open() of a device that has left the bus fails with DEVICE_GONE', async () => {
    const backend = createSimBackend(['dapboot'], { clock: new FakeClock() });
    const [info] = await backend.list();
    backend.bus.unplug('1-1');
    assert.deepEqual(await backend.list(), []);
    await assert.rejects(backend.open(info!), (e: unknown) => isDfuFlashError(e, 'DEVICE_GONE'));
    assert.deepEqual(backend.bus.log.map((l) => [l.type, l.port, l.reason]), [
      ['attach', '1-1', undefined],
      ['detach', '1-1', 'unplugged'],
    ]);
  });
});

describe('entry points', () => {
  test('SIM_PROFILES names every profile', () => {
    const names = SIM_PROFILES.map((p) => p.name);
    assert.deepEqual(names.slice(0, 5), ['stm32f4-sysboot', 'stm32f1-cubemx', 'dapboot', 'runtime-app', 'runtime-app-reset']);
    assert.equal(new Set(names).size, names.length, 'no duplicate names');
    for (const n of names) assert.doesNotThrow(() => createSimDevice(n), n);
    assert.ok(SIM_PROFILES.every((p) => p.description.length > 10));
  });

  test('an unknown profile is a USAGE error listing the known ones', () => {
    for (const make of [() => createSimDevice('stm32h7'), () => createSimBackend(['dapboot', 'stm32h7'])]) {
      assert.throws(make, (e: unknown) => {
        assert.ok(isDfuFlashError(e, 'USAGE'));
        assert.equal(e.message, "unknown simulated device profile 'stm32h7'");
        assert.equal(e.hint, `known profiles: ${SIM_PROFILES.map((p) => p.name).join(', ')}`);
        return true;
      });
    }
  });

  test('a bad timeScale is a USAGE error', () => {
    assert.throws(() => createSimDevice('dapboot', { timeScale: -1 }), (e: unknown) => isDfuFlashError(e, 'USAGE'));
  });
});

describe('snapshot / restore', () => {
  test('flash contents survive a JSON round trip into a fresh device', async () => {
    const backend = createSimBackend(['stm32f4-sysboot'], { clock: new FakeClock() });
    const [info] = await backend.list();
    const t = await backend.open(info!);
    await t.claimInterface(0);
    const dev = backend.bus.devices[0]!;
    const r = { clock: dev.clock as FakeClock, device: dev, t };
    await clearF4(r);
    await command(r, dfuse.setAddress(0x08020000));
    await dfu.dnload(t, 2, pattern(2048));
    await pollDone(r);
    const snap = JSON.parse(JSON.stringify(dev.snapshot())) as SimFlashSnapshot;
    assert.equal(snap.pages.length, 1);
    assert.equal(snap.pages[0]!.address, 0x08020000);
    const fresh = createSimDevice('stm32f4-sysboot', { clock: new FakeClock() });
    fresh.restore(snap);
    assert.deepEqual(fresh.readFlash(0x08020000, 2048), pattern(2048));
    assert.deepEqual(fresh.readFlash(0x08020800, 16), new Uint8Array(16).fill(0xff));
    assert.equal(fresh.state, DfuState.dfuERROR);
  });

  test('a snapshot that does not fit the device is refused', () => {
    const dapboot = createSimDevice('dapboot', { clock: new FakeClock() });
    const bad: SimFlashSnapshot = { format: 'dfu-flash-sim-flash', version: 1, profile: 'x', pages: [{ address: 0x1fffc000, data: 'AAAA' }] };
    assert.throws(() => dapboot.restore(bad), (e: unknown) => isDfuFlashError(e, 'USAGE') && /0x1fffc000/.test(e.message));
    assert.throws(
      () => dapboot.restore({ format: 'nope' } as unknown as SimFlashSnapshot),
      (e: unknown) => isDfuFlashError(e, 'USAGE'),
    );
    assert.throws(() => createSimDevice('runtime-app').readFlash(0, 1), (e: unknown) => isDfuFlashError(e, 'USAGE'));
  });
});
