import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DfuState, DfuStatus, DFU_ABORT, DFU_CLRSTATUS, DFU_GETSTATUS } from '../../../src/dfu/constants.js';
import { unstickDevice } from '../../../src/dfu/unstick.js';
import { DfuFlashError } from '../../../src/shared/errors.js';
import { scriptedSession } from '../../quirks/scripted.js';
import { st } from './scripted-transport.js';

const BUSY = st(DfuState.dfuDNBUSY, 20);

describe('unstickDevice: each step bounded, the first that works ends it', () => {
  test('DFU_ABORT first; its GETSTATUS only after the last reply\'s bwPollTimeout', async () => {
    const { s, clock, transport } = scriptedSession(['ok', st(DfuState.dfuIDLE)]);
    await clock.sleep(5);
    const outcome = await unstickDevice(s, { last: { ...BUSY, receivedAt: 5 } });
    assert.deepEqual(outcome, { recovery: 'recovered', by: 'DFU_ABORT', tried: [{ step: 'DFU_ABORT', result: 'dfuIDLE' }] });
    assert.deepEqual(transport.sent.map((x) => [x.setup.bRequest, x.t]), [[DFU_ABORT, 5], [DFU_GETSTATUS, 25]]);
  });

  test('a strict ROM stalls CLRSTATUS outside dfuERROR: expected; it is then in dfuERROR and the next CLRSTATUS frees it', async () => {
    const answers = ['stall', BUSY, BUSY, 'stall', st(DfuState.dfuERROR, 0, DfuStatus.errSTALLEDPKT), 'ok', st(DfuState.dfuIDLE)] as const;
    const { s, transport } = scriptedSession([...answers]);
    const outcome = await unstickDevice(s, { last: BUSY });
    assert.equal(outcome.recovery, 'recovered');
    assert.equal(outcome.by, 'DFU_CLRSTATUS');
    assert.deepEqual(
      transport.sent.map((x) => x.setup.bRequest),
      [DFU_ABORT, DFU_GETSTATUS, DFU_GETSTATUS, DFU_CLRSTATUS, DFU_GETSTATUS, DFU_CLRSTATUS, DFU_GETSTATUS],
    );
  });

  test('a device that leaves the bus at the USB reset needs to be found again; one that stays stuck is given up, promptly', async () => {
    const stuckTwice = ['stall', BUSY, BUSY, 'stall', BUSY, BUSY] as const;
    const gone = scriptedSession([...stuckTwice, 'gone']);
    assert.deepEqual(await unstickDevice(gone.s, { last: BUSY }).then((o) => [o.recovery, o.by]), ['needs-reacquire', 'USB reset']);
    assert.equal(gone.transport.resets, 1);

    const forever = scriptedSession([...stuckTwice, BUSY, BUSY]);
    const outcome = await unstickDevice(forever.s, { last: BUSY });
    assert.equal(outcome.recovery, 'failed');
    assert.deepEqual(outcome.tried.map((t) => t.step), ['DFU_ABORT', 'DFU_CLRSTATUS', 'USB reset']);
    assert.ok(forever.clock.now() < 200, `${forever.clock.now()} ms`);
  });

  test('a USB reset the stack cannot do (WinUSB) is a failed step, not a device that left', async () => {
    const { s, transport } = scriptedSession(['stall', BUSY, BUSY, 'stall', BUSY, BUSY, BUSY, BUSY]);
    transport.reset = async () => {
      throw new DfuFlashError('UNSUPPORTED', 'USB reset is not supported by this driver');
    };
    const outcome = await unstickDevice(s, { last: BUSY });
    assert.equal(outcome.recovery, 'failed');
  });

  test('reset: false stops after the CLRSTATUS pair; clrStatusFirst (STM32H7) starts with it', async () => {
    const noReset = scriptedSession(['stall', BUSY, BUSY, 'stall', BUSY, BUSY]);
    const o = await unstickDevice(noReset.s, { last: BUSY, reset: false });
    assert.deepEqual([o.recovery, noReset.transport.resets], ['failed', 0]);
    const h7 = scriptedSession(['ok', st(DfuState.dfuERROR, 0, DfuStatus.errUNKNOWN), 'ok', st(DfuState.dfuIDLE)]);
    const first = await unstickDevice(h7.s, { last: BUSY, clrStatusFirst: true });
    assert.deepEqual([first.recovery, first.by], ['recovered', 'DFU_CLRSTATUS']);
    assert.deepEqual(h7.transport.sent.map((x) => x.setup.bRequest), [DFU_CLRSTATUS, DFU_GETSTATUS, DFU_CLRSTATUS, DFU_GETSTATUS]);
  });
});
