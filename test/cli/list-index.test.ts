/**
 * `list` numbers the devices; `-N/--index N` selects the device with that
 * number in every command (resolved to its port path before the operation);
 * the quirks applied to each device and serials that cannot tell boards
 * apart are shown.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/main.js';
import { deviceAtIndex } from '../../src/cli/device-index.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { backendFactory, fakeOps, memoryIo } from './helpers.js';
import { BMP_RUNTIME, STM32F0, STM32F4 } from './fixtures-devices.js';
import { pattern, simRun, withFiles } from './sim-run.js';

const DEVICES = [STM32F4, BMP_RUNTIME, STM32F0];

describe('list: numbers, quirks, serials that cannot tell boards apart', () => {
  test('simulated boards: one number per device, the quirks line, the hint to select one', () =>
    withFiles({}, async (dir) => {
      const r = await simRun(['list'], ['stm32f4-sysboot', 'dapboot', 'gd32vf103'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const rows = r.io.out().split('\n').filter((l) => /^\d/.test(l));
      assert.deepEqual(rows.map((l) => l.split(/ +/).slice(0, 2)), [['1', '0483:df11'], ['2', '1209:db42'], ['3', '28e9:0189']]);
      assert.match(r.io.out(), /^3 +28e9:0189 .*\n {2}quirks: gd32-utf8-serial, gd32vf103-layout, gd32-leave\n/m);
      assert.match(r.io.out(), /\nSelect one device with -N # \(the number above\), -p PATH or -S SERIAL\.\n$/);
    }));

  test('--json: each device has its index and its quirks', () =>
    withFiles({}, async (dir) => {
      const r = await simRun(['list', '--json'], ['dapboot', 'gd32vf103'], { cwd: dir });
      const doc = JSON.parse(r.io.out()) as { devices: { index: number; quirks?: string[] }[] };
      assert.deepEqual(doc.devices.map((d) => [d.index, d.quirks ?? []]), [[1, []], [2, ['gd32-utf8-serial', 'gd32vf103-layout', 'gd32-leave']]]);
    }));

  test('a serial that cannot tell boards apart says to use -p PATH', async () => {
    const io = memoryIo();
    assert.equal(await run(['list'], io, { ops: fakeOps({ devices: DEVICES }), createBackend: backendFactory().createBackend }), 0);
    assert.ok(io.out().includes('\n  note: serial "FFFFFFFEFFFF" cannot tell boards apart (every board of this kind reports it): use -p 1-2 to select this one\n'), io.out());
  });

  test('list -N 3 shows that device, with its number 3', async () => {
    const io = memoryIo();
    assert.equal(await run(['list', '-N', '3'], io, { ops: fakeOps({ devices: DEVICES }), createBackend: backendFactory().createBackend }), 0);
    const rows = io.out().split('\n').filter((l) => /^\d/.test(l));
    assert.deepEqual(rows.map((l) => l.split(/ +/).slice(0, 5)), [['3', '0483:df11', 'DFU', 'FFFFFFFEFFFF', '1-2']]);
  });
});

describe('-N/--index in the other commands', () => {
  const commands: [string, string[], string][] = [
    ['download', ['download', '-N', '2', 'fw.bin'], 'download'],
    ['download --index', ['download', '--index', '3', '-a', '0', 'fw.bin'], 'download'],
    ['upload', ['upload', '-N', '1', 'out.bin'], 'uploadDetailed'],
    ['detach', ['detach', '-N', '2'], 'detach'],
    ['erase', ['erase', '--mass', '--force', '-N', '3'], 'massErase'],
    ['unprotect', ['unprotect', '--force', '-N', '3'], 'unprotect'],
    ['leave', ['leave', '-N', '1'], 'leave'],
    ['reset', ['reset', '-N', '1'], 'reset'],
    ['dfu-util -D', ['-N', '2', '-D', 'fw.bin'], 'download'],
  ];
  for (const [name, argv, op] of commands) {
    test(`${name}: the n-th listed device's port path goes into the selector`, () =>
      withFiles({ 'fw.bin': new Uint8Array(4) }, async (dir) => {
        const ops = fakeOps({ devices: DEVICES });
        const io = memoryIo({ cwd: dir });
        assert.equal(await run(argv, io, { ops, createBackend: backendFactory().createBackend }), 0, io.err());
        assert.deepEqual(ops.calls.map((c) => c.op), ['listDevices', op]);
        const index = Number(argv[argv.findIndex((a) => a === '-N' || a === '--index') + 1]);
        const selector = (ops.calls[1]!.request as { selector: { path?: string; alt?: unknown } }).selector;
        assert.equal(selector.path, DEVICES[index - 1]!.portPath);
      }));
  }

  test('a number past the end: 69 with how many there are', async () => {
    const io = memoryIo();
    assert.equal(await run(['detach', '-N', '5'], io, { ops: fakeOps({ devices: DEVICES }), createBackend: backendFactory().createBackend }), 69);
    assert.equal(io.err(), 'dfu-flash: error: there is no device number 5: only 3 DFU-capable devices were found\n  hint: `dfu-flash list` shows the number of each device in its first column\n');
  });

  test('0, a word, or -N with -p: 64 before any backend', async () => {
    for (const argv of [['detach', '-N', '0'], ['detach', '-N', 'two'], ['detach', '-N', '1', '-p', '1-1']]) {
      const factory = backendFactory();
      const io = memoryIo();
      assert.equal(await run(argv, io, { ops: fakeOps(), createBackend: factory.createBackend }), 64, argv.join(' '));
      assert.equal(factory.requests.length, 0);
    }
  });

  test('deviceAtIndex: none found', () => {
    assert.throws(() => deviceAtIndex([], 1), (e: unknown) => e instanceof DfuFlashError && e.code === 'NO_DEVICE' && /no DFU-capable device was found/.test(e.message));
    assert.equal(deviceAtIndex(DEVICES, 2), BMP_RUNTIME);
  });

  test('simulated: download -N 2 writes the second board only', () =>
    withFiles({ 'fw.bin': pattern(5000, 3) }, async (dir) => {
      const r = await simRun(['download', '-N', '2', '-a', '0', '-s', '0x08000000', 'fw.bin'], ['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const flashed = r.backend.bus.devices.map((d) => !d.readFlash(0x08000000, 16).every((b) => b === 0xff));
      assert.deepEqual(flashed, [false, true, false]);
      assert.match(r.io.err(), /to 0483:df11 \(1-2\) alt 0/);
    }));
});
