/**
 * The STM32CubeMX DFU bootloader sometimes enumerates with every string
 * unreadable: its alt name — which holds the DfuSe memory layout — cannot be
 * read. dfu-flash asks again, then resets the device (as a replug would) and
 * reads again; only when the strings stay unreadable does it stop, saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { download, isDfuFlashError, listDevices, type FlashEvent } from '../../src/index.js';
import { pattern, rig } from './helpers.js';

const UNREADABLE = { request: 'GET_DESCRIPTOR', strings: true, action: 'stall', times: 10_000 } as const;

test('strings unreadable until a reset: the download resets the device, reads them, and flashes', async () => {
  const r = rig(['stm32f1-cubemx']);
  r.device().faults.add({ ...UNREADABLE, untilReset: true });
  const listed = await listDevices({ backend: r.backend });
  assert.equal(listed[0]!.alts[0]!.name, undefined, 'the listing shows the name as unreadable');
  assert.match(listed[0]!.alts[0]!.nameError ?? '', /stall/);
  const events: FlashEvent[] = [];
  const image = pattern(4096, 3);
  const result = await download({ backend: r.backend, clock: r.clock, image, address: 0x08008000, select: { alt: 0 }, onEvent: (e) => events.push(e) });
  assert.equal(result.verified, true);
  assert.deepEqual(r.device().readFlash(0x08008000, 4096), image);
  const t = r.device().transcript.map((e) => e.request);
  assert.ok(t.includes('BUS_RESET'), 'the device was reset');
  assert.ok(t.indexOf('BUS_RESET') < t.indexOf('DFU_DNLOAD'), 'before anything was written');
  assert.ok(events.some((e) => e.type === 'warning' && /strings of 0483:df11 .* could not be read: resetting it to read them again/.test(e.message)));
});

test('an alt setting chosen by name, with the names unreadable until a reset: found after the reset', async () => {
  const r = rig(['stm32f1-cubemx']);
  r.device().faults.add({ ...UNREADABLE, untilReset: true });
  const result = await download({ backend: r.backend, clock: r.clock, image: pattern(2048, 1), address: 0x08008000, select: { alt: 'Internal Flash' } });
  assert.equal(result.device.altName?.startsWith('@Internal Flash'), true);
});

test('strings that stay unreadable: a clear error before anything is erased, never "no DfuSe memory layout"', async () => {
  const r = rig(['stm32f1-cubemx']);
  r.device().faults.add(UNREADABLE);
  const before = r.device().readFlash(0x08008000, 16);
  await assert.rejects(download({ backend: r.backend, clock: r.clock, image: pattern(2048, 1), address: 0x08008000, select: { alt: 0 } }), (e: unknown) => {
    assert.ok(isDfuFlashError(e, 'USB_IO'), String(e));
    assert.match(e.message, /^the name of alt setting 0, which holds its DfuSe memory layout, could not be read \(/);
    assert.doesNotMatch(e.message, /no DfuSe memory layout/);
    assert.match(e.hint ?? '', /unplug the board and plug it in again/);
    assert.equal(e.details['reason'], 'strings-unreadable');
    return true;
  });
  assert.deepEqual(r.device().readFlash(0x08008000, 16), before);
  assert.ok(!r.device().transcript.some((e) => e.request === 'DFU_DNLOAD'), 'nothing was sent to be written');
});

test('a string read that fails once is simply read again: no reset', async () => {
  const r = rig(['stm32f1-cubemx']);
  r.device().faults.add({ request: 'GET_DESCRIPTOR', strings: true, nth: 5, action: 'stall' });
  await download({ backend: r.backend, clock: r.clock, image: pattern(2048, 1), address: 0x08008000, select: { alt: 0 } });
  assert.ok(!r.device().transcript.some((e) => e.request === 'BUS_RESET'));
});
