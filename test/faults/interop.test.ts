/**
 * Interop with dfu-util 0.11 on the same emulated devices (umockdev): what one
 * tool writes the other reads back byte for byte; files dfu-flash makes are
 * accepted by dfu-suffix and flashed by dfu-util to the same bytes as by
 * dfu-flash; every field of `dfu-util -l` is in `dfu-flash list --json`.
 * Skipped, with the reason, when umockdev or dfu-util is not available.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { addDfuSuffix, buildDfuseFile } from '../../src/formats/index.js';
import { appendDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { dfuUtilAvailable, REPO_ROOT, runWithDevices, umockdevAvailable, type RunOptions } from '../e2e/harness/run.js';
import { pattern, tempDir, writeIn } from './helpers.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const dfuUtil = dfuUtilAvailable();
const skip = !harness.ok ? `umockdev harness unavailable: ${harness.reason}` : !dfuUtil.ok ? dfuUtil.reason! : false;
const dfuSuffixOk = spawnSync('dfu-suffix', ['-V'], { encoding: 'utf8' }).status === 0;
const CLI = 'node bin/dfu-flash';

/** Run a shell line in a session; keep the scratch folder to read output files, then remove it. */
async function session(opts: Omit<RunOptions, 'command' | 'keep'>, line: string) {
  const r = await runWithDevices({ ...opts, command: ['sh', '-c', line], keep: true });
  const read = (name: string): Buffer => readFileSync(join(r.dir, name));
  const done = (): void => rmSync(r.dir, { recursive: true, force: true });
  return { r, read, done };
}

interface Case {
  name: string;
  profile: string;
  alt: string;
  address: number;
  data: Buffer;
}

const F4: Case = { name: 'F4 ROM', profile: 'stm32f4-sysboot', alt: '0', address: 0x08000000, data: Buffer.from(pattern(40_000, 31)) };
const CUBEMX: Case = { name: 'CubeMX bootloader', profile: 'stm32f1-cubemx', alt: '0', address: 0x08008000, data: Buffer.from(pattern(30_000, 32)) };
const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

