import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostOverhead } from '../../bench/host-overhead.js';
import { caseMinimum, efficiencyCases } from '../../bench/figures/host-efficiency.js';
import { deviceMinimum } from '../../bench/minimum.js';
import { STATE, TranscriptBuilder } from './transcript-builder.js';

const COST = { smallMs: 1, dataMs: 1, dataLength: 2048 };

describe('per-transfer host overhead', () => {
  test('gaps between a completion and the next request, minus the poll timeout asked for; SET_INTERFACE and resets left out', () => {
    const b = new TranscriptBuilder(0.5)
      .descriptor()
      .setInterface(3)
      .status(STATE.dfuIDLE, 0, 0.25)
      .block(2, 2048, 0.5)
      .status(STATE.dfuDNBUSY, 20, 0.5)
      .status(STATE.dfuDNLOAD_IDLE, 0, 20.75); // 0.75 ms after the 20 ms it asked for
    const h = hostOverhead([b.entries]);
    // descriptor→setInterface and setInterface→status are not counted; then 0.5, 0.5, 0.75
    assert.equal(h.transfers, 3);
    assert.ok(Math.abs(h.totalMs - 1.75) < 1e-9);
    assert.ok(Math.abs(h.meanMs - 1.75 / 3) < 1e-9);
    assert.equal(h.medianMs, 0.5);
  });

  test('two devices (an application, then its bootloader): no gap across them', () => {
    const app = new TranscriptBuilder().descriptor().status(STATE.dfuIDLE, 0, 2);
    const rom = new TranscriptBuilder().descriptor(500).status(STATE.dfuERROR, 0, 1);
    assert.equal(hostOverhead([app.entries, rom.entries]).transfers, 2);
  });
});

describe('the efficiency cases and their minimum', () => {
  test('the four rows of the issue, --no-verify inserted after `download` when the CLI has it, quick drops the 1 MiB run', () => {
    const full = efficiencyCases({ quick: false, runs: 3, noVerify: ['--no-verify'] });
    assert.deepEqual(full.map((c) => [c.label, c.profile, c.goal]), [
      ['F4 ROM, 1 MiB', 'stm32f4-sysboot', 1.03],
      ['F4 ROM, 100 KiB (start-up counts)', 'stm32f4-sysboot', 1.06],
      ['dapboot, 100 KiB', 'dapboot-128k', 1.04],
      ['runtime app without WillDetach → DETACH, reset → flash 100 KiB', 'runtime-app-reset', 1.1],
    ]);
    assert.deepEqual(full[1]!.dfuFlash, ['node', 'bin/dfu-flash', 'download', '--no-verify', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin']);
    assert.deepEqual(full[2]!.dfuFlash, ['node', 'bin/dfu-flash', 'download', '--no-verify', '{dir}/fw.bin']);
    const quick = efficiencyCases({ quick: true, runs: 1, noVerify: [] });
    assert.deepEqual(quick.map((c) => c.label), full.slice(1).map((c) => c.label));
    assert.deepEqual(quick[0]!.dfuFlash, ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin']);
  });

  test('a detached application adds DETACH, the reset and its re-enumeration time to the bootloader\'s minimum', () => {
    const rom = new TranscriptBuilder().descriptor().setInterface().status(STATE.dfuIDLE).block(2, 1024).busy(20);
    const [runtime] = efficiencyCases({ quick: true, runs: 1, noVerify: [] }).filter((c) => c.profile === 'runtime-app-reset');
    const plain = deviceMinimum(rom.entries, COST, { protocol: 'dfuse', transferSize: 2048 });
    const m = caseMinimum(runtime!, [new TranscriptBuilder().descriptor().entries, rom.entries], { cost: { ...COST, cpuPerTransferMs: 0, samples: { small: [], data: [], cpuPerTransfer: [] } } });
    assert.equal(m.minimumMs, plain.minimumMs + 2 * COST.smallMs + runtime!.detachReenumerateMs!);
    assert.equal(runtime!.detachReenumerateMs, 300);
  });
});
