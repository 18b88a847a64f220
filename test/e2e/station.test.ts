/**
 * `dfu-flash station` through the `usb` package and real libusb against
 * emulated boards (umockdev), boards plugged in while it runs: each flashed
 * exactly once with the right bytes and --count ends it; a board whose new
 * firmware comes back as a runtime DFU application is neither detached nor
 * flashed again, and an unrelated runtime-DFU device gets no DFU request; a
 * board that fails is reported while the others finish; a board back in its
 * bootloader (BOOT0 high) is a warning; --again; Ctrl-C twice; --timeout; the
 * log killed mid-run holds whole lines only. Ctrl-C and file anchors come from
 * on-output.js, which acts on the station's own --json lines, never on time.
 *
 * Measured (diagnostic): the time from a board's arrival (the harness's plug)
 * to the first DFU request it receives (its transcript).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DfuStatus } from '../../src/dfu/constants.js';
import { REPO_ROOT, runWithDevices, umockdevAvailable, type DeviceState, type RunResult } from './harness/run.js';
import { pattern } from '../support/pattern.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const harness = umockdevAvailable();
const skip = harness.ok ? false : `umockdev harness unavailable: ${harness.reason}`;
const CLI = [process.execPath, 'bin/dfu-flash'];
const ON_OUTPUT = [process.execPath, join(REPO_ROOT, 'dist/test/e2e/scripts/on-output.js')];
const BASE = 0x08000000;
const FW = pattern(20 * 1024, 21);
const RANGE = [{ address: BASE, length: FW.length }];

const dfuRequests = (d: DeviceState): string[] => d.transcript.map((e) => e.request).filter((r) => r.startsWith('DFU_'));
const written = (d: DeviceState): number => d.writeLog.reduce((n, w) => n + w.length, 0);
const jsonLines = (r: RunResult): Record<string, unknown>[] =>
  r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function readLog(r: RunResult, name = 'log.ndjson'): string {
  try {
    return readFileSync(join(r.dir, name), 'utf8');
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
}

/** ms from each board's plug to its first DFU request (the boards that got one). */
function arrivalToFirstRequest(r: RunResult): number[] {
  const offset = r.transcriptEpochOffsetMs;
  if (offset === undefined) return [];
  return r.devices.flatMap((d) => {
    const plug = r.timeline.find((c) => c.type === 'plug' && c.dev === d.dev);
    const first = d.transcript.find((e) => e.request.startsWith('DFU_'));
    return plug === undefined || first === undefined ? [] : [Math.round(offset + first.t - plug.epochMs)];
  });
}

