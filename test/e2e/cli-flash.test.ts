/**
 * The built CLI, through the `usb` package and real libusb, against emulated
 * devices (umockdev) — and dfu-util 0.11 against the same devices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dfuUtilAvailable, runWithDevices, umockdevAvailable } from './harness/run.js';
import { pattern as patternBytes } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const dfuUtil = dfuUtilAvailable();
const CLI = ['node', 'bin/dfu-flash'];

/** The shared test pattern as a Buffer (assertions here compare against Buffers). */
function pattern(length: number, seed: number): Buffer {
  return Buffer.from(patternBytes(length, seed));
}

const KIB100 = pattern(100 * 1024, 42);

function dfuRequests(transcript: { request: string }[]): string[] {
  return transcript.map((e) => e.request).filter((r) => r.startsWith('DFU_'));
}

describeOrSkip('dfu-flash through libusb (umockdev)', skip, () => {
  test('list shows the F4 ROM: four alt settings with their names, and the serial', async () => {
    const r = await runWithDevices({ profiles: [{ profile: 'stm32f4-sysboot', serial: '3276376D3334', port: '1.4' }], command: [...CLI, 'list', '--json'] });
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout) as { devices?: unknown[] } | unknown[];
    const devices = (Array.isArray(listed) ? listed : listed.devices) as { vendorId: number; productId: number; serial: string; portPath: string; alts: { name: string; alternateSetting: number }[] }[];
    assert.equal(devices.length, 1);
    const d = devices[0]!;
    assert.equal(d.vendorId, 0x0483);
    assert.equal(d.productId, 0xdf11);
    assert.equal(d.serial, '3276376D3334');
    assert.equal(d.portPath, '1-1.4');
    assert.deepEqual(
      d.alts.map((a) => a.name),
      ['@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', '@Option Bytes  /0x1FFFC000/01*016 g', '@OTP Memory /0x1FFF7800/01*512 g,01*016 g', '@Device Feature/0xFFFF0000/01*004 g'],
    );
    const text = await runWithDevices({ profiles: ['stm32f4-sysboot'], command: [...CLI, 'list'] });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /0483:df11\s+DFU\s+315A28A0B956/);
    assert.match(text.stdout, /Internal Flash: 0x08000000 4×16 KiB g, 1×64 KiB g, 7×128 KiB g/);
  });

  test('download -a 0 -s 0x08000000:leave of 100 KiB: bytes correct, only touched sectors erased, no early poll, exit 0', async () => {
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      timeScale: 0.1,
      files: { 'fw.bin': KIB100 },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'],
      dumpRanges: [{ address: 0x08000000, length: 0x20000 }],
    });
    assert.equal(r.code, 0, r.stderr);
    const dev = r.devices[0]!;
    const flash = dev.ranges[0]!.data!;
    assert.deepEqual(Buffer.from(flash.subarray(0, KIB100.length)), KIB100);
    assert.ok(flash.subarray(KIB100.length).every((b) => b === 0xff));
    assert.deepEqual(dev.eraseLog, [0x08000000, 0x08004000, 0x08008000, 0x0800c000, 0x08010000]);
    assert.equal(dev.earlyPolls, 0);
    assert.equal(dev.connected, false, 'the device left DFU mode');
    assert.match(r.stderr, /Downloaded 102400 bytes .*, verified; device left DFU mode/);
    // block addressing: one SET_ADDRESS for the run (+1 for the read-back, +1 for the leave jump), wBlockNum 2..51
    const dn = dev.transcript.filter((e) => e.request === 'DFU_DNLOAD');
    assert.deepEqual(dn.filter((e) => e.setup.wValue >= 2 && e.length > 0).map((e) => e.setup.wValue), Array.from({ length: 50 }, (_, i) => i + 2));
    assert.equal(dn.filter((e) => e.setup.wValue === 0).length, 5 + 3);
    // read back by default: the 50 blocks, block-addressed too
    const up = dev.transcript.filter((e) => e.request === 'DFU_UPLOAD');
    assert.deepEqual(up.map((e) => e.setup.wValue), Array.from({ length: 50 }, (_, i) => i + 2));
  });

  test('upload -a 0 -s 0x08000000:4096 reads back what is there', async () => {
    const data = pattern(4096, 5);
    const r = await runWithDevices({
      profiles: ['stm32f4-sysboot'],
      timeScale: 0.05,
      files: { 'fw.bin': data },
      command: ['sh', '-c', `node bin/dfu-flash download -s 0x08000000 {dir}/fw.bin && node bin/dfu-flash upload -a 0 -s 0x08000000:4096 {dir}/out.bin`],
      keep: true,
    });
    try {
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readFileSync(join(r.dir, 'out.bin')), data);
    } finally {
      rmSync(r.dir, { recursive: true, force: true });
    }
  });

  test('download fw.bin on dapboot lands at 0x08002000 and exits 0 after the device resets itself', async () => {
    const data = pattern(10_000, 9);
    const r = await runWithDevices({
      profiles: ['dapboot'],
      timeScale: 0.1,
      files: { 'fw.bin': data },
      command: [...CLI, 'download', '{dir}/fw.bin'],
      dumpRanges: [{ address: 0x08002000, length: data.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), data);
    assert.equal(r.devices[0]!.earlyPolls, 0);
    assert.equal(r.devices[0]!.connected, false);
  });

  test('download -a 0 -s 0x08008000 on the CubeMX bootloader is correct', async () => {
    const data = pattern(70_000, 3);
    const r = await runWithDevices({
      profiles: ['stm32f1-cubemx'],
      timeScale: 0.1,
      files: { 'app.bin': data },
      command: [...CLI, 'download', '-a', '0', '-s', '0x08008000', '{dir}/app.bin'],
      dumpRanges: [{ address: 0x08008000, length: data.length }],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Buffer.from(r.devices[0]!.ranges[0]!.data!), data);
  });

  test('bad -s, missing file, image too large: one-line error, distinct exit codes, no DFU request', async () => {
    const cases: [string[], number, RegExp][] = [
      [['download', '-s', '0x0800000g', '{dir}/fw.bin'], 64, /error: .*0x0800000g/],
      [['download', '-s', '0x08000000', '{dir}/missing.bin'], 66, /missing\.bin.*not found/],
      [['download', '-s', '0x08000000', '{dir}/big.bin'], 78, /does not fit|outside/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await runWithDevices({
        profiles: ['stm32f4-sysboot'],
        files: { 'fw.bin': pattern(100, 1), 'big.bin': pattern(1024 * 1024 + 1, 2) },
        command: [...CLI, ...args],
      });
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.ok(r.stderr.split('\n').some((l) => /hint:/.test(l)), 'a hint line');
      assert.deepEqual(dfuRequests(r.devices[0]!.transcript), [], `${args.join(' ')}: no DFU request`);
    }
  });
});

describeOrSkip('dfu-util 0.11 on the same devices', skip || (dfuUtil.ok ? false : dfuUtil.reason!), () => {
  test('dfu-util and dfu-flash produce the same flash contents on the F4 ROM', async () => {
    const opts = {
      profiles: ['stm32f4-sysboot'],
      timeScale: 0.1,
      files: { 'fw.bin': KIB100 },
      dumpRanges: [{ address: 0x08000000, length: 0x20000 }],
    };
    const ours = await runWithDevices({ ...opts, command: [...CLI, 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'] });
    const theirs = await runWithDevices({ ...opts, command: ['dfu-util', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'] });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(Buffer.from(ours.devices[0]!.ranges[0]!.data!), Buffer.from(theirs.devices[0]!.ranges[0]!.data!));
    assert.deepEqual(ours.devices[0]!.eraseLog, theirs.devices[0]!.eraseLog);
  });

  test('on dapboot dfu-util exits 74 after the device resets itself; dfu-flash exits 0, same flash', async () => {
    const data = pattern(10_000, 9);
    const opts = { profiles: ['dapboot'], timeScale: 0.1, files: { 'fw.bin': data }, dumpRanges: [{ address: 0x08002000, length: data.length }] };
    const ours = await runWithDevices({ ...opts, command: [...CLI, 'download', '{dir}/fw.bin'] });
    const theirs = await runWithDevices({ ...opts, command: ['dfu-util', '-D', '{dir}/fw.bin'] });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 74, theirs.stdout + theirs.stderr);
    assert.deepEqual(Buffer.from(ours.devices[0]!.ranges[0]!.data!), Buffer.from(theirs.devices[0]!.ranges[0]!.data!));
  });

  test('the CubeMX bootloader: same bytes from both', async () => {
    const data = pattern(70_000, 3);
    const opts = { profiles: ['stm32f1-cubemx'], timeScale: 0.1, files: { 'app.bin': data }, dumpRanges: [{ address: 0x08008000, length: data.length }] };
    const ours = await runWithDevices({ ...opts, command: [...CLI, 'download', '-a', '0', '-s', '0x08008000', '{dir}/app.bin'] });
    const theirs = await runWithDevices({ ...opts, command: ['dfu-util', '-a', '0', '-s', '0x08008000', '-D', '{dir}/app.bin'] });
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(Buffer.from(ours.devices[0]!.ranges[0]!.data!), data);
    // dfu-util interleaves erase and write per element; with one element the ERASEs still all come first, so it is correct too
    assert.equal(theirs.code, 0, theirs.stdout + theirs.stderr);
    assert.deepEqual(Buffer.from(theirs.devices[0]!.ranges[0]!.data!), data);
  });
});
