/**
 * Device faults through real libusb: the built CLI under umockdev against the
 * same simulated devices, with a fault armed on the device (a stall, a
 * GETSTATUS that never completes, an unplug during the download, errVENDOR on
 * upload). Exit status and stderr as a user sees them; where the device is
 * still there, the same command run again in the same session succeeds.
 * Skipped, with the reason, when umockdev is not available.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import type { SimFaultSpec } from '../../src/sim/index.js';
import { runWithDevices, umockdevAvailable } from '../e2e/harness/run.js';
import { pattern } from './helpers.js';
import { calibrate, nthOf, SCENARIOS } from './matrix.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const IMAGE = pattern(20 * 1024, 21); // the matrix's F4 image (matrix.ts)
const DOWNLOAD = ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];
/**
 * With a shorter transfer timeout, so a device that never answers costs 2 s, not 5 — only where a device is
 * silent: elsewhere a deadline that a busy machine can reach races the fault (TIMEOUT instead of the stall).
 */
const QUICK = [...DOWNLOAD.slice(0, -1), '--transfer-timeout', '2000', DOWNLOAD[DOWNLOAD.length - 1]!];
const UPLOAD = ['node', 'bin/dfu-flash', 'upload', '-a', '0', '-s', '0x08000000:8192', '--force', '{dir}/dump.bin'];

/** The first command (its exit status goes to stderr), then the rerun in the same session (the session's exit status). */
function twice(first: string[], rerun: string[]): string[] {
  const quote = (argv: string[]): string => argv.map((a) => `'${a}'`).join(' ');
  return ['sh', '-c', `${quote(first)}; echo "first-exit=$?" >&2; ${quote(rerun)}`];
}

async function nth(scenario: number, step: string, request: SimFaultSpec['request'], k: number): Promise<number> {
  const s = SCENARIOS[scenario]!;
  return nthOf(await calibrate(s), { step: step as never, request: request as never, k });
}

describeOrSkip('device faults through libusb (umockdev)', skip, () => {
  test('a stalled ERASE: exit 74, the stall and the status after it on stderr, a hint; the rerun succeeds', async () => {
    const faults: SimFaultSpec[] = [{ request: 'DFU_DNLOAD', nth: await nth(0, 'erase', 'DFU_DNLOAD', 2), action: 'stall' }];
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults }],
      files: { 'fw.bin': IMAGE },
      command: twice(DOWNLOAD, DOWNLOAD),
      dumpRanges: [{ address: 0x08000000, length: IMAGE.length }],
    });
    assert.match(r.stderr, /first-exit=74/);
    const first = r.stderr.split('first-exit=')[0]!;
    assert.match(first, /dfu-flash: error: ERASE at 0x08004000: DFU_DNLOAD .*; the device then reports errSTALLEDPKT/);
    assert.match(first, /\n {2}hint: .+/);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), Buffer.from(IMAGE));
    assert.deepEqual(r.devices[0]!.faultsFired.map((f) => f.request), ['DFU_DNLOAD']);
  });

  test('a GETSTATUS that never completes: our deadline fires (exit 74 after --transfer-timeout), the rerun succeeds', async () => {
    const faults: SimFaultSpec[] = [{ request: 'DFU_GETSTATUS', nth: await nth(0, 'download', 'DFU_GETSTATUS', 3), action: 'silent' }];
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults }],
      files: { 'fw.bin': IMAGE },
      command: twice(QUICK, DOWNLOAD),
      dumpRanges: [{ address: 0x08000000, length: IMAGE.length }],
    });
    assert.match(r.stderr, /first-exit=74/);
    const first = r.stderr.split('first-exit=')[0]!;
    assert.match(first, /dfu-flash: error: download of 2048 bytes at 0x08000000: DFU_GETSTATUS .*2000 ms/);
    assert.match(first, /\n {2}hint: .+/);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), Buffer.from(IMAGE));
  });

  test('unplugged during the download: exit 74, "has left the bus" with the phase and address', async () => {
    const faults: SimFaultSpec[] = [{ request: 'DFU_DNLOAD', nth: await nth(0, 'download', 'DFU_DNLOAD', 3), action: 'gone' }];
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults }],
      files: { 'fw.bin': IMAGE },
      command: DOWNLOAD,
    });
    assert.equal(r.code, 74, r.stderr);
    assert.match(r.stderr, /^dfu-flash: error: download of 2048 bytes at 0x08000800: .*(left the bus|no longer|disconnected|NO_DEVICE)/im);
    assert.match(r.stderr, /\n {2}hint: .+/);
    assert.equal(r.devices[0]!.connected, false);
  });

  test('errVENDOR on upload (read-out protection): exit 74, and stderr says how to lift it; nothing written to the output', async () => {
    const faults: SimFaultSpec[] = [{ request: 'DFU_UPLOAD', nth: 1, action: { status: DfuStatus.errVENDOR } }];
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults }],
      files: { 'dump.bin': 'old' },
      command: ['sh', '-c', `${UPLOAD.map((a) => `'${a}'`).join(' ')}; code=$?; cat {dir}/dump.bin; exit $code`],
    });
    assert.equal(r.code, 74, r.stderr);
    assert.match(r.stderr, /dfu-flash: error: upload of 2048 bytes at 0x08000000: DFU_UPLOAD .*; the device then reports errVENDOR/);
    assert.match(r.stderr, /hint: read-out protection is probably active, so the memory cannot be read; lifting it with -s :unprotect:force/);
    assert.equal(r.stdout, 'old', 'the old file is intact');
  });
});
