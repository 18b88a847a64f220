/**
 * Quirks of the GETSTATUS poll loop, each against a simulated device that
 * misbehaves the way the real one does: with the quirk the use case succeeds
 * and the bytes are in flash; without it, it fails the way dfu-util fails.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BOGUS_POLL_TIMEOUT_MS } from '../../src/sim/profiles/openmoko.js';
import { STM32F405_MASS_ERASE_MS } from '../../src/sim/profiles/stm32f405-masserase.js';
import { dfuRequests, dfuseCommandLog, flash, pattern, recording, rejectsWith, rig, without } from './helpers.js';

describe('ignore-poll-timeout (Openmoko Freerunner, bogus bwPollTimeout)', () => {
  test('with the quirk: polls every 5 ms, the image lands and the device manifests back to dfuIDLE', async () => {
    const r = rig(['openmoko']);
    const image = pattern(10 * 1024 + 5, 3);
    const result = await flash(r, image, undefined, { selector: { alt: 'kernel' } });
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0, image.length), image);
    assert.equal(result.outcome, 'device manifested and is back in dfuIDLE');
    const statuses = dfuRequests(dev.transcript).filter((e) => e.request === 'DFU_GETSTATUS');
    assert.ok(statuses.length > 0);
    assert.ok(!r.clock.sleeps.includes(BOGUS_POLL_TIMEOUT_MS), 'never waited the bogus 4.7 hours');
    assert.ok(r.clock.now() < 1000, `took ${r.clock.now()} ms of device time`);
  });

  test('without it: the first block waits for a 0xFFFFFF ms poll timeout and times out', async () => {
    const r = rig(['openmoko']);
    const e = await rejectsWith(flash(r, pattern(4096), undefined, without({ ignorePollTimeout: false })), 'TIMEOUT');
    assert.match(e.message, /download of block 0 .*the device stayed in dfuDNBUSY for 0 ms although it asked for at most 16777215 ms at a time \(gave up after 10000 ms\)/);
    assert.equal(e.details['waitedMs'], 0, 'gave up at once: the wait the device asks for is past the deadline');
  });
});

describe('stm32f4-mass-erase (STM32F405 reports 100 ms, takes 32 s)', () => {
  test('with the quirk: waits 35 s before asking, then writes', async () => {
    const r = rig(['stm32f405-masserase']);
    const rec = recording(r.backend, r.clock);
    const image = pattern(3000, 9);
    await flash(r, image, '0x08000000:mass-erase:force', {}, rec.backend);
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08000000, image.length), image);
    assert.deepEqual(dfuseCommandLog(rec.log), ['MASS_ERASE', 'SET_ADDRESS 0x08000000', 'DATA×2']);
    // one wait to 35 s after the first reply (in heartbeat-sized steps), not a GETSTATUS before
    const tr = r.device().transcript;
    const massErase = tr.findIndex((x) => x.request === 'DFU_DNLOAD' && x.setup.wValue === 0 && x.length === 1);
    const [first, second] = tr.slice(massErase + 1).filter((x) => x.request === 'DFU_GETSTATUS');
    assert.ok(second!.t - first!.doneAt >= 35_000, `the second GETSTATUS of the mass erase comes 35 s after the first (${second!.t - first!.doneAt} ms)`);
    assert.ok(r.clock.now() >= 35_000);
    const beats = r.events.filter((x) => x.type === 'phase-wait');
    assert.ok(beats.length >= 60, `heartbeats during the wait (${beats.length})`);
  });

  test('without it: the GETSTATUS after 100 ms is NAKed for 32 s and the control transfer times out (as dfu-util did)', async () => {
    const r = rig(['stm32f405-masserase']);
    const e = await rejectsWith(flash(r, pattern(3000), '0x08000000:mass-erase:force', without({ massEraseMinMs: 0 })), 'TIMEOUT');
    assert.match(e.message, /^MASS_ERASE: DFU_GETSTATUS .*did not complete within 5000 ms/);
    assert.ok(r.clock.now() < STM32F405_MASS_ERASE_MS);
  });
});

describe('stm32l4-erase-stall (STM32L4 ROM stalls GETSTATUS while erasing)', () => {
  test('with the quirk: two stalls per page erase are waited out, the device never leaves dfuDNBUSY for dfuERROR', async () => {
    const r = rig(['stm32l4-sysboot']);
    const image = pattern(4096, 4);
    await flash(r, image, '0x08000000');
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08000000, image.length), image);
    assert.deepEqual([...dev.eraseLog], [0x08000000, 0x08000800]);
    const stalls = dfuRequests(dev.transcript).filter((e) => e.request === 'DFU_GETSTATUS' && e.result === 'stall');
    assert.equal(stalls.length, 4);
    assert.ok(stalls.every((e) => e.state === 'dfuDNBUSY'));
  });

  test('without it: the first stalled GETSTATUS fails the erase ("Error during special command ERASE_PAGE get_status")', async () => {
    const r = rig(['stm32l4-sysboot']);
    const e = await rejectsWith(flash(r, pattern(4096), '0x08000000', without({ busyStallTolerance: 0 })), 'STALL');
    assert.match(e.message, /^ERASE at 0x08000000: DFU_GETSTATUS .* was stalled/);
    assert.equal(e.details['phase'], 'erase');
  });
});

describe('blackmagic-zero-poll (Black Magic Probe answers dfuDNBUSY with bwPollTimeout 0)', () => {
  test('with the quirk: polls at least 5 ms apart, a bounded number of times, and the image lands', async () => {
    const r = rig(['blackmagic']);
    const image = pattern(3 * 1024 + 100, 6);
    await flash(r, image, '0x08002000');
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x08002000, image.length), image);
    const busy = dfuRequests(dev.transcript).filter((e) => e.request === 'DFU_GETSTATUS' && e.state === 'dfuDNBUSY');
    // 4 erases of 20 ms and 4 blocks of ≤ 27 ms, polled every 5 ms
    assert.ok(busy.length > 8 && busy.length < 80, `${busy.length} busy answers`);
    assert.ok(r.clock.now() >= 4 * 20 + 3 * 27);
  });

  test('without it: the zero-timeout loop spins without time passing until it gives up as stuck', async () => {
    const r = rig(['blackmagic']);
    const e = await rejectsWith(flash(r, pattern(1024), '0x08002000', without({ maxZeroPolls: 10_000, minPollIntervalMs: 0 })), 'TIMEOUT');
    assert.match(e.message, /^ERASE at 0x08002000: .*stayed in dfuDNBUSY for 0 ms with 10000 zero poll timeouts in a row: it is stuck/);
    assert.equal(e.details['waitedMs'], 0, 'no time passed: the host never gave the device time to finish');
  });

  test('the quirk bounds the zero polls at 100 (shown with the minimum interval off, so time stands still)', async () => {
    const r = rig(['blackmagic']);
    const e = await rejectsWith(flash(r, pattern(1024), '0x08002000', { quirks: { minPollIntervalMs: 0 } }), 'TIMEOUT');
    assert.match(e.message, /with 100 zero poll timeouts in a row: it is stuck/);
  });
});
