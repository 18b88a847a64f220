/**
 * `download --all` in-process with four simulated boards: every board's
 * flash holds the image; a failing board does not stop the others; the exit
 * status is that of the first failure in port order; each board has its own
 * progress (plain lines prefixed "[1-2] ", one bar per board on a terminal,
 * NDJSON events with "board"), and its own result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import { EXIT_CODES, run } from '../../src/cli/main.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { backendFactory, downloadResult, fakeOps, memoryIo } from './helpers.js';
import { ndjson, pattern, simRun, withFiles } from './sim-run.js';

const FW = pattern(24_000, 11);
const FOUR = ['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'];
const PORTS = ['1-1', '1-2', '1-3', '1-4'];
const ARGS = ['download', '--all', '-d', ',0483:df11', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'];

describe('download --all, four boards', () => {
  test('every board holds the image; one line of progress per board and phase, prefixed by its port', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(ARGS, FOUR, { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      for (const d of r.backend.bus.devices) assert.deepEqual(d.readFlash(0x08000000, FW.length), FW, d.serial);
      const lines = r.io.err().trimEnd().split('\n');
      for (const port of PORTS) {
        assert.ok(lines.includes(`[${port}] download: start (${FW.length} bytes)`), port);
        assert.ok(lines.some((l) => new RegExp(`^\\[${port}\\] Downloaded ${FW.length} bytes to 0483:df11 \\(${port}\\) alt 0 in \\d+\\.\\d\\d s, verified; device left DFU mode$`).test(l)), port);
      }
      assert.ok(lines.every((l) => /^\[1-[1-4]\] /.test(l) || l === '4 boards: 4 ok'), lines.find((l) => !/^\[1-[1-4]\] /.test(l)));
      assert.equal(lines.at(-1), '4 boards: 4 ok');
      assert.equal(r.io.out(), '');
    }));

  test('one failing board does not stop the others; exit status is its error\'s (76); the error names the board', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(ARGS, FOUR, { cwd: dir, setup: (b) => b.bus.devices[2]!.faults.add({ request: 'DFU_DNLOAD', nth: 8, action: { status: DfuStatus.errWRITE } }) });
      assert.equal(r.code, 76, r.io.err());
      const devices = r.backend.bus.devices;
      for (const i of [0, 1, 3]) assert.deepEqual(devices[i]!.readFlash(0x08000000, FW.length), FW, `board ${i}`);
      assert.notDeepEqual(devices[2]!.readFlash(0x08000000, FW.length), FW);
      assert.match(r.io.err(), /^\[1-3\] dfu-flash: error: .*errWRITE.*\n\[1-3\] {3}hint: /m);
      assert.match(r.io.err(), /\n4 boards: 3 ok, 1 failed \(1-3\)\n$/);
    }));

  test('several failures: the status of the first in port order', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(ARGS, FOUR, {
        cwd: dir,
        setup: (b) => {
          b.bus.devices[1]!.faults.add({ request: 'DFU_DNLOAD', nth: 6, action: 'stall' });
          b.bus.devices[3]!.faults.add({ request: 'DFU_DNLOAD', nth: 6, action: { status: DfuStatus.errVERIFY } });
        },
      });
      const errors = r.io.err().split('\n').filter((l) => / error: /.test(l));
      assert.deepEqual(errors.map((l) => l.slice(0, 5)), ['[1-2]', '[1-4]']);
      assert.match(errors[0]!, /stall/i);
      assert.match(errors[1]!, /errVERIFY/);
      assert.equal(r.code, EXIT_CODES.STALL, r.io.err());
      assert.notEqual(EXIT_CODES.STALL, EXIT_CODES.DFU_STATUS, 'the two failures have different statuses');
      assert.match(r.io.err(), /4 boards: 2 ok, 2 failed \(1-2, 1-4\)\n$/);
    }));

  test('--json: every event names its board; the result line has one entry per board', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun([...ARGS, '--json'], FOUR, { cwd: dir, setup: (b) => b.bus.devices[1]!.faults.add({ request: 'DFU_DNLOAD', nth: 8, action: { status: DfuStatus.errWRITE } }) });
      assert.equal(r.code, 76);
      const lines = ndjson(r.io);
      const result = lines.at(-1)!;
      const events = lines.slice(0, -1);
      assert.ok(events.length > 20);
      for (const e of events) assert.ok(PORTS.includes(e['board'] as string), JSON.stringify(e));
      for (const port of PORTS) assert.ok(events.some((e) => e['board'] === port && e['type'] === 'phase-end' && e['phase'] === 'erase'), port);
      assert.equal(result['type'], 'result');
      assert.equal(result['ok'], false);
      assert.equal(result['operation'], 'download');
      assert.equal(result['exitCode'], 76);
      const boards = result['boards'] as Record<string, unknown>[];
      assert.deepEqual(boards.map((b) => [b['portPath'], b['ok']]), [['1-1', true], ['1-2', false], ['1-3', true], ['1-4', true]]);
      assert.equal(new Set(boards.map((b) => b['serial'])).size, 4);
      for (const b of boards) {
        assert.equal(typeof b['elapsedMs'], 'number');
        if (b['ok'] === true) {
          assert.deepEqual(Object.keys(b).sort(), ['bytes', 'elapsedMs', 'ok', 'outcome', 'portPath', 'serial', 'verified']);
          assert.equal(b['verified'], true, 'read back by default');
          assert.equal(b['bytes'], FW.length);
        } else {
          assert.deepEqual(Object.keys(b).sort(), ['bytes', 'elapsedMs', 'error', 'ok', 'portPath', 'serial']);
          assert.deepEqual(Object.keys(b['error'] as object).sort(), ['code', 'hint', 'message']);
          assert.equal((b['error'] as { code: string }).code, 'DFU_STATUS');
        }
      }
    }));

  test('on a terminal: one bar per board, labelled by its port path', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(ARGS, FOUR, { cwd: dir, tty: true });
      assert.equal(r.code, 0, r.io.err());
      const err = r.io.err();
      for (const port of PORTS) {
        assert.match(err, new RegExp(`(^|[\\r\\n]|\\x1b\\[[0-9;]*[A-Za-z])${port} +(erase|download|leave) `), port);
        assert.match(err, new RegExp(`\\[${port}\\] Downloaded ${FW.length} bytes`), port);
      }
      assert.ok(!/\[1-1\] download: start/.test(err), 'no plain progress lines on a terminal');
    }));

  test('--dry-run --all: each board\'s plan on stdout, prefixed', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(['download', '--all', '--dry-run', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const out = r.io.out().split('\n').filter((l) => l !== '');
      assert.ok(out.length >= 4);
      assert.ok(out.every((l) => /^\[1-[12]\] /.test(l)), r.io.out());
      for (const d of r.backend.bus.devices) assert.ok(d.readFlash(0x08000000, 16).every((b) => b === 0xff), 'nothing written');
    }));

  test('no board matches: 69', () =>
    withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await simRun(ARGS, ['dapboot'], { cwd: dir });
      assert.equal(r.code, 69, r.io.err());
      assert.match(r.io.err(), /^dfu-flash: error: no DFU device matches the selection\n/);
    }));
});

describe('download --all, command layer', () => {
  test('the boards the selection finds are each downloaded, selected by port path; -N with --all is a usage error', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const ops = fakeOps({ boards: [{ portPath: '1-1' }, { portPath: '1-2' }] });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '--all', '-a', '0', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend }), 0);
      assert.deepEqual(ops.calls.map((c) => c.op), ['findBoards', 'download', 'download']);
      assert.deepEqual((ops.calls[0]!.request as { selector: unknown }).selector, { alt: 0 });
      assert.deepEqual(ops.calls.slice(1).map((c) => (c.request as { selector: unknown }).selector), [{ alt: 0, path: '1-1', devnum: undefined }, { alt: 0, path: '1-2', devnum: undefined }]);
      const bad = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '--all', '-N', '2', 'fw.bin'], bad, { ops, createBackend: backendFactory().createBackend }), 64);
      assert.match(bad.err(), /--all and -N\/--index contradict each other/);
    });
  });

  test('a failure before any board starts (no device) is one error, as for one board', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const ops = fakeOps({ fail: new DfuFlashError('NO_DEVICE', 'no DFU device matches the selection', { hint: 'plug it in' }) });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '--all', '--json', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend }), 69);
      assert.deepEqual(JSON.parse(io.out()), { type: 'result', ok: false, error: { code: 'NO_DEVICE', message: 'no DFU device matches the selection', hint: 'plug it in', details: {} }, exitCode: 69 });
    });
  });

  test('--quiet: only the failed boards\' errors', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const ok = { portPath: '1-1', serial: 'A', result: downloadResult({ bytes: 4, elapsedMs: 5, phases: [] }) };
      const bad = { portPath: '1-10', serial: 'B', error: new DfuFlashError('ACCESS', 'cannot open 0483:df11 at 1-10: permission denied', { hint: 'a udev rule' }) };
      const ops = fakeOps({ boards: [bad, ok] });
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '--all', '-q', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend, system: { platform: 'darwin' } }), 77);
      assert.equal(io.err(), '[1-10] dfu-flash: error: cannot open 0483:df11 at 1-10: permission denied\n[1-10]   hint: a udev rule\n');
    });
  });
});
