import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceMinimum, extraTransfers, requiredSteps, transferCostMs, type TransferCost } from '../../bench/minimum.js';
import { STATE, TranscriptBuilder } from './transcript-builder.js';

const COST: TransferCost = { smallMs: 1, dataMs: 3, dataLength: 2048 };
const A = 0x08000000;

describe('transferCostMs', () => {
  test('table: small transfers cost a GETSTATUS round trip; data interpolates linearly', () => {
    const cases: [number, number][] = [
      [0, 1],
      [6, 1],
      [64, 1],
      [1024, 2],
      [2048, 3],
      [4096, 5],
    ];
    for (const [payload, ms] of cases) assert.equal(transferCostMs(COST, payload), ms, `payload ${payload}`);
  });
});

describe('deviceMinimum, DfuSe', () => {
  /** The F4 ROM shape: starts in dfuERROR, two erases, two blocks, leave (the device leaves after dfuMANIFEST). */
  function f4Like(): TranscriptBuilder {
    const b = new TranscriptBuilder();
    b.descriptor().descriptor().descriptor().setInterface();
    b.status(STATE.dfuERROR).clrStatus().status(STATE.dfuIDLE);
    b.command(0x41, A).busy(250);
    b.command(0x41, A + 0x4000).busy(250);
    b.command(0x21, A).busy(1);
    b.block(2, 2048).busy(104);
    b.block(3, 2048).busy(104);
    b.abort();
    b.command(0x21, A).busy(1, STATE.dfuIDLE);
    b.block(2, 0).status(STATE.dfuMANIFEST, 5);
    return b;
  }

  test('busy is the sum of the reported waits; transfers follow the minimal protocol', () => {
    const m = deviceMinimum(f4Like().entries, COST, { protocol: 'dfuse', transferSize: 2048 });
    assert.equal(m.busyMs, 250 + 250 + 1 + 104 + 104 + 1 + 5);
    assert.equal(m.busyPeriods, 7);
    assert.deepEqual(m.steps, { erase: 2, 'set-address': 2, block: 2, leave: 1, command: 0, upload: 0, abort: 0 });
    // setup 4 (descriptor, SET_INTERFACE, GETSTATUS, CLRSTATUS); 6 commands × 3; leave: DNLOAD + GETSTATUS
    assert.deepEqual(m.minimalByRequest, { GET_DESCRIPTOR: 1, SET_INTERFACE: 1, DFU_GETSTATUS: 14, DFU_CLRSTATUS: 1, DFU_DNLOAD: 7 });
    assert.equal(m.transfers, 24);
    assert.equal(m.transferMs, 22 * 1 + 2 * 3);
    assert.equal(m.minimumMs, m.busyMs + m.transferMs);
  });

  test('extra transfers are what the host sent beyond the minimal protocol', () => {
    const m = deviceMinimum(f4Like().entries, COST, { protocol: 'dfuse', transferSize: 2048 });
    // the builder's host confirms dfuIDLE after CLRSTATUS (1 GETSTATUS) and sends an ABORT before leave
    assert.deepEqual(extraTransfers(m), { GET_DESCRIPTOR: 2, DFU_GETSTATUS: 1, DFU_ABORT: 1 });
  });

  test('a SET_ADDRESS before every block (dfu-util style) counts once per contiguous run, busy included', () => {
    const b = new TranscriptBuilder();
    b.setInterface().status(STATE.dfuIDLE);
    b.command(0x21, A).busy(1);
    b.block(2, 2048).busy(104);
    b.command(0x21, A + 2048).busy(1);
    b.block(2, 2048).busy(104);
    b.command(0x21, A + 0x10000).busy(1); // a gap: a new run
    b.block(2, 2048).busy(104);
    const m = deviceMinimum(b.entries, COST, { protocol: 'dfuse', transferSize: 2048 });
    assert.equal(m.steps['set-address'], 2);
    assert.equal(m.busyMs, 1 + 104 * 3 + 1);
    assert.deepEqual(extraTransfers(m), { DFU_DNLOAD: 1, DFU_GETSTATUS: 2 });
    const kinds = [...requiredSteps(b.entries, { protocol: 'dfuse', transferSize: 2048 })].sort((x, y) => x[0] - y[0]).map(([, kind]) => kind);
    assert.deepEqual(kinds, ['set-address', 'block', 'block', 'set-address', 'block']);
  });

  test('an erase of the same page twice counts once', () => {
    const b = new TranscriptBuilder();
    b.setInterface().status(STATE.dfuIDLE);
    b.command(0x41, A).busy(250);
    b.command(0x41, A).busy(250);
    const m = deviceMinimum(b.entries, COST, { protocol: 'dfuse' });
    assert.equal(m.steps.erase, 1);
    assert.equal(m.busyMs, 250);
  });

  test('early polls do not add busy time', () => {
    const b = new TranscriptBuilder();
    b.setInterface().status(STATE.dfuIDLE);
    b.command(0x41, A);
    b.status(STATE.dfuDNBUSY, 250);
    b.status(STATE.dfuDNBUSY, 250, 10, true); // polled 240 ms early, answered busy again
    b.status(STATE.dfuDNLOAD_IDLE, 0, 250);
    const m = deviceMinimum(b.entries, COST, { protocol: 'dfuse' });
    assert.equal(m.busyMs, 250);
  });

  test('a read-back needs its UPLOADs, one SET_ADDRESS per contiguous run and one ABORT before the next DNLOAD', () => {
    const b = new TranscriptBuilder();
    b.setInterface().status(STATE.dfuIDLE);
    b.command(0x21, A).busy(1).abort();
    b.upload(2, 2048).upload(3, 2048).abort();
    b.command(0x21, A + 4096).busy(1).abort(); // contiguous with the first run: not needed
    b.upload(2, 2048).upload(3, 2048).abort();
    b.command(0x41, A).busy(250);
    const m = deviceMinimum(b.entries, COST, { protocol: 'dfuse', transferSize: 2048 });
    assert.equal(m.steps.upload, 4);
    assert.equal(m.steps['set-address'], 1);
    assert.equal(m.steps.abort, 1);
    assert.equal(m.busyMs, 1 + 250);
    // setup 3 (the alt's string, SET_INTERFACE, GETSTATUS) + SET_ADDRESS 3 + 4 UPLOADs + ABORT + erase 3
    assert.equal(m.transfers, 3 + 3 + 4 + 1 + 3);
    assert.equal(m.transferMs, 10 * 1 + 4 * 3);
  });
});

describe('deviceMinimum, DFU 1.1', () => {
  test('dapboot shape: blocks busy 100 ms, manifestation with a zero poll timeout', () => {
    const b = new TranscriptBuilder();
    b.descriptor().setInterface().status(STATE.dfuIDLE);
    b.block(0, 1024).busy(100);
    b.block(1, 1024).busy(100);
    b.block(2, 0).status(STATE.dfuMANIFEST, 0);
    const m = deviceMinimum(b.entries, COST, { protocol: 'dfu' });
    assert.equal(m.busyMs, 200);
    assert.deepEqual(m.steps, { erase: 0, 'set-address': 0, block: 2, leave: 1, command: 0, upload: 0, abort: 0 });
    // no string descriptor is needed: SET_INTERFACE + GETSTATUS, 2 blocks × 3, leave 2
    assert.equal(m.transfers, 2 + 6 + 2);
    assert.equal(m.transferMs, 8 * 1 + 2 * 2);
    assert.deepEqual(extraTransfers(m), { GET_DESCRIPTOR: 1 });
  });
});
