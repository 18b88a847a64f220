/** The harness itself: pass-through of exit status and output, files, the deadline, no stray processes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PYTHON, runWithDevices, umockdevAvailable } from './harness/run.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = umockdevAvailable();
const skip = available.ok ? false : `umockdev harness unavailable: ${available.reason}`;

/** Still running? (A killed orphan may linger as a zombie until init reaps it: that counts as dead.) */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describeOrSkip('umockdev harness', skip, () => {
  test('exit status, stdout, stderr and stdin pass through untouched; files land in {dir}; the command sees the testbed', async () => {
    const r = await runWithDevices({
      profiles: ['dapboot'],
      files: { 'in/data.txt': 'hello file\n' },
      stdin: 'from stdin\n',
      command: [
        'sh',
        '-c',
        'cat {dir}/in/data.txt; cat; echo "to stderr" >&2; test -n "$UMOCKDEV_DIR" && ls /sys/bus/usb/devices; exit 3',
      ],
    });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'hello file\nfrom stdin\n1-1\n');
    assert.equal(r.stderr, 'to stderr\n');
    assert.equal(r.timedOut, false);
    assert.deepEqual(
      r.devices.map((d) => [d.profile, d.bus, d.port, d.devnum, d.connected]),
      [['dapboot', 1, '1', 2, true]],
    );
  });

  test('the deadline kills the whole process group of the command (exit 124), nothing survives', async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      command: ['sh', '-c', 'sleep 30 & echo $!; sleep 30'],
      timeoutMs: 700,
    });
    assert.equal(r.code, 124);
    assert.equal(r.timedOut, true);
    const background = Number(r.stdout.trim());
    assert.ok(background > 0);
    // SIGKILL went to the whole group before the run returned; a busy machine may take a moment to end it
    for (let i = 0; i < 200 && running(background); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(running(background), false, 'the background sleep was killed too');
  });

  test('a command killed by a signal reports 128 + signal', async () => {
    const r = await runWithDevices({ profiles: ['dapboot'], command: ['sh', '-c', 'kill -TERM $$'] });
    assert.equal(r.code, 128 + 15);
  });

  test('usbdevfs without libusb: synchronous CONTROL (data, stall, timeout), CONNECTINFO, claims', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'GET_STATUS', action: 'silent' }] }],
      command: [PYTHON, 'test/e2e/scripts/usbfs_control.py', '/dev/bus/usb/001/002'],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      descriptor: { length: 18, data: '1201000100000040830411df002201020301' },
      stall: { errno: 32 }, // EPIPE
      silent: { errno: 110 }, // ETIMEDOUT
      after_silent: { length: 4, data: '12010001' },
      devnum: 2,
      caps: 0,
      second_claim: 16, // EBUSY: another fd holds interface 0
      missing_interface: 2, // ENOENT
    });
  });

  test('an unknown profile is a harness failure with the reason, not a silent pass', async () => {
    await assert.rejects(
      runWithDevices({ profiles: ['no-such-board'], command: ['true'] }),
      /umockdev harness failure: .*unknown simulated device profile 'no-such-board'/s,
    );
  });
});
