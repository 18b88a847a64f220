/**
 * Never poll early, through real libusb: devices whose poll timeouts are
 * 0–5 ms ('short-poll' timing: every wait ÷ 100), where a host that wakes a
 * fraction of a millisecond early sends its GETSTATUS too soon. The harness
 * dates every request and reply by the host's own URB times, and every run
 * fails on an early poll (runWithDevices); these runs flash whole images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const CLI = ['node', 'bin/dfu-flash'];
const WAIT_STATES = new Set(['dfuDNBUSY', 'dfuDNLOAD-SYNC', 'dfuMANIFEST', 'dfuMANIFEST-SYNC']);

describeOrSkip('poll timeouts of 0–5 ms through libusb (short-poll timing)', skip, () => {
  test('F4 ROM, 100 KiB, three runs in a row (the last with :leave): the image lands, no GETSTATUS before its bwPollTimeout', async () => {
    const image = pattern(100 * 1024, 77);
    const run = (s: string): string => [...CLI, 'download', '-a', '0', '-s', s, '{dir}/fw.bin'].join(' ');
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      timing: 'short-poll',
      timeScale: 1,
      files: { 'fw.bin': image },
      command: ['sh', '-c', `${run('0x08000000')} && ${run('0x08000000')} && ${run('0x08000000:leave')}`],
      dumpRanges: [{ address: 0x08000000, length: image.length }],
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const dev = r.devices[0]!;
    assert.deepEqual(Buffer.from(dev.ranges[0]!.data!), Buffer.from(image));
    assert.equal(dev.connected, false, 'left DFU mode after the last run');
    const polls = r.devices.flatMap((d) => d.transcript.filter((e) => e.request === 'DFU_GETSTATUS'));
    assert.ok(polls.length > 150, `${polls.length} GETSTATUS`);
    assert.ok(polls.some((e) => WAIT_STATES.has(e.state)), 'the device asked for waits');
    assert.equal(r.devices.reduce((n, d) => n + d.earlyPolls, 0), 0);
  });

  test('dapboot (plain DFU 1.1, 1 ms poll timeouts), 40 KiB: the image lands, no early GETSTATUS', async () => {
    const image = pattern(40 * 1024, 78);
    const r = await runWithDevices({
      profiles: ['dapboot'],
      timing: 'short-poll',
      timeScale: 1,
      files: { 'fw.bin': image },
      command: [...CLI, 'download', '{dir}/fw.bin'],
      dumpRanges: [{ address: 0x08002000, length: image.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), Buffer.from(image));
    assert.equal(r.devices[0]!.earlyPolls, 0);
  });
});
