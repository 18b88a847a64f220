/** dfuse-no-block-addressing: SET_ADDRESS before every block for DfuSe devices that only honour wBlockNum 2. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import { dfuseCommandLog, flash, pattern, readBack, recording, rejectsWith, rig, without } from './helpers.js';

describe('dfuse-no-block-addressing', () => {
  const image = pattern(5 * 1024 - 10, 51);

  test('with the quirk: SET_ADDRESS before each 1 KiB block; download, and upload the same way', async () => {
    const r = rig(['dfuse-no-blockaddr']);
    const rec = recording(r.backend, r.clock);
    await flash(r, image, '0x08002000', {}, rec.backend);
    assert.deepEqual(r.device().readFlash(0x08002000, image.length), image);
    const log = dfuseCommandLog(rec.log).filter((c) => !c.startsWith('ERASE'));
    assert.deepEqual(log, [0, 1, 2, 3, 4].flatMap((i) => [`SET_ADDRESS 0x${(0x08002000 + i * 1024).toString(16).padStart(8, '0')}`, 'DATA']));
    const { bytes } = await readBack(r, '0x08002000:5110');
    assert.deepEqual(bytes, image);
  });

  test('without it: block 3 lands on block 2, over programmed bytes, and the device reports errWRITE', async () => {
    const r = rig(['dfuse-no-blockaddr']);
    const e = await rejectsWith(flash(r, image, '0x08002000', without({ blockAddressing: true })), 'DFU_STATUS');
    assert.equal(e.details['status'], DfuStatus.errWRITE);
    assert.equal(e.details['address'], 0x08002400, 'reported where the host meant to write');
  });

  test('without it, reads repeat the first block', async () => {
    const r = rig(['dfuse-no-blockaddr']);
    await flash(r, image, '0x08002000');
    const { bytes } = await readBack(r, '0x08002000:2048', without({ blockAddressing: true }));
    assert.deepEqual(bytes.subarray(1024), image.subarray(0, 1024));
    assert.notDeepEqual(bytes.subarray(1024), image.subarray(1024, 2048));
  });

  test('quirks selects the fallback for any device: the F4 ROM with per-block SET_ADDRESS', async () => {
    const r = rig(['stm32f4-sysboot']);
    const rec = recording(r.backend, r.clock);
    const img = pattern(6000, 52);
    await flash(r, img, '0x08000000', { quirks: { blockAddressing: false } }, rec.backend);
    assert.deepEqual(r.device().readFlash(0x08000000, img.length), img);
    assert.deepEqual(dfuseCommandLog(rec.log), ['ERASE 0x08000000', 'SET_ADDRESS 0x08000000', 'DATA', 'SET_ADDRESS 0x08000800', 'DATA', 'SET_ADDRESS 0x08001000', 'DATA']);
  });
});
