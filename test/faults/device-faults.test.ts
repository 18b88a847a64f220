/**
 * Device faults, in-process: every request kind met in every phase of five
 * scenarios (F4 ROM download with leave, download --verify, upload; dapboot
 * download and upload), each answered with a stall, silence, an unplug, a
 * device stuck in dfuDNBUSY, or an error status (errWRITE, errVERIFY,
 * errTARGET, errADDRESS, errVENDOR). For every case:
 *   - a failure names its phase (and, on DfuSe, an address), the DFU status
 *     the device reported, and comes with a hint;
 *   - a success only when the device really holds the image (or the file the memory);
 *   - every transport opened is closed, no interface stays claimed;
 *   - the same operation run again, without the fault, succeeds and the device holds the image.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDfuFlashError, type DfuFlashError } from '../../src/shared/errors.js';
import { DfuStatus } from '../../src/dfu/constants.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { Bench, tempDir } from './helpers.js';
import { actionsFor, calibrate, nthOf, SCENARIOS, type Action, type Scenario } from './matrix.js';
import { cliHint } from '../../src/cli/hints.js';

/** Requests a device acknowledges without a status of their own. */
const ACKNOWLEDGED = new Set(['DFU_ABORT', 'DFU_CLRSTATUS']);

/** Codes a failure may have, per kind of fault. */
const EXPECTED_CODES: Record<string, string[]> = {
  stall: ['STALL', 'DFU_STATUS'],
  silent: ['TIMEOUT'],
  gone: ['DEVICE_GONE'],
  busy: ['TIMEOUT'],
  status: ['DFU_STATUS', 'STALL'],
};

export interface CaseOutcome {
  error?: DfuFlashError | undefined;
  events: FlashEvent[];
}

/** The checks every fault case must pass, whatever the outcome. */
export function checkOutcome(s: Scenario, cell: Scenario['cells'][number], a: Action, error: DfuFlashError | undefined): void {
  if (error === undefined) return;
  const family = typeof a.action === 'object' ? 'status' : a.action;
  // SET_INTERFACE is a standard request: the device stalls it whatever the fault (the sim cannot leave it
  // unanswered), and it says nothing about DFU status
  const standard = cell.request === 'SET_INTERFACE';
  const codes = standard ? (a.action === 'gone' ? ['DEVICE_GONE'] : ['STALL']) : EXPECTED_CODES[family]!;
  assert.ok(codes.includes(error.code), `${a.name}: code ${error.code}: ${error.message}`);
  assert.ok(error.hint !== undefined && error.hint.length > 10, `a hint: ${error.message}`);
  const phase = error.details['phase'] as string | undefined;
  const allowed = cell.step === 'setup' ? s.phases : s.phases.slice(s.phases.indexOf(cell.step));
  assert.ok(phase !== undefined && (allowed as string[]).includes(phase), `phase ${phase} in ${allowed.join(', ')}: ${error.message}`);
  assert.ok(error.message.toLowerCase().includes(phase), `the message names the ${phase}: ${error.message}`);
  if (s.addressed) assert.match(error.message, /0x[0-9a-f]{8}/, 'the message names an address');
  if (typeof a.action === 'object' && !standard) {
    if (ACKNOWLEDGED.has(cell.request)) {
      // ABORT and CLRSTATUS report nothing: the status shows in what the next request meets
      assert.match(error.message, /reports err[A-Z_]+/, `the message names a DFU status: ${error.message}`);
    } else {
      assert.ok(error.message.includes(a.name), `the message names ${a.name}: ${error.message}`);
      assert.equal(error.details['status'], 'status' in a.action ? a.action.status : undefined);
    }
  }
  if (a.action === 'stall' && error.code === 'STALL' && !standard) assert.match(error.message, /reports err[A-Z_]+/, 'the status after the stall');
  if (a.action === 'gone') assert.match(error.message, /has left the bus/);
  if (a.action === 'silent' && !standard) assert.match(error.message, /did not complete within 5000 ms/);
  if (a.action === 'busy') {
    // a device stuck busy for good: the recovery is tried, and the user is told to power-cycle
    assert.match(error.message, /stayed in dfuDNBUSY for \d+ ms .*it is stuck; DFU_ABORT, DFU_CLRSTATUS and a USB reset did not free it/);
    assert.match(error.hint!, /power-cycle the board/);
    assert.equal(error.details['recovery'], 'failed');
  }
  if (a.name === 'errVENDOR' && !ACKNOWLEDGED.has(cell.request) && (phase === 'upload' || phase === 'verify')) {
    assert.match(error.hint!, /read-out protection is probably active/);
    assert.match(error.hint!, /lifting it with an unprotect .*erase its whole flash/);
    assert.match(cliHint(error, 'linux')!, /-s :unprotect:force .*erase its whole flash/, 'the CLI names the flag');
  }
}