describeOrSkip('interop with dfu-util 0.11 (umockdev)', skip, () => {
  for (const c of [F4, CUBEMX]) {
    test(`${c.name}: dfu-flash writes, dfu-util -U reads back the same bytes`, async () => {
      const s = await session(
        { profiles: [c.profile], files: { 'fw.bin': c.data }, dumpRanges: [{ address: c.address, length: c.data.length }] },
        `${CLI} download -a ${c.alt} -s ${hex(c.address)} {dir}/fw.bin && dfu-util -a ${c.alt} -s ${hex(c.address)}:${c.data.length} -U {dir}/out.bin`,
      );
      try {
        assert.equal(s.r.code, 0, s.r.stdout + s.r.stderr);
        assert.deepEqual(s.read('out.bin'), c.data);
        assert.deepEqual(Buffer.from(s.r.devices[0]!.ranges[0]!.data!), c.data);
      } finally {
        s.done();
      }
    });

    test(`${c.name}: dfu-util -D writes, dfu-flash upload reads back the same bytes`, async () => {
      // dfu-util exits without releasing its interface, and the harness keeps that claim for the rest of
      // the session (a kernel would drop it at exit): the flash dfu-util wrote is carried over to
      // dfu-flash through --sim-state, the same simulated device in a second process
      const r = await runWithDevices({ profiles: [c.profile], files: { 'fw.bin': c.data }, command: ['dfu-util', '-a', c.alt, '-s', hex(c.address), '-D', '{dir}/fw.bin'] });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const dir = tempDir();
      writeIn(dir, 'state.json', JSON.stringify({ format: 'dfu-flash-sim-state', version: 1, devices: [{ profile: c.profile, snapshot: r.devices[0]!.snapshot }] }));
      const up = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'bin/dfu-flash'), 'upload', '--simulate', c.profile, '--sim-time-scale', '0', '--sim-state', 'state.json', '-a', c.alt, '-s', `${hex(c.address)}:${c.data.length}`, 'out.bin'],
        { cwd: dir, encoding: 'utf8' },
      );
      assert.equal(up.status, 0, up.stderr);
      assert.deepEqual(readFileSync(join(dir, 'out.bin')), c.data);
    });
  }

  test('dapboot: dfu-flash upload and dfu-util -U read the same application area (a download ends with the device leaving, so nothing is written first)', async () => {
    const s = await session(
      { profiles: ['dapboot'], dumpRanges: [{ address: 0x08002000, length: 0xe000 }] },
      `${CLI} upload {dir}/ours.bin && dfu-util -U {dir}/theirs.bin`,
    );
    try {
      assert.equal(s.r.code, 0, s.r.stdout + s.r.stderr);
      const ours = s.read('ours.bin');
      assert.equal(ours.length, 0xe000, 'up to the end of the flash (a short frame ends it)');
      assert.deepEqual(ours, s.read('theirs.bin'));
      assert.deepEqual(ours, Buffer.from(s.r.devices[0]!.ranges[0]!.data!));
    } finally {
      s.done();
    }
  });

  test('a file with the suffix addDfuSuffix writes: dfu-suffix -c accepts it; dfu-util and dfu-flash put the same bytes in the flash', async () => {
    const payload = pattern(9000, 33);
    const file = addDfuSuffix(payload, { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200 });
    const opts = { profiles: ['stm32f4-sysboot'], files: { 'fw.bin': file }, dumpRanges: [{ address: 0x08000000, length: 0x4000 }] };
    const ours = await runWithDevices({ ...opts, command: ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000', '{dir}/fw.bin'] });
    const theirs = await runWithDevices({ ...opts, command: ['dfu-util', '-a', '0', '-s', '0x08000000', '-D', '{dir}/fw.bin'] });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stdout + theirs.stderr);
    const flash = Buffer.from(ours.devices[0]!.ranges[0]!.data!);
    assert.deepEqual(flash.subarray(0, payload.length), Buffer.from(payload), 'the payload without its suffix');
    assert.deepEqual(flash, Buffer.from(theirs.devices[0]!.ranges[0]!.data!));
    assert.deepEqual(ours.devices[0]!.eraseLog, theirs.devices[0]!.eraseLog);
  });

  test('a two-element .dfu from buildDfuseFile: dfu-util and dfu-flash put the same bytes in the flash', async () => {
    const a = pattern(5000, 34);
    const b = pattern(3000, 35);
    const file = buildDfuseFile([{ alternateSetting: 0, name: 'interop', segments: [{ address: 0x08000000, data: a }, { address: 0x08020000, data: b }] }], {
      idVendor: 0x0483,
      idProduct: 0xdf11,
    });
    const opts = {
      profiles: ['stm32f4-sysboot'],
      files: { 'fw.dfu': file },
      dumpRanges: [
        { address: 0x08000000, length: 0x4000 },
        { address: 0x08020000, length: 0x4000 },
      ],
    };
    const ours = await runWithDevices({ ...opts, command: ['node', 'bin/dfu-flash', 'download', '{dir}/fw.dfu'] });
    const theirs = await runWithDevices({ ...opts, command: ['dfu-util', '-a', '0', '-D', '{dir}/fw.dfu'] });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stdout + theirs.stderr);
    for (const [i, data] of [a, b].entries()) {
      const mine = Buffer.from(ours.devices[0]!.ranges[i]!.data!);
      assert.deepEqual(mine.subarray(0, data.length), Buffer.from(data));
      assert.deepEqual(mine, Buffer.from(theirs.devices[0]!.ranges[i]!.data!));
    }
  });

  test('dfu-flash convert … -o fw.dfu: dfu-suffix -c accepts it and dfu-util flashes it to the same bytes', async () => {
    const data = pattern(12_345, 36);
    const s = await session(
      { profiles: ['stm32f4-sysboot'], files: { 'fw.bin': data }, dumpRanges: [{ address: 0x08004000, length: 0x4000 }] },
      `${CLI} convert {dir}/fw.bin --address 0x08004000 -o {dir}/fw.dfu && dfu-suffix -c {dir}/fw.dfu && dfu-util -a 0 -D {dir}/fw.dfu`,
    );
    try {
      assert.equal(s.r.code, 0, s.r.stdout + s.r.stderr);
      assert.match(s.r.stdout, /Vendor ID:\s+0x0483/i);
      assert.deepEqual(Buffer.from(s.r.devices[0]!.ranges[0]!.data!).subarray(0, data.length), Buffer.from(data));
    } finally {
      s.done();
    }
  });

  test('every field dfu-util -l prints is in dfu-flash list --json (same session, same devices)', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', serial: '3276376D3334', port: '1.4' }, 'dapboot', 'stm32f1-cubemx', 'runtime-app'],
      command: ['sh', '-c', `dfu-util -l && echo ---SPLIT--- && ${CLI} list --json`],
    });
    assert.equal(r.code, 0, r.stderr);
    const [util, json] = r.stdout.split('---SPLIT---\n') as [string, string];
    const listed = JSON.parse(json) as { devices: ListedJson[] };
    const found = util.split('\n').filter((l) => l.startsWith('Found '));
    assert.equal(found.length, 4 + 1 + 1 + 1, util);
    let alts = 0;
    for (const line of found) {
      const m = /^Found (DFU|Runtime): \[([0-9a-f]{4}):([0-9a-f]{4})\] ver=([0-9a-f]{4}), devnum=(\d+), cfg=(\d+), intf=(\d+), path="([^"]+)", alt=(\d+), name="(.*)", serial="(.*)"$/.exec(line);
      assert.ok(m, line);
      const [, mode, vid, pid, ver, devnum, cfg, intf, path, alt, name, serial] = m as unknown as string[];
      const d = listed.devices.find((x) => x.portPath === path);
      assert.ok(d, `${path} listed`);
      assert.equal(d.vendorId, parseInt(vid!, 16), line);
      assert.equal(d.productId, parseInt(pid!, 16), line);
      assert.equal(d.bcdDevice, parseInt(ver!, 16), line);
      assert.equal(d.deviceAddress, Number(devnum), line);
      assert.equal(d.configurationValue, Number(cfg), line);
      assert.equal(d.serial, serial, line);
      assert.equal(d.mode, mode === 'DFU' ? 'dfu' : 'runtime', line);
      const a = d.alts.find((x) => x.interfaceNumber === Number(intf) && x.alternateSetting === Number(alt));
      assert.ok(a, `intf ${intf} alt ${alt} of ${path}`);
      assert.equal(a.name, name, line);
      alts++;
    }
    assert.equal(alts, listed.devices.reduce((n, d) => n + d.alts.length, 0), 'and dfu-flash lists no alt dfu-util does not');
  });
});

