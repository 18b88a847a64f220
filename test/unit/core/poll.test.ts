import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/transport/clock.js';
import { DfuRequests } from '../../../src/dfu/requests.js';
import { DEFAULT_QUIRKS, type Quirks } from '../../../src/dfu/quirks.js';
import { DfuState, DfuStatus, DFU_CLRSTATUS, DFU_ABORT, DFU_GETSTATUS, DFU_DNLOAD } from '../../../src/dfu/constants.js';
import { pollWhileBusy, stuckAfter } from '../../../src/dfu/poll.js';
import { ensureIdle } from '../../../src/dfu/idle.js';
import { dfuseCommand } from '../../../src/dfu/dfuse.js';
import { dfu11Download } from '../../../src/dfu/dfu11.js';
import type { DfuSession } from '../../../src/dfu/session.js';
import type { FlashEvent } from '../../../src/dfu/events.js';
import type { FunctionalDescriptor } from '../../../src/transport/types.js';
import { ScriptedTransport, st, type Answer } from './scripted-transport.js';
import { isDfuFlashError } from '../../../src/shared/errors.js';

const F: FunctionalDescriptor = {
  bLength: 9, bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 4, bcdDFUVersion: 0x011a,
  canDownload: true, canUpload: true, manifestationTolerant: false, willDetach: true,
};

function session(answers: Answer[], quirks: Partial<Quirks> = {}, functional: FunctionalDescriptor = F) {
  const clock = new FakeClock();
  const transport = new ScriptedTransport(clock, answers);
  const events: FlashEvent[] = [];
  const s: DfuSession = {
    req: new DfuRequests({ transport, interfaceNumber: 0, emit: (e) => events.push(e) }),
    clock,
    emit: (e) => events.push(e),
    functional,
    transferSize: functional.wTransferSize,
    quirks: { ...DEFAULT_QUIRKS, ...quirks },
  };
  return { s, clock, transport, events };
}

describe('GETSTATUS poll loop', () => {
  test('sleeps exactly each bwPollTimeout and not after the final state', async () => {
    const { s, clock, transport } = session([st(DfuState.dfuDNBUSY, 250), st(DfuState.dfuDNBUSY, 30), st(DfuState.dfuDNLOAD_IDLE, 0)]);
    const final = await pollWhileBusy(s, st(DfuState.dfuDNBUSY, 100), { deadlineMs: 5000, what: 'x' });
    assert.equal(final.state, DfuState.dfuDNLOAD_IDLE);
    assert.deepEqual(clock.sleeps, [100, 250, 30]);
    assert.deepEqual(transport.sent.map((x) => x.t), [100, 350, 380]);
  });

  test('gives up at the deadline with a TIMEOUT that names the state', async () => {
    const { s } = session(Array.from({ length: 50 }, () => st(DfuState.dfuDNBUSY, 100)));
    await assert.rejects(pollWhileBusy(s, st(DfuState.dfuDNBUSY, 100), { deadlineMs: 1000, what: 'erase of page' }), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'TIMEOUT'));
      assert.match(e.message, /erase of page: the device stayed in dfuDNBUSY for 1000 ms .*\(gave up after 1000 ms\): it is stuck/);
      return true;
    });
  });

  test('ignorePollTimeout quirk polls at the fixed interval instead', async () => {
    const { s, clock } = session([st(DfuState.dfuDNBUSY, 9999), st(DfuState.dfuDNLOAD_IDLE, 9999)], { ignorePollTimeout: true, pollIntervalMs: 5 });
    await pollWhileBusy(s, st(DfuState.dfuDNBUSY, 9999), { deadlineMs: 5000, what: 'x' });
    assert.deepEqual(clock.sleeps, [5, 5]);
  });

  test('busy stalls are tolerated only up to the quirk count', async () => {
    const ok = session(['stall', 'stall', st(DfuState.dfuDNLOAD_IDLE)], { busyStallTolerance: 3 });
    assert.equal((await pollWhileBusy(ok.s, st(DfuState.dfuDNBUSY, 40), { deadlineMs: 5000, what: 'x' })).state, DfuState.dfuDNLOAD_IDLE);
    assert.deepEqual(ok.clock.sleeps, [40, 40, 40]);
    const strict = session(['stall']);
    await assert.rejects(pollWhileBusy(strict.s, st(DfuState.dfuDNBUSY, 40), { deadlineMs: 5000, what: 'x' }), /stalled/);
  });
});