async function runCase(s: Scenario, nth: number, cell: Scenario['cells'][number], a: Action): Promise<{ ok: boolean }> {
  const bench = new Bench([s.profile]);
  const dir = tempDir();
  await s.prepare(bench, dir);
  const device = bench.device();
  device.faults.add({ request: cell.request, nth, action: a.action, times: a.times });
  const ctx = bench.ctx();
  let error: DfuFlashError | undefined;
  try {
    await s.op(ctx, dir);
  } catch (e) {
    if (!isDfuFlashError(e)) throw e;
    error = e;
  } finally {
    ctx.backend.dispose();
  }
  assert.ok(device.faults.fired.length >= 1, 'the fault fired');
  assert.ok(bench.allClosed, 'every transport closed');
  assert.deepEqual(device.claimedInterfaces, [], 'no interface left claimed');
  if (error === undefined) s.check(bench, dir);
  checkOutcome(s, cell, a, error);

  // the same operation again, without the fault (a device that left DFU mode after all has gone by then)
  device.faults.clear();
  await bench.clock.sleep(2000);
  if (a.wedges) device.unplug('power cycle');
  const again = bench.ctx();
  try {
    await s.op(again, dir);
  } finally {
    again.backend.dispose();
  }
  s.check(bench, dir);
  assert.ok(bench.allClosed);
  return { ok: error === undefined };
}

describe('device fault matrix (in-process)', () => {
  for (const s of SCENARIOS) {
    describe(s.name, () => {
      const cal = calibrate(s);
      for (const cell of s.cells) {
        for (const a of actionsFor(cell.request)) {
          test(`${a.name} on ${cell.request} #${cell.k} of the ${cell.step}`, async () => {
            await runCase(s, nthOf(await cal, cell), cell, a);
          });
        }
      }
    });
  }
});

