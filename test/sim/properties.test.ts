/** Property tests: the device model against a reference model, and robustness under arbitrary traffic. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DFU_STATE_NAMES, DfuStatus } from '../../src/dfu/constants.js';
import { FakeClock } from '../../src/transport/clock.js';
import { createSimDevice } from '../../src/sim/index.js';
import { clearF4, command, dfu, dfuse, pollDone, rig } from './helpers.js';

describe('properties', () => {
  test('DfuSe writes of random blocks into an erased sector read back exactly; rewrites fail with errWRITE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.boolean(),
        async (blocks, data, rewrite) => {
          const r = await rig('stm32f4-sysboot', { timeScale: 0 });
          await clearF4(r);
          await command(r, dfuse.erase(0x08000000));
          await command(r, dfuse.setAddress(0x08000000));
          const expected = new Uint8Array(16384).fill(0xff);
          for (const b of blocks) {
            await dfu.dnload(r.t, 2 + b, data);
            assert.equal((await pollDone(r)).bStatus, DfuStatus.OK);
            expected.set(data, b * 2048);
          }
          assert.deepEqual(r.device.readFlash(0x08000000, 16384), expected);
          if (rewrite) {
            await dfu.dnload(r.t, 2 + blocks[0]!, data);
            const s = await pollDone(r);
            assert.equal(s.bStatus, data.every((x) => x === 0xff) ? DfuStatus.OK : DfuStatus.errWRITE);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('arbitrary class-request traffic never throws, and every stall of a DFU-mode request lands in dfuERROR', async () => {
    const request = fc.record({
      bRequest: fc.integer({ min: 0, max: 7 }),
      dirIn: fc.boolean(),
      wValue: fc.integer({ min: 0, max: 4 }),
      wLength: fc.constantFrom(0, 1, 5, 6, 64, 1024),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('stm32f4-sysboot', 'stm32f1-cubemx', 'dapboot'), fc.array(request, { maxLength: 25 }), async (profile, reqs) => {
        const device = createSimDevice(profile, { clock: new FakeClock(), timeScale: 0 });
        for (const q of reqs) {
          const setup = { bmRequestType: q.dirIn ? 0xa1 : 0x21, bRequest: q.bRequest, wValue: q.wValue, wIndex: 0, wLength: q.wLength };
          const data = q.dirIn ? undefined : new Uint8Array(q.wLength).fill(q.wValue);
          const before = device.stateName;
          const result = await device.control(setup, data);
          assert.ok(['ack', 'stall', 'gone'].includes(result.kind));
          assert.ok(Object.values(DFU_STATE_NAMES).includes(device.stateName));
          if (result.kind === 'stall' && before !== 'dfuMANIFEST-WAIT-RESET') assert.equal(device.stateName, 'dfuERROR');
          if (result.kind === 'ack' && q.dirIn) assert.ok((result.data?.length ?? 0) <= q.wLength);
          if (result.kind === 'gone') break;
        }
        assert.equal(device.transcript.length > 0 || reqs.length === 0, true);
      }),
      { numRuns: 150 },
    );
  });
});