describe('waits count from the reply, and a stuck device is stuck, not slow', () => {
  test('the wait ends bwPollTimeout after the transport saw the reply, not after JavaScript got to it', async () => {
    const { s, clock } = session([st(DfuState.dfuDNLOAD_IDLE)]);
    await clock.sleep(10);
    await pollWhileBusy(s, { ...st(DfuState.dfuDNBUSY, 20), receivedAt: 9.6 }, { deadlineMs: 5000, what: 'x' });
    assert.deepEqual(clock.deadlines, [29.6]);
    assert.equal(clock.now(), 29.6);
  });

  test('a completion time that cannot be on this clock (in the future, or a second old) counts from now', async () => {
    for (const receivedAt of [50, -2000]) {
      const { s, clock } = session([st(DfuState.dfuDNLOAD_IDLE)]);
      await clock.sleep(10);
      await pollWhileBusy(s, { ...st(DfuState.dfuDNBUSY, 20), receivedAt }, { deadlineMs: 5000, what: 'x' });
      assert.deepEqual(clock.deadlines, [30]);
    }
  });

  test('reports 20 ms and stays busy: stuck after the 3 s floor, not the 10 s deadline; then DFU_ABORT is tried first', async () => {
    const busy = Array.from({ length: 150 }, () => st(DfuState.dfuDNBUSY, 20));
    const { s, clock, transport, events } = session([...busy, 'ok', st(DfuState.dfuIDLE)]);
    const e = await pollWhileBusy(s, st(DfuState.dfuDNBUSY, 20), { deadlineMs: 10_000, what: 'download of block 3' }).then(
      () => assert.fail('resolved'),
      (x: unknown) => x,
    );
    assert.ok(isDfuFlashError(e, 'TIMEOUT'));
    assert.equal(e.details['waitedMs'], 3000);
    assert.equal(e.details['recovery'], 'recovered');
    assert.equal(e.details['recoveredBy'], 'DFU_ABORT');
    assert.match(e.message, /^download of block 3: the device stayed in dfuDNBUSY for 3000 ms although it asked for at most 20 ms at a time \(gave up after 3000 ms\): it is stuck; DFU_ABORT freed it$/);
    assert.match(e.hint!, /DFU_ABORT freed it .*run the command again/);
    const requests = transport.sent.map((x) => x.setup.bRequest);
    assert.equal(requests.filter((b) => b === DFU_GETSTATUS).length, 150 + 1, 'every 20 ms for 3 s, then one after the ABORT');
    assert.equal(requests.at(-2), DFU_ABORT);
    assert.ok(clock.now() < 3100);
    assert.ok(events.some((x) => x.type === 'warning' && /stays in dfuDNBUSY/.test(x.message)));
  });

  test('a device that asks for long waits gets 10 × its own estimate, a floor for slow operations wins over both', async () => {
    const { s } = session([]);
    const options = { deadlineMs: 60_000, what: 'x' };
    assert.equal(stuckAfter(options, 20), 3000);
    assert.equal(stuckAfter(options, 1000), 10_000);
    assert.equal(stuckAfter({ ...options, stuckAfterMs: 6096 }, 100), 6096);
    assert.equal(stuckAfter({ ...options, deadlineMs: 6000 }, 1000), 6000);
    assert.equal(stuckAfter({ ...options, minTotalMs: 35_000 }, 100), 35_000);
    assert.ok(s);
  });
});

describe('heartbeats during a long wait', () => {
  test('a 2.2 s erase wait: a phase-wait every 500 ms with a rising estimate below the step\'s end, and the poll still exactly at 2.2 s', async () => {
    const { s, clock, transport, events } = session([st(DfuState.dfuDNLOAD_IDLE)]);
    const progress = { phase: 'erase' as const, expectedMs: 1024, bytesBefore: 65536, stepBytes: 131072, totalBytes: 1 << 20 };
    await pollWhileBusy(s, st(DfuState.dfuDNBUSY, 2200), { deadlineMs: 20_000, what: 'x', progress });
    const beats = events.filter((e) => e.type === 'phase-wait');
    assert.deepEqual(beats.map((b) => b.elapsedMs), [500, 1000, 1500, 2000]);
    assert.ok(beats.every((b) => b.expectedMs === 2200), 'the device said 2.2 s: that is the expectation');
    const bytes = beats.map((b) => b.bytes);
    assert.deepEqual(bytes, [...bytes].sort((a, b) => a - b));
    assert.ok(bytes.every((b) => b > 65536 && b < 65536 + 131072));
    assert.deepEqual(transport.sent.map((x) => x.t), [2200]);
    assert.deepEqual(clock.deadlines, [500, 1000, 1500, 2000, 2200]);
  });

  test('no heartbeats for a step expected to take less than a second', async () => {
    const { s, events } = session([st(DfuState.dfuDNLOAD_IDLE)]);
    await pollWhileBusy(s, st(DfuState.dfuDNBUSY, 550), {
      deadlineMs: 20_000,
      what: 'x',
      progress: { phase: 'erase', expectedMs: 512, bytesBefore: 0, stepBytes: 65536, totalBytes: 65536 },
    });
    assert.equal(events.filter((e) => e.type === 'phase-wait').length, 0);
  });
});