describeOrSkip('dfu-flash station through libusb (umockdev)', skip, () => {
  test('three boards, two plugged in after the station started: each flashed exactly once with the right bytes, --count 3 ends it, three log lines', async (t) => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'stm32f4-sysboot', serial: 'A00000000001', name: 'A' },
        { profile: 'stm32f4-sysboot', serial: 'B00000000002', name: 'B', plugAfter: 'listening', plugAtMs: 200 },
        { profile: 'stm32f4-sysboot', serial: 'C00000000003', name: 'C', plugAfter: { gone: 'A' }, plugAtMs: 100 },
      ],
      files: { 'fw.bin': FW },
      command: [...CLI, 'station', '-a', '0', '-s', '0x08000000:leave', '--count', '3', '--log', '{dir}/log.ndjson', '--json', '{dir}/fw.bin'],
      dumpRanges: RANGE,
      keep: true,
      timeoutMs: 60000,
    });
    const log = readLog(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.devices.length, 3, 'no other device appeared');
    for (const d of r.devices) {
      assert.deepEqual(Buffer.from(d.ranges[0]!.data!), Buffer.from(FW), `${d.serial}: the image`);
      assert.equal(written(d), FW.length, `${d.serial}: written once`);
      assert.equal(dfuRequests(d).filter((q) => q === 'DFU_DNLOAD').length > 0, true);
    }
    const lines = jsonLines(r);
    assert.deepEqual(lines.filter((l) => l['type'] === 'board-finished').map((l) => [l['serial'], l['ok']]).sort(), [['A00000000001', true], ['B00000000002', true], ['C00000000003', true]]);
    assert.deepEqual([lines.at(-1)!['type'], lines.at(-1)!['boards'], lines.at(-1)!['reason']], ['result', 3, 'count']);
    const entries = log.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(entries.map((e) => e['serial']).sort(), ['A00000000001', 'B00000000002', 'C00000000003']);
    assert.ok(entries.every((e) => e['result'] === 'ok' && typeof e['files'] === 'object'));
    const latency = arrivalToFirstRequest(r);
    t.diagnostic(`arrival (plug) → first DFU request, ms: ${latency.join(', ')} (boards ${r.devices.map((d) => d.serial).join(', ')}; the first was on the bus before the station started)`);
  });

  test('eight boards plugged in one after another on one port, each once the previous one left: all flashed; arrival → first DFU request measured', async (t) => {
    const names = 'ABCDEFGH'.split('');
    const r = await runWithDevices({
      profiles: names.map((n, i) => ({
        profile: 'stm32f4-sysboot',
        serial: `${n}0000000000${i + 1}`,
        name: n,
        port: '1',
        plugAfter: i === 0 ? ('listening' as const) : { gone: names[i - 1]! },
        plugAtMs: 100,
      })),
      files: { 'fw.bin': FW },
      command: [...CLI, 'station', '-a', '0', '-s', '0x08000000:leave', '--count', '8', '--json', '{dir}/fw.bin'],
      dumpRanges: RANGE,
      timeoutMs: 90000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.devices.length, 8);
    for (const d of r.devices) assert.equal(written(d), FW.length, `${d.serial}: flashed once`);
    const latency = arrivalToFirstRequest(r);
    assert.equal(latency.length, 8);
    const sorted = [...latency].sort((a, b) => a - b);
    t.diagnostic(`arrival (plug) → first DFU request, ms, 8 boards plugged while the station runs: ${latency.join(', ')}; median ${sorted[4]}, min ${sorted[0]}, max ${sorted[7]}`);
  });

  test('a board whose new firmware comes back as a runtime DFU application is neither detached nor flashed again; an unrelated runtime-DFU device gets no DFU request', async () => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'runtime-app', serial: 'UNRELATED001', port: '1' },
        { profile: 'stm32f4-leave-app', serial: 'ROM000000001', port: '2', plugAfter: 'listening', plugAtMs: 100 },
      ],
      files: { 'fw.bin': FW },
      command: [...ON_OUTPUT, '--signal', 'type=board-returned', 'SIGINT', '--', ...CLI, 'station', '-a', '0', '-s', '0x08000000:leave', '--json', '{dir}/fw.bin'],
      dumpRanges: RANGE,
      timeoutMs: 60000,
    });
    assert.equal(r.code, 0, r.stderr);
    const [unrelated, rom, app] = r.devices;
    assert.deepEqual([unrelated?.profile, rom?.profile, app?.profile], ['runtime-app', 'stm32f4-leave-app', 'runtime-app']);
    assert.equal(app!.replaces, rom!.dev, 'the application enumerated on the ROM\'s port after :leave');
    assert.deepEqual(Buffer.from(rom!.ranges[0]!.data!), Buffer.from(FW));
    assert.deepEqual(dfuRequests(unrelated!), [], 'the unrelated runtime device got no DFU request');
    assert.deepEqual(dfuRequests(app!), [], 'the new application was neither detached nor flashed');
    const returned = jsonLines(r).find((l) => l['type'] === 'board-returned')!;
    assert.deepEqual([returned['board'], returned['as']], ['1-2', 'application']);
    assert.equal(jsonLines(r).filter((l) => l['type'] === 'board-started').length, 1);
  });

  test('a board that fails (an error status in the middle) is reported with its error while the others finish', async () => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'stm32f4-sysboot', serial: 'OK0000000001' },
        { profile: 'stm32f4-sysboot', serial: 'BAD000000002', plugAfter: 'listening', faults: [{ request: 'DFU_GETSTATUS', nth: 12, action: { status: DfuStatus.errWRITE } }] },
        { profile: 'stm32f4-sysboot', serial: 'OK0000000003', plugAfter: 'listening', plugAtMs: 50 },
      ],
      files: { 'fw.bin': FW },
      command: [...CLI, 'station', '-a', '0', '-s', '0x08000000', '--count', '3', '{dir}/fw.bin'],
      dumpRanges: RANGE,
      timeoutMs: 60000,
    });
    assert.equal(r.code, 76, r.stderr);
    assert.match(r.stderr, /^\[1-2 #\d\] dfu-flash: error: .*errWRITE/m);
    assert.match(r.stderr, /^\[1-2 #\d\] {3}hint: /m);
    assert.match(r.stderr, /^station: 3 boards in .*: 2 ok, 1 failed \(#\d 1-2\)/m);
    for (const d of [r.devices[0]!, r.devices[2]!]) assert.deepEqual(Buffer.from(d.ranges[0]!.data!), Buffer.from(FW), d.serial);
    assert.ok(written(r.devices[1]!) < FW.length);
    assert.equal(r.stderr.match(/^\[1-2 #\d\] flashing$/gm)?.length, 1, 'not retried');
    assert.deepEqual(r.devices[1]!.eraseLog, [BASE, BASE + 0x4000], 'erased once: one download, not retried');
  });

  test('a board back in its bootloader after :leave (BOOT0 high): "came back to the bootloader", not flashed again', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-boot0-high', serial: 'BOOT00000001' }],
      files: { 'fw.bin': FW },
      command: [...ON_OUTPUT, '--signal', 'type=board-returned', 'SIGINT', '--', ...CLI, 'station', '-a', '0', '-s', '0x08000000:leave', '--json', '{dir}/fw.bin'],
      dumpRanges: RANGE,
      timeoutMs: 60000,
    });
    assert.equal(r.code, 0, r.stderr);
    const [first, back] = r.devices;
    assert.equal(back!.replaces, first!.dev);
    assert.deepEqual(dfuRequests(back!), [], 'the ROM that came back got no DFU request');
    assert.deepEqual(Buffer.from(back!.ranges[0]!.data!), Buffer.from(FW), 'it holds the image');
    assert.match(r.stderr, /^\[1-1 #1\] dfu-flash: warning: came back to the bootloader \(0483:df11 serial BOOT00000001\)/m);
    assert.equal(jsonLines(r).at(-1)!['returnedToBootloader'], 1);
  });

  for (const again of [true, false]) {
    test(`the board unplugged and plugged in again: ${again ? 'flashed again with --again' : 'skipped without --again'}`, async () => {
      const r = await runWithDevices({
        profiles: [
          { profile: 'stm32f4-boot0-high', serial: 'AGAIN0000001', name: 'A', unplugAfter: { file: 'returned' } },
          { profile: 'stm32f4-boot0-high', name: 'A', plugAtMs: 100 },
        ],
        files: { 'fw.bin': FW },
        command: [
          ...ON_OUTPUT,
          '--touch', 'type=board-returned,number=1', '{dir}/returned',
          '--signal', again ? 'type=board-returned,number=2' : 'type=board-skipped', 'SIGINT',
          '--', ...CLI, 'station', '-a', '0', '-s', '0x08000000:leave', '--json', '{dir}/fw.bin', ...(again ? ['--again'] : []),
        ],
        dumpRanges: RANGE,
        timeoutMs: 60000,
      });
      assert.equal(r.code, 0, r.stderr);
      const replugged = r.devices.find((d) => d.slot === 1 && d.replaces === undefined)!;
      assert.equal(replugged.serial, 'AGAIN0000001');
      const started = jsonLines(r).filter((l) => l['type'] === 'board-started');
      if (again) {
        assert.equal(started.length, 2);
        assert.equal(written(replugged), FW.length, 'flashed again');
      } else {
        assert.equal(started.length, 1);
        assert.deepEqual(dfuRequests(replugged), []);
        assert.match(r.stderr, /flashed already as board #1 \(same port and serial\): not flashed again/);
      }
    });
  }

  test('Ctrl-C twice: the boards in flight stop at a block boundary, back in dfuIDLE, exit 130', async () => {
    const big = pattern(64 * 1024, 5);
    const r = await runWithDevices({
      profiles: [{ profile: 'stm32f4-sysboot', serial: 'CTRLC0000001' }, { profile: 'stm32f4-sysboot', serial: 'CTRLC0000002' }],
      timeScale: 1,
      files: { 'fw.bin': big },
      command: [
        ...ON_OUTPUT,
        '--signal', 'type=phase-progress,phase=download', 'SIGINT',
        '--signal', 'type=station-stopping', 'SIGINT',
        '--', ...CLI, 'station', '-a', '0', '-s', '0x08000000', '--json', '--log', '{dir}/log.ndjson', '{dir}/fw.bin',
      ],
      keep: true,
      timeoutMs: 60000,
    });
    const log = readLog(r);
    assert.equal(r.code, 130, r.stderr);
    for (const d of r.devices) {
      assert.equal(d.state, 'dfuIDLE', d.serial);
      assert.ok(dfuRequests(d).includes('DFU_ABORT'), d.serial);
      assert.ok(written(d) < big.length, d.serial);
    }
    assert.deepEqual(log.trimEnd().split('\n').map((l) => (JSON.parse(l) as { error: string }).error), ['ABORTED', 'ABORTED']);
  });

  test('killed while boards finish: the log holds whole lines only', async () => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'stm32f4-sysboot', serial: 'KILL00000001' },
        { profile: 'stm32f4-sysboot', serial: 'KILL00000002' },
        { profile: 'stm32f4-sysboot', serial: 'KILL00000003' },
      ],
      files: { 'fw.bin': FW, 'log.ndjson': '{"earlier":"run"}\n' },
      command: [...ON_OUTPUT, '--signal', 'type=board-finished', 'SIGKILL', '--', ...CLI, 'station', '-a', '0', '-s', '0x08000000', '--json', '--log', '{dir}/log.ndjson', '{dir}/fw.bin'],
      keep: true,
      timeoutMs: 60000,
    });
    const log = readLog(r);
    assert.equal(r.code, 128 + 9, r.stderr);
    assert.ok(log.endsWith('\n'), JSON.stringify(log));
    const lines = log.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0], { earlier: 'run' }, 'never truncated');
    assert.ok(lines.length >= 1 && lines.length <= 4);
  });

  test('--timeout with no board: ends by itself, exit 0', async () => {
    const r = await runWithDevices({ profiles: [{ profile: 'mac-bluetooth' }], files: { 'fw.bin': FW }, command: [...CLI, 'station', '-s', '0x08000000', '--timeout', '1', '{dir}/fw.bin'], timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^station: stopping: the timeout has passed, no new boards$/m);
    assert.match(r.stderr, /^station: 0 boards in /m);
    assert.deepEqual(dfuRequests(r.devices[0]!), []);
  });
});