describe('named faults', () => {
  const [download, verify, upload] = SCENARIOS as [Scenario, Scenario, Scenario];

  test('a device stuck in dfuDNBUSY during an erase: stuck after the 16 KiB sector\'s 3 s, recovery tried, power-cycle; then the next run succeeds', async () => {
    const bench = new Bench([download.profile]);
    const dir = tempDir();
    await download.prepare(bench, dir);
    const events: FlashEvent[] = [];
    bench.device().faults.add({ request: 'DFU_GETSTATUS', nth: 4, times: Infinity, action: 'busy' });
    const ctx = bench.ctx(events);
    const t0 = bench.clock.now();
    const e = await download.op(ctx, dir).then(
      () => assert.fail('succeeded'),
      (x: unknown) => x as DfuFlashError,
    );
    ctx.backend.dispose();
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /^ERASE at 0x08000000: ERASE 0x08000000: the device stayed in dfuDNBUSY for \d+ ms although it asked for at most 250 ms at a time \(gave up after 3000 ms\): it is stuck; DFU_ABORT, DFU_CLRSTATUS and a USB reset did not free it$/);
    assert.match(e.hint!, /power-cycle the board/);
    assert.equal(e.details['phase'], 'erase');
    const waited = bench.clock.now() - t0;
    // the 16 KiB sector's patience (3 s, more than 10 × the 250 ms it asked for), then each recovery step and its looks
    assert.ok(waited >= 3000 && waited < 5000, `gave up after its patience, not before, and promptly (${waited} ms)`);
    assert.ok(events.some((x) => x.type === 'warning' && /stays in dfuDNBUSY .* trying to free it/.test(x.message)));
    assert.deepEqual([...bench.device().writeLog], [], 'nothing written');
    bench.device().faults.clear();
    const again = bench.ctx();
    await download.op(again, dir);
    again.backend.dispose();
    download.check(bench, dir);
  });

  test('a GETSTATUS that never completes: TIMEOUT after the 5 s transfer timeout, named by phase and address', async () => {
    const bench = new Bench([download.profile]);
    const dir = tempDir();
    await download.prepare(bench, dir);
    bench.device().faults.add({ request: 'DFU_GETSTATUS', nth: 9, action: 'silent' });
    const ctx = bench.ctx();
    const e = await download.op(ctx, dir).then(() => assert.fail('succeeded'), (x: unknown) => x as DfuFlashError);
    ctx.backend.dispose();
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /^download of 2048 bytes at 0x08000000: DFU_GETSTATUS \(.*\) to 0483:df11 at 1-1 did not complete within 5000 ms$/);
    assert.equal(e.hint, 'the device stopped answering; unplug it and plug it in again');
  });

  for (const [phase, when] of [
    ['erase', 'erase'],
    ['download', 'download'],
    ['upload', 'upload'],
  ] as const) {
    test(`unplugged in the middle of the ${phase} (while busy, not at a request)`, async () => {
      const s = phase === 'upload' ? upload : download;
      const bench = new Bench([s.profile]);
      const dir = tempDir();
      await s.prepare(bench, dir);
      const device = bench.device();
      const ctx = bench.ctx([], (ev) => {
        if (ev.type !== 'phase-progress' || ev.phase !== when || ev.bytes === 0 || !device.connected) return;
        // erase and download: while the device is busy; upload: between two blocks
        if (phase === 'upload') device.unplug('cable pulled');
        else void bench.clock.sleep(30).then(() => device.unplug('cable pulled'));
      });
      const e = await s.op(ctx, dir).then(() => assert.fail('succeeded'), (x: unknown) => x as DfuFlashError);
      ctx.backend.dispose();
      assert.equal(e.code, 'DEVICE_GONE', e.message);
      assert.equal(e.details['phase'], phase);
      assert.match(e.message, /0x080[0-9a-f]{5}.*has left the bus/);
      assert.ok(bench.allClosed);
      bench.settle();
      const again = bench.ctx();
      await s.op(again, dir);
      again.backend.dispose();
      s.check(bench, dir);
    });
  }

  test('re-enumerating as another device mid-download: DEVICE_GONE; the newcomer is not touched', async () => {
    const bench = new Bench([download.profile]);
    const dir = tempDir();
    await download.prepare(bench, dir);
    const { createSimDevice } = await import('../../src/sim/index.js');
    const stranger = createSimDevice('stm32f1-cubemx', { clock: bench.clock });
    const device = bench.device();
    device.faults.add({ request: 'DFU_DNLOAD', nth: 6, action: 'gone' });
    const ctx = bench.ctx();
    device.onBusEvent(() => bench.replace(0, stranger));
    const e = await download.op(ctx, dir).then(() => assert.fail('succeeded'), (x: unknown) => x as DfuFlashError);
    ctx.backend.dispose();
    assert.equal(e.code, 'DEVICE_GONE');
    assert.equal(e.details['phase'], 'download');
    assert.deepEqual(stranger.transcript, [], 'the new device saw nothing');
    assert.deepEqual([...stranger.writeLog], []);
  });

  test('errVENDOR on a verify read says read-out protection and how to lift it', async () => {
    const bench = new Bench([verify.profile]);
    const dir = tempDir();
    await verify.prepare(bench, dir);
    bench.device().faults.add({ request: 'DFU_UPLOAD', nth: 1, action: { status: DfuStatus.errVENDOR } });
    const ctx = bench.ctx();
    const e = await verify.op(ctx, dir).then(() => assert.fail('succeeded'), (x: unknown) => x as DfuFlashError);
    ctx.backend.dispose();
    assert.equal(e.code, 'STALL');
    assert.match(e.message, /^verify read of 2048 bytes at 0x08000000: DFU_UPLOAD .* was stalled by 0483:df11 at 1-1; the device then reports errVENDOR \(vendor-specific error\), state dfuERROR$/);
    assert.match(e.hint!, /^read-out protection is probably active, so the memory cannot be read; lifting it with an unprotect/);
    assert.match(cliHint(e, 'linux')!, /^read-out protection is probably active, so the memory cannot be read; lifting it with -s :unprotect:force/);
  });
});
