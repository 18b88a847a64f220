/** stm32h750-flash-size: the H750 ROM reports the H743's 2 MiB layout; the chip has 128 KiB. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import { dfuRequests, flash, pattern, readBack, rejectsWith, rig, warnings, without } from './helpers.js';

describe('stm32h750-flash-size', () => {
  test('an image within 128 KiB: no warning, the image lands', async () => {
    const r = rig(['stm32h750']);
    const image = pattern(100 * 1024, 61);
    await flash(r, image, '0x08000000');
    assert.deepEqual(r.device().readFlash(0x08000000, image.length), image);
    assert.deepEqual(warnings(r.events), []);
  });

  test('with the quirk: an image past 128 KiB gets a warning naming both sizes before the first transfer; the erase then fails at 0x08020000', async () => {
    const r = rig(['stm32h750']);
    const e = await rejectsWith(flash(r, pattern(200 * 1024), '0x08000000'), 'DFU_STATUS');
    assert.equal(e.details['address'], 0x08020000);
    assert.equal(e.details['status'], DfuStatus.errADDRESS);
    const w = warnings(r.events);
    assert.equal(w.length, 1);
    assert.equal(
      w[0],
      'the memory layout claims 2 MiB at 0x08000000, but an STM32H750 reports the same layout with only 128 KiB: ' +
        'this operation reaches 0x0803ffff, and on an STM32H750 everything above 0x0801ffff fails',
    );
    const firstWarning = r.events.findIndex((ev) => ev.type === 'warning');
    const firstPhase = r.events.findIndex((ev) => ev.type === 'phase-start');
    assert.ok(firstWarning >= 0 && firstWarning < firstPhase, 'warned before anything was sent');
  });

  test('an upload past 128 KiB is warned about too', async () => {
    const r = rig(['stm32h750']);
    const e = await rejectsWith(readBack(r, '0x08000000:262144'), 'STALL');
    assert.equal(e.details['address'], 0x08020000, 'the read stops where the memory ends');
    assert.match(warnings(r.events)[0] ?? '', /reaches 0x0803ffff, and on an STM32H750 everything above 0x0801ffff fails/);
  });

  test('without it: the same failure comes with no word about the size', async () => {
    const r = rig(['stm32h750']);
    await rejectsWith(flash(r, pattern(200 * 1024), '0x08000000', without({ realFlash: null })), 'DFU_STATUS');
    assert.deepEqual(warnings(r.events), []);
    assert.ok(dfuRequests(r.device().transcript).length > 0);
  });
});
