/**
 * DFU_CLRSTATUS: the STM32H7 ROM needs a CLRSTATUS pair to leave a wedged
 * dfuDNBUSY; the STM32C5 ROM stalls CLRSTATUS anywhere but dfuERROR. The
 * stuck-device recovery (unstick.ts) tries the pair on any device and expects
 * the C5's stall; the H7 quirk makes it come sooner (6 s), first, and retries
 * the erase in the same run.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DFU_CLRSTATUS, DFU_DNLOAD, DfuState, DfuStatus } from '../../src/dfu/constants.js';
import { dfuseErasePage } from '../../src/dfu/dfuse.js';
import { st, type Answer } from '../unit/core/scripted-transport.js';
import { quirksFor } from '../../src/dfu/quirk-table.js';
import { H7_BANK2 } from '../../src/sim/profiles/stm32h7-sysboot.js';
import { scriptedSession } from './scripted.js';
import { clrStatusContext, dfuRequests, dfuseCommandLog, flash, pattern, readBack, recording, rejectsWith, rig, warnings, without } from './helpers.js';

describe('stm32h7-stuck-erase (STM32H743 wedged in dfuDNBUSY erasing 0x08100000)', () => {
  const image = pattern(256 * 1024, 12); // 0x080E0000–0x0811FFFF: the last sector of bank 1 and the first of bank 2

  test('with the quirk: CLRSTATUS (→ dfuERROR/errUNKNOWN), CLRSTATUS (→ dfuIDLE), ERASE again, and the image lands', async () => {
    const r = rig(['stm32h7-sysboot']);
    const rec = recording(r.backend, r.clock);
    await flash(r, image, '0x080E0000', {}, rec.backend);
    const dev = r.device();
    assert.deepEqual(dev.readFlash(0x080e0000, image.length), image);
    assert.deepEqual(dfuseCommandLog(rec.log).slice(0, 4), ['ERASE 0x080e0000', 'ERASE 0x08100000', 'ERASE 0x08100000', 'SET_ADDRESS 0x080e0000']);
    assert.deepEqual(clrStatusContext(dev.transcript), [
      { before: 'dfuDNBUSY', result: 'ack' },
      { before: 'dfuERROR', result: 'ack' },
    ]);
    const clr = dfuRequests(dev.transcript).filter((e) => e.request === 'DFU_CLRSTATUS').map((e) => [e.state, e.status]);
    assert.deepEqual(clr, [
      ['dfuERROR', 'errUNKNOWN'],
      ['dfuIDLE', 'OK'],
    ]);
    // the other warning: this is also the layout an STM32H750 reports (stm32h750-flash-size)
    const w = warnings(r.events).filter((m) => !m.includes('STM32H750'));
    assert.equal(w.length, 1);
    assert.match(w[0]!, /^ERASE 0x08100000: the device stayed in dfuDNBUSY for 6000 ms and was freed with DFU_CLRSTATUS; sending the command again/);
  });

  test('without it: the generic recovery frees the wedged ROM after 10 s (ABORT stalls, the CLRSTATUS pair works), but the run fails and nothing is written', async () => {
    const r = rig(['stm32h7-sysboot']);
    const e = await rejectsWith(flash(r, image, '0x080E0000', without({ stuckBusyRecovery: false })), 'TIMEOUT');
    assert.match(e.message, /^ERASE at 0x08100000: ERASE 0x08100000: the device stayed in dfuDNBUSY for 10000 ms .*it is stuck; DFU_CLRSTATUS freed it$/);
    assert.match(e.hint!, /run the command again/);
    assert.equal(e.details['address'], H7_BANK2);
    assert.equal(e.details['recovery'], 'recovered');
    assert.deepEqual(clrStatusContext(r.device().transcript), [
      { before: 'dfuDNBUSY', result: 'ack' },
      { before: 'dfuERROR', result: 'ack' },
    ]);
    assert.equal(r.device().stateName, 'dfuIDLE', 'left usable for the next run');
    assert.deepEqual([...r.device().writeLog], []);
  });

  test('if the second CLRSTATUS leaves the device in dfuERROR, one more (legal there) brings it to dfuIDLE and the image lands', async () => {
    const r = rig(['stm32h7-sysboot']);
    r.device().faults.add({ request: 'DFU_CLRSTATUS', nth: 2, action: { status: DfuStatus.errUNKNOWN } });
    await flash(r, image, '0x080E0000');
    assert.deepEqual(r.device().readFlash(0x080e0000, image.length), image);
    assert.deepEqual(clrStatusContext(r.device().transcript).map((c) => c.before), ['dfuDNBUSY', 'dfuERROR', 'dfuERROR']);
  });

  test('the command is retried once: a second wedge is a TIMEOUT (scripted device)', async () => {
    const stuck = st(DfuState.dfuDNBUSY, 1000);
    const answers: Answer[] = ['ok', stuck, ...Array.from({ length: 6 }, () => stuck)];
    answers.push('ok', st(DfuState.dfuERROR, 0, DfuStatus.errUNKNOWN), 'ok', st(DfuState.dfuIDLE));
    answers.push('ok', stuck, ...Array.from({ length: 6 }, () => stuck));
    // the second wedge cannot be freed: CLRSTATUS and ABORT stall, the device stays busy (the reset is a no-op here)
    answers.push('stall', stuck, stuck, 'stall', stuck, stuck, stuck, stuck);
    const { s, transport } = scriptedSession(answers, { stuckBusyRecovery: true, stuckBusyMs: 6000 });
    const e = await rejectsWith(dfuseErasePage(s, 0x08100000), 'TIMEOUT');
    assert.match(e.message, /stayed in dfuDNBUSY .*it is stuck; DFU_ABORT, DFU_CLRSTATUS and a USB reset did not free it/);
    assert.equal(e.details['recovery'], 'failed');
    const requests = transport.sent.map((x) => x.setup.bRequest);
    assert.equal(requests.filter((b) => b === DFU_CLRSTATUS).length, 3, 'the pair that worked, then one that stalled');
    assert.equal(requests.filter((b) => b === DFU_DNLOAD).length, 2, 'the ERASE and one retry');
  });
});

describe('stm32c5-strict-clrstatus (STM32C5 ROM stalls CLRSTATUS outside dfuERROR)', () => {
  test('the table never gives a C5 the H7 CLRSTATUS pair', async () => {
    const r = rig(['stm32c5-sysboot']);
    const [info] = await r.backend.list();
    const q = quirksFor(info!, info!.alts[0]!);
    assert.deepEqual(q.applied, ['stm32c5-strict-clrstatus']);
    assert.equal(q.quirks.stuckBusyRecovery, false);
  });

  test('download, a failed write, recovery, a start in dfuERROR, download again with verify, upload: every CLRSTATUS is sent in dfuERROR', async () => {
    const r = rig(['stm32c5-sysboot']);
    const dev = r.device();
    const image = pattern(20 * 1024, 21);
    dev.faults.add({ request: 'DFU_DNLOAD', nth: 6, action: { status: DfuStatus.errWRITE } });
    const e = await rejectsWith(flash(r, image, '0x08004000'), 'DFU_STATUS');
    assert.equal(e.details['status'], DfuStatus.errWRITE);
    dev.faults.add({ request: 'DFU_GETSTATUS', nth: 1, action: { status: DfuStatus.errUNKNOWN } });
    await flash(r, image, '0x08004000', { verify: true });
    assert.deepEqual(dev.readFlash(0x08004000, image.length), image);
    const { bytes } = await readBack(r, '0x08004000:20480');
    assert.deepEqual(bytes, image);
    const clr = clrStatusContext(dev.transcript);
    assert.equal(clr.length, 2, 'one after the failed write, one for the dfuERROR found at the start');
    assert.deepEqual(clr, [
      { before: 'dfuERROR', result: 'ack' },
      { before: 'dfuERROR', result: 'ack' },
    ]);
  });

  test('the H7 pair forced onto a C5: its first CLRSTATUS, outside dfuERROR, is stalled — expected: then it is in dfuERROR and the next CLRSTATUS frees it', async () => {
    const r = rig(['stm32c5-sysboot']);
    const e = await rejectsWith(flash(r, pattern(8192), '0x08004000', without({ stuckBusyRecovery: true, stuckBusyMs: 1 })), 'TIMEOUT');
    assert.equal(e.details['recovery'], 'recovered', e.message);
    const clr = clrStatusContext(r.device().transcript);
    assert.deepEqual(clr[0], { before: 'dfuDNBUSY', result: 'stall' });
    assert.deepEqual(clr[1], { before: 'dfuERROR', result: 'ack' });
    assert.equal(r.device().stateName, 'dfuIDLE');
  });
});