describe('getting to dfuIDLE', () => {
  test('dfuERROR → CLRSTATUS, dfuDNLOAD-IDLE → ABORT', async () => {
    const { s, transport } = session([
      st(DfuState.dfuERROR, 0, DfuStatus.errFIRMWARE), 'ok', st(DfuState.dfuDNLOAD_IDLE), 'ok', st(DfuState.dfuIDLE),
    ]);
    await ensureIdle(s);
    assert.deepEqual(transport.sent.map((x) => x.setup.bRequest), [DFU_GETSTATUS, DFU_CLRSTATUS, DFU_GETSTATUS, DFU_ABORT, DFU_GETSTATUS]);
  });

  test('appIDLE is a RUNTIME_MODE error telling to detach first', async () => {
    const { s } = session([st(DfuState.appIDLE)]);
    await assert.rejects(ensureIdle(s), (e: unknown) => isDfuFlashError(e, 'RUNTIME_MODE') && /detach/.test(e.hint ?? ''));
  });
});

describe('DfuSe commands', () => {
  test('the first GETSTATUS must report dfuDNBUSY', async () => {
    const { s } = session(['ok', st(DfuState.dfuDNLOAD_IDLE)]);
    await assert.rejects(dfuseCommand(s, 'ERASE', 0x41, 0x08000000, { phase: 'erase' }), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'DFU_STATE'));
      assert.match(e.message, /^ERASE 0x08000000: the device answered dfuDNLOAD-IDLE .* instead of dfuDNBUSY/);
      return true;
    });
  });

  test('an error status names the command, the address and the status', async () => {
    const { s } = session(['ok', st(DfuState.dfuDNBUSY, 10), st(DfuState.dfuERROR, 0, DfuStatus.errTARGET)]);
    await assert.rejects(dfuseCommand(s, 'ERASE', 0x41, 0x08004000, { phase: 'erase' }), (e: unknown) => {
      assert.ok(isDfuFlashError(e, 'DFU_STATUS'));
      assert.match(e.message, /ERASE 0x08004000.*errTARGET/);
      assert.equal(e.details['address'], 0x08004000);
      assert.equal(e.details['phase'], 'erase');
      return true;
    });
  });

  test('ERASE sends 0x41 and the little-endian address in block 0', async () => {
    const { s, transport } = session(['ok', st(DfuState.dfuDNBUSY, 10), st(DfuState.dfuDNLOAD_IDLE)]);
    await dfuseCommand(s, 'ERASE', 0x41, 0x08004000, { phase: 'erase' });
    const dn = transport.sent[0]!;
    assert.equal(dn.setup.bRequest, DFU_DNLOAD);
    assert.equal(dn.setup.wValue, 0);
    assert.deepEqual([...dn.data!], [0x41, 0x00, 0x40, 0x00, 0x08]);
  });
});

describe('DFU 1.1 download', () => {
  test('block numbers wrap at 0xFFFF and the zero-length block follows', async () => {
    // 65537 blocks of 1 byte would be slow to script; use transferSize 1 and check the wrap with 3 blocks from a shifted start instead.
    const data = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i++) answers.push('ok', st(DfuState.dfuDNBUSY, 5), st(DfuState.dfuDNLOAD_IDLE));
    answers.push('ok', 'gone'); // zero-length block, then the device leaves (will-detach)
    const { s, transport, events } = session(answers, {}, { ...F, bcdDFUVersion: 0x0110, wTransferSize: 4 });
    s.transferSize = 4;
    const outcome = await dfu11Download(s, data);
    assert.equal(outcome, 'left-bus');
    const dn = transport.sent.filter((x) => x.setup.bRequest === DFU_DNLOAD);
    assert.deepEqual(dn.map((x) => [x.setup.wValue, x.data!.length]), [[0, 4], [1, 4], [2, 1], [3, 0]]);
    assert.ok(!events.some((e) => e.type === 'warning'), 'leaving as announced is not worth a warning');
  });
});
