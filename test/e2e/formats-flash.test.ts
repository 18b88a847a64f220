/**
 * Every firmware file a user has, through the built CLI and real libusb
 * (umockdev): addresses from the file, DfuSe targets, suffix checks, verify,
 * skip-unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { addDfuSuffix, buildDfuseFile, toIntelHex } from '../../src/formats/index.js';
import type { FirmwareImage } from '../../src/formats/image.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const CLI = ['node', 'bin/dfu-flash'];

function image(segments: [number, Uint8Array][]): FirmwareImage {
  return { format: 'test', addressed: true, segments: segments.map(([address, data]) => ({ address, data })) };
}

const dfuRequests = (t: { request: string }[]) => t.filter((e) => e.request.startsWith('DFU_'));

describeOrSkip('firmware files through libusb (umockdev)', skip, () => {
  test('fw.hex on the F4 ROM (no -s) lands at the addresses in the file', async () => {
    const a = pattern(5000, 1);
    const b = pattern(3000, 2);
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      files: { 'fw.hex': toIntelHex(image([[0x08000000, a], [0x08020000, b]])) },
      command: [...CLI, 'download', '{dir}/fw.hex'],
      dumpRanges: [{ address: 0x08000000, length: 5000 }, { address: 0x08020000, length: 3000 }],
    });
    assert.equal(r.code, 0, r.stderr);
    const d = r.devices[0]!;
    assert.deepEqual(d.ranges[0]!.data, a);
    assert.deepEqual(d.ranges[1]!.data, b);
    assert.deepEqual(d.eraseLog, [0x08000000, 0x08020000]);
  });

  test('fw.hex on dapboot lands at 0x08002000', async () => {
    const a = pattern(7000, 3);
    const r = await runWithDevices({
      profiles: ['dapboot'],
      files: { 'fw.hex': toIntelHex(image([[0x08002000, a]])) },
      command: [...CLI, 'download', '{dir}/fw.hex'],
      dumpRanges: [{ address: 0x08002000, length: a.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.devices[0]!.ranges[0]!.data, a);
  });

  test('a two-element .dfu lands both elements', async () => {
    const a = pattern(14_784, 4);
    const b = pattern(30_000, 5);
    const dfu = buildDfuseFile([{ alternateSetting: 0, name: 'ST...', segments: [{ address: 0x08000000, data: a }, { address: 0x08020000, data: b }] }], {
      idVendor: 0x0483,
      idProduct: 0xdf11,
    });
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      files: { 'fw.dfu': dfu },
      command: [...CLI, 'download', '-s', ':leave', '{dir}/fw.dfu'],
      dumpRanges: [{ address: 0x08000000, length: a.length }, { address: 0x08020000, length: b.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.devices[0]!.ranges[0]!.data, a);
    assert.deepEqual(r.devices[0]!.ranges[1]!.data, b);
    assert.equal(r.devices[0]!.connected, false);
  });

  test('a suffix with the wrong VID/PID is refused before any transfer', async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      files: { 'fw.bin': addDfuSuffix(pattern(1000, 6), { idVendor: 0x1eaf, idProduct: 0x0003 }) },
      command: [...CLI, 'download', '-s', '0x08000000', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 78, r.stderr);
    assert.match(r.stderr, /1eaf:0003.*0483:df11/);
    assert.deepEqual(dfuRequests(r.devices[0]!.transcript), []);
  });

  test('--verify catches a corrupted write: exit 79, the first differing address, no leave', async () => {
    const a = pattern(20_000, 8);
    const r = await runWithDevices({
      // DNLOADs: ERASE 0x08000000, ERASE 0x08004000, SET_ADDRESS, block 2, block 3 ← the 5th arrives damaged
      profiles: [{ profile: 'stm32f4-sysboot', faults: [{ request: 'DFU_DNLOAD', nth: 5, action: 'corrupt' }] }],
      files: { 'fw.bin': a },
      command: [...CLI, 'download', '--verify', '-s', '0x08000000:leave', '{dir}/fw.bin'],
    });
    assert.equal(r.code, 79, r.stderr);
    assert.match(r.stderr, /verify failed: byte at 0x08000864 is 0x[0-9a-f]{2}, expected 0x[0-9a-f]{2}/);
    assert.equal(r.devices[0]!.connected, true, 'no leave after a failed verify');
  });

  test('re-flashing 512 KiB with one sector changed (--skip-unchanged) erases and writes only that sector', async () => {
    const v1 = pattern(512 * 1024, 7);
    const v2 = v1.slice();
    v2[0x4000 + 99] = v2[0x4000 + 99]! ^ 0x5a; // in the 16 KiB sector at 0x08004000
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      timeScale: 0.02,
      timeoutMs: 120_000,
      files: { 'v1.bin': v1, 'v2.bin': v2 },
      command: ['sh', '-c', 'node bin/dfu-flash download -s 0x08000000 {dir}/v1.bin && node bin/dfu-flash download --skip-unchanged --verify --json -s 0x08000000 {dir}/v2.bin'],
      dumpRanges: [{ address: 0x08000000, length: v2.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    const d = r.devices[0]!;
    assert.deepEqual(d.ranges[0]!.data, v2);
    assert.deepEqual(d.eraseLog, [0x08000000, 0x08004000, 0x08008000, 0x0800c000, 0x08010000, 0x08020000, 0x08040000, 0x08060000, 0x08004000]);
    const second = d.writeLog.slice(-8);
    assert.ok(second.every((w) => w.address >= 0x08004000 && w.address < 0x08008000), 'the second run wrote only inside 0x08004000..0x08008000');
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; skipped?: { sectors: number; bytes: number }; verified?: boolean };
    assert.equal(result.ok, true);
    assert.deepEqual(result.skipped, { sectors: 7, bytes: 512 * 1024 - 16 * 1024 });
    assert.equal(result.verified, true);
  });
});
