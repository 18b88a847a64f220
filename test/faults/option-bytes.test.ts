/**
 * Writing the option bytes (the F4 ROM's "Option Bytes" alt): the chip resets
 * to load them (AN2662), so the download is announced, gets will-reset
 * semantics (no final DFU_ABORT; the device leaving after the last block is
 * success), goes after every other part of a multi-target file, and is never
 * reported as done when the device refused the block.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { buildDfuseFile } from '../../src/formats/index.js';
import { download } from '../support/file-ops.js';
import type { DfuFlashError } from '../../src/shared/errors.js';
import { Bench, dfuClass, pattern, tempDir, writeIn } from './helpers.js';

const OB = Uint8Array.of(0xaa, 0x55, 0xff, 0x00, 0xec, 0x13, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0);
const OB_WARNING = 'writing Option Bytes (16 bytes at 0x1fffc000): the chip resets to load them and leaves the bus (will-reset)';

function obRun(bench: Bench, spec = '0x1fffc000', extra: { verify?: boolean } = {}) {
  const dir = tempDir();
  const events: FlashEvent[] = [];
  const device = bench.device();
  let requestsAtWarning = -1;
  const ctx = bench.ctx(events, (e) => {
    if (e.type === 'warning' && requestsAtWarning < 0) requestsAtWarning = dfuClass(device.transcript).length;
  });
  const done = download({ selector: { alt: 1 }, file: writeIn(dir, 'ob.bin', OB), dfuse: parseDfuseAddress(spec), reset: false, ...extra }, ctx).finally(() => ctx.backend.dispose());
  return { done, events, device, warnedAt: () => requestsAtWarning };
}

const warnings = (events: FlashEvent[]): string[] => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

describe('option bytes', () => {
  test('the chip resets after the write: warned first, success, no DFU_ABORT, the new option bytes in place', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    const r = obRun(bench);
    const result = await r.done;
    assert.deepEqual(warnings(r.events), [OB_WARNING]);
    assert.equal(r.warnedAt(), 0, 'warned before the first DFU request');
    assert.equal(result.outcome, 'the option bytes were written and the chip reset, as expected');
    assert.equal(r.device.connected, false, 'the device reset');
    const dfu = dfuClass(r.device.transcript);
    const lastWrite = dfu.map((e) => e.request === 'DFU_DNLOAD' && e.setup.wValue >= 2).lastIndexOf(true);
    assert.ok(lastWrite > 0);
    assert.ok(!dfu.slice(lastWrite).some((e) => e.request === 'DFU_ABORT'), 'no DFU_ABORT after the write');
    await bench.clock.sleep(1000);
    bench.settle();
    assert.deepEqual(bench.current().readFlash(0x1fffc000, 16), OB);
    assert.ok(bench.allClosed);
  });

  test('a device that stays (no reset yet): success without DFU_ABORT; the outcome says it resets to apply them', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const r = obRun(bench);
    const result = await r.done;
    assert.equal(result.outcome, 'the option bytes were written; the chip resets to apply them');
    assert.deepEqual(r.device.readFlash(0x1fffc000, 16), OB);
    assert.equal(dfuClass(r.device.transcript).filter((e) => e.request === 'DFU_ABORT').length, 0);
  });

  test(':leave is dropped (the chip resets anyway), with a word why', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    const r = obRun(bench, '0x1fffc000:leave');
    await r.done;
    assert.deepEqual(warnings(r.events), [OB_WARNING, ':leave is not done after writing the option bytes: the chip resets by itself']);
    const zeroLength = dfuClass(r.device.transcript).filter((e) => e.request === 'DFU_DNLOAD' && e.length === 0);
    assert.deepEqual(zeroLength, [], 'no leave request');
  });

  test('--verify: the option bytes are not read back (the chip resets), and the result does not claim they were', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    const r = obRun(bench, '0x1fffc000', { verify: true });
    const result = await r.done;
    assert.notEqual(result.verified, true);
    assert.ok(warnings(r.events).includes('the option bytes are not read back: the chip resets after the write'), warnings(r.events).join('\n'));
  });

  test('the device refuses the block (a stall): an error, not a "reset as expected"', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    bench.device().faults.add({ request: 'DFU_DNLOAD', nth: 3, action: 'stall' });
    const r = obRun(bench);
    const e = await r.done.then(
      () => assert.fail('reported success'),
      (x: unknown) => x as DfuFlashError,
    );
    assert.equal(e.code, 'STALL');
    assert.match(e.message, /^download of 16 bytes at 0x1fffc000: DFU_DNLOAD .* was stalled/);
    assert.deepEqual(r.device.readFlash(0x1fffc000, 16), new Uint8Array(16).fill(0xff));
    assert.equal(r.device.connected, true);
  });

  test('the device unplugged before the last block: an error (only after the last block is leaving success)', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    bench.device().faults.add({ request: 'DFU_DNLOAD', nth: 2, action: 'gone' }); // the SET_ADDRESS before the block
    const r = obRun(bench);
    const e = await r.done.then(
      () => assert.fail('reported success'),
      (x: unknown) => x as DfuFlashError,
    );
    assert.equal(e.code, 'DEVICE_GONE');
    assert.equal(e.details['phase'], 'download');
  });

  test('a .dfu with the option bytes first: the flash part runs first, the option bytes last', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    bench.device().optionBytesReset = true;
    const app = pattern(3000, 8);
    const file = buildDfuseFile(
      [
        { alternateSetting: 1, name: 'option bytes', segments: [{ address: 0x1fffc000, data: OB }] },
        { alternateSetting: 0, name: 'flash', segments: [{ address: 0x08004000, data: app }] },
      ],
      { idVendor: 0x0483, idProduct: 0xdf11 },
    );
    const events: FlashEvent[] = [];
    const device = bench.device();
    const ctx = bench.ctx(events);
    const result = await download({ selector: {}, file: writeIn(tempDir(), 'both.dfu', file), reset: false }, ctx);
    ctx.backend.dispose();
    assert.deepEqual(
      device.transcript.filter((t) => t.request === 'SET_INTERFACE').map((t) => t.setup.wValue),
      [0, 1],
      'alt 0 (flash) first, then alt 1 (option bytes)',
    );
    assert.deepEqual(device.readFlash(0x08004000, app.length), app);
    assert.deepEqual(device.readFlash(0x1fffc000, 16), OB);
    assert.equal(result.outcome, 'the option bytes were written and the chip reset, as expected');
    assert.ok(warnings(events).includes(OB_WARNING));
  });

  test('explicit :will-reset on the flash: no final DFU_ABORT', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const dir = tempDir();
    const ctx = bench.ctx();
    await download({ selector: { alt: 0 }, file: writeIn(dir, 'fw.bin', pattern(100, 2)), dfuse: parseDfuseAddress('0x08000000:will-reset'), reset: false }, ctx);
    ctx.backend.dispose();
    assert.equal(dfuClass(bench.device().transcript).filter((e) => e.request === 'DFU_ABORT').length, 0);
    assert.deepEqual(bench.device().readFlash(0x08000000, 100), pattern(100, 2));
  });

  test('explicit :will-reset on a two-target file, the device gone after the first part: an error naming what was not written', async () => {
    const bench = new Bench(['stm32f4-sysboot']);
    const file = buildDfuseFile(
      [
        { alternateSetting: 0, name: 'flash', segments: [{ address: 0x08000000, data: pattern(100, 3) }] },
        { alternateSetting: 2, name: 'otp', segments: [{ address: 0x1fff7800, data: pattern(32, 4) }] },
      ],
      { idVendor: 0x0483, idProduct: 0xdf11 },
    );
    // GETSTATUS 1-2: dfuERROR cleared; 3-4: ERASE; 5-6: SET_ADDRESS; 7: the only data block
    bench.device().faults.add({ request: 'DFU_GETSTATUS', nth: 7, action: 'gone' });
    const ctx = bench.ctx();
    const e = await download({ selector: {}, file: writeIn(tempDir(), 'two.dfu', file), dfuse: parseDfuseAddress(':will-reset'), reset: false }, ctx).then(
      () => assert.fail('reported success'),
      (x: unknown) => x as DfuFlashError,
    );
    ctx.backend.dispose();
    assert.equal(e.code, 'DEVICE_GONE');
    assert.match(e.message, /the device reset after the part of .*two\.dfu for alt setting 0 \(will-reset\), so the parts for alt 2 were not written/);
    assert.deepEqual(bench.device().readFlash(0x1fff7800, 32), new Uint8Array(32).fill(0xff));
  });
});
