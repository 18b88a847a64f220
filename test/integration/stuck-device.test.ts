/**
 * Devices stuck in dfuDNBUSY (issue "recovering by itself", §3), in-process on a
 * fake clock: each kind the simulator models — freed by DFU_ABORT, by the
 * DFU_CLRSTATUS pair, by a USB reset (it re-enumerates), or by nothing — met
 * in the middle of a download and at the start of one. A device that can be
 * freed is left usable, so the next run succeeds; one that cannot is reported
 * promptly, with the advice to power-cycle.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { download } from '../support/file-ops.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { isDfuFlashError, type DfuFlashError } from '../../src/shared/errors.js';
import type { SimStuckRelease } from '../../src/sim/dfu-machine.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { pattern, rig, tempDir, writeTemp } from './helpers.js';

const IMAGE = pattern(40 * 1024, 5);

type Rig = ReturnType<typeof rig>;

function flash(r: Rig): Promise<unknown> {
  const file = writeTemp(tempDir(), 'fw.bin', IMAGE);
  return download({ selector: {}, file, dfuse: parseDfuseAddress('0x08000000'), reset: false }, r.ctx);
}

async function failure(p: Promise<unknown>): Promise<DfuFlashError> {
  return p.then(
    () => assert.fail('the run succeeded'),
    (e: unknown) => {
      assert.ok(isDfuFlashError(e), String(e));
      return e;
    },
  );
}

const warnings = (events: FlashEvent[]): string[] => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

const KINDS: { stuck: SimStuckRelease; recovery: string; by?: string }[] = [
  { stuck: 'abort', recovery: 'recovered', by: 'DFU_ABORT' },
  { stuck: 'clrstatus', recovery: 'recovered', by: 'DFU_CLRSTATUS' },
  { stuck: 'reset', recovery: 'needs-reacquire', by: 'USB reset' },
  { stuck: 'forever', recovery: 'failed' },
];

describe('a device that gets stuck in dfuDNBUSY during a download (reports 20 ms, never finishes)', () => {
  for (const k of KINDS) {
    test(`stuck until ${k.stuck}: ${k.recovery}${k.by ? ` by ${k.by}` : ''}, promptly; ${k.stuck === 'forever' ? 'power-cycle' : 'the next run succeeds'}`, async () => {
      const r = rig(['stm32f4-sysboot']);
      // the 3rd data block wedges the device (DNLOADs: 3 erases, SET_ADDRESS, blocks …)
      r.device().faults.add({ request: 'DFU_DNLOAD', nth: 7, action: { stuck: k.stuck, pollMs: 20 } });
      const t0 = r.clock.now();
      const e = await failure(flash(r));
      const elapsed = r.clock.now() - t0;
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.details['phase'], 'download');
      assert.equal(e.details['recovery'], k.recovery);
      assert.equal(e.details['recoveredBy'], k.by);
      assert.match(e.message, /the device stayed in dfuDNBUSY for 3\d{3} ms although it asked for at most 20 ms at a time .*: it is stuck/);
      // 3 s of patience (it said 20 ms), then the recovery: seconds, not the 10 s block deadline
      assert.ok(elapsed < 3000 + 2500, `gave up after ${elapsed} ms of (virtual) time`);
      if (k.recovery === 'failed') {
        assert.match(e.hint!, /nothing freed it .*power-cycle the board/);
        assert.equal(r.device().stateName, 'dfuDNBUSY');
        const count = (name: string): number => r.device().transcript.filter((x) => x.request === name).length;
        assert.deepEqual([count('DFU_ABORT'), count('BUS_RESET')], [1, 1], 'the recovery is tried once, not again on the way out');
        // the next run meets the same stuck device and says so, as promptly
        const t1 = r.clock.now();
        const again = await failure(flash(r));
        assert.equal(again.details['recovery'], 'failed');
        assert.match(again.message, /waiting for the device to finish its previous operation: the device stayed in dfuDNBUSY/);
        assert.match(again.hint!, /power-cycle the board/);
        assert.ok(r.clock.now() - t1 < 3000 + 2500);
        return;
      }
      assert.match(e.hint!, /run the command again/);
      await r.clock.sleep(1000); // a re-enumerating device is back after 300 ms
      await flash(r);
      assert.deepEqual(r.device().readFlash(0x08000000, IMAGE.length), IMAGE);
    });
  }
});

describe('a run that finds the device stuck (left so by an earlier run)', () => {
  for (const k of KINDS) {
    test(`stuck until ${k.stuck}: ${k.recovery === 'recovered' ? 'freed, and the same run flashes the image' : k.recovery === 'needs-reacquire' ? 'reset: it re-enumerates; the next run flashes the image' : 'power-cycle, promptly'}`, async () => {
      const r = rig(['stm32f4-sysboot']);
      r.device().faults.add({ request: 'DFU_GETSTATUS', nth: 1, action: { stuck: k.stuck, pollMs: 20 } });
      if (k.recovery === 'recovered') {
        await flash(r);
        assert.deepEqual(r.device().readFlash(0x08000000, IMAGE.length), IMAGE);
        assert.ok(warnings(r.events).some((w) => w.includes(`stuck in dfuDNBUSY (left so by an earlier run?); ${k.by} freed it`)), warnings(r.events).join('\n'));
        return;
      }
      const t0 = r.clock.now();
      const e = await failure(flash(r));
      assert.equal(e.details['recovery'], k.recovery);
      assert.ok(r.clock.now() - t0 < 3000 + 2500, 'promptly');
      if (k.recovery === 'failed') {
        assert.match(e.hint!, /power-cycle the board/);
        return;
      }
      // needs-reacquire: the operation layer may find it again and go on; without that, the next run works
      assert.match(e.hint!, /left the bus after a USB reset and comes back freed/);
      await r.clock.sleep(1000);
      await flash(r);
      assert.deepEqual(r.device().readFlash(0x08000000, IMAGE.length), IMAGE);
    });
  }

  test('a device that asks for 1000 ms at a time gets 10 s before the recovery starts: slow is not stuck', async () => {
    const r = rig(['stm32f4-sysboot']);
    const dev = r.device();
    dev.faults.add({ request: 'DFU_GETSTATUS', nth: 1, action: { stuck: 'forever', pollMs: 1000 } });
    await assert.rejects(flash(r));
    const abortAt = dev.transcript.findIndex((e) => e.request === 'DFU_ABORT');
    const firstAbort = dev.transcript[abortAt];
    assert.ok(firstAbort !== undefined && firstAbort.t >= 10_000 && firstAbort.t < 10_100, `recovery after 10 × 1000 ms (${firstAbort?.t})`);
    const polls = dev.transcript.slice(0, abortAt).filter((e) => e.request === 'DFU_GETSTATUS');
    assert.deepEqual(polls.map((e) => e.t), Array.from({ length: 11 }, (_, i) => i * 1000), 'one GETSTATUS a second until then');
  });
});