interface ListedJson {
  vendorId: number;
  productId: number;
  bcdDevice: number;
  deviceAddress: number;
  configurationValue: number;
  portPath: string;
  serial?: string;
  mode: string;
  alts: { interfaceNumber: number; alternateSetting: number; name?: string }[];
}

describeOrSkip('dfu-suffix 0.11 accepts the files dfu-flash writes (no device needed)', dfuSuffixOk ? false : 'dfu-suffix is not installed (apt-get install dfu-util)', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['addDfuSuffix, 0483:df11 bcdDevice 2200', addDfuSuffix(pattern(1000, 1), { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200 }), /BCD device:\s+0x2200[\s\S]*Product ID:\s+0xdf11[\s\S]*Vendor ID:\s+0x0483/i],
    ['addDfuSuffix, all "any"', addDfuSuffix(pattern(10, 2)), /Product ID:\s+0xffff[\s\S]*Vendor ID:\s+0xffff/i],
    // addDfuSuffix refuses an empty payload (nothing to flash); the writer underneath still matches dfu-suffix
    ['appendDfuSuffix, empty payload', appendDfuSuffix(new Uint8Array(0), { idVendor: 0x1209, idProduct: 0xdb42, bcdDevice: 0xffff, bcdDFU: 0x0100 }), /Product ID:\s+0xdb42[\s\S]*Vendor ID:\s+0x1209/i],
    ['buildDfuseFile, one target', buildDfuseFile([{ alternateSetting: 0, segments: [{ address: 0x08000000, data: pattern(100, 3) }] }]), /BCD DFU:\s+0x011a/i],
    [
      'buildDfuseFile, two targets, dfuse-pack size convention',
      buildDfuseFile(
        [
          { alternateSetting: 0, name: 'flash', segments: [{ address: 0x08000000, data: pattern(100, 4) }] },
          { alternateSetting: 1, name: 'ob', segments: [{ address: 0x1fffc000, data: pattern(16, 5) }] },
        ],
        { imageSizeConvention: 'dfuse-pack' },
      ),
      /BCD DFU:\s+0x011a/i,
    ],
  ];
  for (const [name, bytes, expected] of cases) {
    test(name, () => {
      const path = writeIn(tempDir(), 'f.dfu', bytes);
      const r = spawnSync('dfu-suffix', ['-c', path], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /contains a DFU suffix/i);
      assert.match(r.stdout, expected);
    });
  }

  test('and dfu-suffix -a on the same payload writes the same bytes as addDfuSuffix', () => {
    const payload = pattern(777, 6);
    const path = writeIn(tempDir(), 'p.bin', payload);
    const r = spawnSync('dfu-suffix', ['-v', '0483', '-p', 'df11', '-d', '2200', '-a', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(path)), addDfuSuffix(payload, { idVendor: 0x0483, idProduct: 0xdf11, bcdDevice: 0x2200 }));
  });
});
