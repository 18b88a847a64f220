/**
 * Stuck devices through real libusb (umockdev): a device left in dfuDNBUSY by
 * an earlier run, or wedged during this one. Each kind the simulator models
 * (freed by DFU_ABORT, by the DFU_CLRSTATUS pair, by a USB reset, by nothing)
 * meets the built CLI; the device's own transcript shows what was sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const IMAGE = pattern(20 * 1024, 90);
const DOWNLOAD = ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000', '{dir}/fw.bin'];
/** Two runs in one harness session, the first one's exit status on stderr. */
const TWICE = ['sh', '-c', `${DOWNLOAD.join(' ')}; echo "first run: exit $?" >&2; ${DOWNLOAD.join(' ')}`];

const recoveryRequests = (transcript: { request: string }[]): string[] =>
  transcript.map((e) => e.request).filter((r) => r === 'DFU_ABORT' || r === 'DFU_CLRSTATUS' || r === 'BUS_RESET');

describeOrSkip('stuck devices through libusb', skip, () => {
  test('left stuck until the DFU_CLRSTATUS pair: the run frees it (ABORT stalls, the pair works) and flashes the image', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', nth: 1, action: { stuck: 'clrstatus', pollMs: 20 } }] }],
      timeScale: 0.05,
      files: { 'fw.bin': IMAGE },
      command: DOWNLOAD,
      dumpRanges: [{ address: 0x08000000, length: IMAGE.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stuck in dfuDNBUSY \(left so by an earlier run\?\); DFU_CLRSTATUS freed it/);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), Buffer.from(IMAGE));
    assert.deepEqual(recoveryRequests(r.devices[0]!.transcript).slice(0, 3), ['DFU_ABORT', 'DFU_CLRSTATUS', 'DFU_CLRSTATUS']);
  });

  test('wedged during the download until DFU_ABORT: the run fails saying ABORT freed it, and the next run succeeds', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_DNLOAD', nth: 5, action: { stuck: 'abort', pollMs: 20 } }] }],
      timeScale: 0.05,
      files: { 'fw.bin': IMAGE },
      command: TWICE,
      dumpRanges: [{ address: 0x08000000, length: IMAGE.length }],
    });
    assert.match(r.stderr, /it is stuck; DFU_ABORT freed it/);
    assert.match(r.stderr, /run the command again/);
    assert.match(r.stderr, /first run: exit 74/);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), Buffer.from(IMAGE));
  });

  test('left stuck until a USB reset: the run resets it, it re-enumerates, and the next run flashes the image', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', nth: 1, action: { stuck: 'reset', pollMs: 20 } }] }],
      timeScale: 0.05,
      files: { 'fw.bin': IMAGE },
      // the second run waits (-w) for the board to come back from its reset: no fixed sleep to outrun
      command: ['sh', '-c', `${DOWNLOAD.join(' ')}; echo "first run: exit $?" >&2; ${[...DOWNLOAD.slice(0, 3), '-w', ...DOWNLOAD.slice(3)].join(' ')}`],
      dumpRanges: [{ address: 0x08000000, length: IMAGE.length }],
    });
    assert.match(r.stderr, /left the bus after a USB reset and comes back freed/);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.devices.length, 2, 'the reset made it re-enumerate');
    assert.equal(r.devices[1]!.replaces, r.devices[0]!.dev);
    assert.deepEqual(recoveryRequests(r.devices[0]!.transcript).slice(-1), ['BUS_RESET']);
    assert.deepEqual(Buffer.from(r.devices[1]!.ranges[0]!.data!), Buffer.from(IMAGE));
  });

  test('stuck for good: every step is tried once and the user is told to power-cycle', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_GETSTATUS', nth: 1, action: { stuck: 'forever', pollMs: 20 } }] }],
      timeScale: 0.05,
      files: { 'fw.bin': IMAGE },
      command: DOWNLOAD,
    });
    assert.equal(r.code, 74, r.stderr);
    assert.match(r.stderr, /nothing freed it \(DFU_ABORT, DFU_CLRSTATUS twice, a USB reset\): power-cycle the board/);
    const tried = recoveryRequests(r.devices[0]!.transcript);
    assert.deepEqual([tried[0], tried[1], tried.at(-1)], ['DFU_ABORT', 'DFU_CLRSTATUS', 'BUS_RESET']);
    assert.equal(r.devices[0]!.state, 'dfuDNBUSY');
  });
});
