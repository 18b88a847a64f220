/** run() end to end with injected use cases and backends: output, exit codes, backend lifecycle, --sim-state. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import type { OpsApi } from '../../src/cli/io.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { FakeClock } from '../../src/transport/clock.js';
import { FakeSimBackend, RecordingBackend, backendFactory, cliDownloadResult, downloadResult, fakeOps, jsonView, memoryIo, uploadResult } from './helpers.js';
import { BMP_RUNTIME, STM32F4 } from './fixtures-devices.js';

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-cli-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withFirmware<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  return withDir(async (dir) => {
    await writeFile(join(dir, 'fw.bin'), new Uint8Array(16));
    return fn(dir);
  });
}

describe('download', () => {
  test('success: request to the use case, summary on stderr, nothing on stdout, backend disposed', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const ops = fakeOps();
      const factory = backendFactory();
      const clock = new FakeClock();
      const code = await run(['download', '-d', '0483:df11', '-s', '0x08000000:leave', 'fw.bin'], io, { ops, createBackend: factory.createBackend, clock });
      assert.equal(code, 0);
      assert.equal(io.out(), '');
      assert.equal(io.err(), 'Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s, verified; device left DFU mode\n');
      assert.deepEqual(factory.requests, [{ kind: 'usb', clock }]);
      assert.equal((factory.backends[0] as RecordingBackend).disposed, 1);
      assert.deepEqual(ops.calls.map((c) => c.op), ['download']);
      const { image, ...request } = ops.calls[0]!.request as { image: { format: string; segments: { address: number; data: Uint8Array }[] } };
      assert.deepEqual(request, {
        selector: { runtimeIds: { vendorId: 0x0483, productId: 0xdf11 }, dfuIds: { vendorId: 0x0483, productId: 0xdf11 }, runtimeOnly: true },
        imageName: join(dir, 'fw.bin'),
        dfuse: { address: 0x08000000, length: undefined, leave: true, massErase: false, unprotect: false, willReset: false, force: false },
        reset: false,
        verify: true,
      });
      assert.deepEqual([image.format, image.segments.map((g) => [g.address, g.data])], ['bin', [[0, new Uint8Array(16)]]], 'the file, read and parsed by the CLI');
    }));

  test('--simulate asks for a simulated backend with the time scale', () =>
    withFirmware(async (dir) => {
      const factory = backendFactory();
      const clock = new FakeClock();
      const code = await run(['download', '--simulate', 'stm32f4-sysboot,dapboot', '--sim-time-scale', '0.5', 'fw.bin'], memoryIo({ cwd: dir }), {
        ops: fakeOps(),
        createBackend: factory.createBackend,
        clock,
      });
      assert.equal(code, 0);
      assert.deepEqual(factory.requests, [{ kind: 'sim', profiles: ['stm32f4-sysboot', 'dapboot'], timeScale: 0.5, clock }]);
    }));

  test('--json: NDJSON events then the result line on stdout', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const ops = fakeOps({
        during: (emit) => {
          const e = emit as unknown as (x: unknown) => void;
          e({ type: 'phase-start', phase: 'download', totalBytes: 4 });
          e({ type: 'phase-progress', phase: 'download', bytes: 4, totalBytes: 4 });
          e({ type: 'phase-end', phase: 'download', bytes: 4, elapsedMs: 2 });
        },
      });
      const code = await run(['download', '--json', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend });
      assert.equal(code, 0);
      const lines = io.out().trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      assert.deepEqual(lines, [
        { type: 'phase-start', phase: 'download', totalBytes: 4 },
        { type: 'phase-progress', phase: 'download', bytes: 4, totalBytes: 4 },
        { type: 'phase-end', phase: 'download', bytes: 4, elapsedMs: 2 },
        jsonView({ type: 'result', ok: true, ...cliDownloadResult() }),
      ]);
      assert.equal(io.err(), '');
    }));

  test('a device error: exit status from the table, message and hint, backend still disposed', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      const fail = new DfuFlashError('ACCESS', 'cannot open 0483:df11 at 1-1: permission denied', {
        hint: 'add a udev rule: SUBSYSTEMS=="usb", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="df11", TAG+="uaccess"',
        details: { vendorId: 0x0483 },
      });
      // On Linux the hint also points at the rules installer (error-guidance.test.ts covers each platform, hints.ts makes them).
      const code = await run(['download', 'fw.bin'], io, { ops: fakeOps({ fail }), createBackend: factory.createBackend, system: { platform: 'linux' } });
      assert.equal(code, 77);
      assert.equal(
        io.err(),
        'dfu-flash: error: cannot open 0483:df11 at 1-1: permission denied\n' +
          '  hint: add a udev rule: SUBSYSTEMS=="usb", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="df11", TAG+="uaccess"; ' +
          'to allow every known DFU device at once: sudo dfu-flash udev-rules --install, then replug the device\n',
      );
      assert.equal((factory.backends[0] as RecordingBackend).disposed, 1);
    }));

  test('an error with --json also ends stdout with the error result', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const fail = new DfuFlashError('VERIFY_MISMATCH', 'read-back differs at 0x08000010', { details: { address: 0x08000010 } });
      const code = await run(['download', '--json', 'fw.bin'], io, { ops: fakeOps({ fail }), createBackend: backendFactory().createBackend });
      assert.equal(code, 79);
      assert.deepEqual(JSON.parse(io.out().trimEnd().split('\n').at(-1)!), {
        type: 'result',
        ok: false,
        error: { code: 'VERIFY_MISMATCH', message: 'read-back differs at 0x08000010', hint: null, details: { address: 0x08000010, addressHex: '0x08000010' } },
        exitCode: 79,
      });
      assert.equal(io.err(), 'dfu-flash: error: read-back differs at 0x08000010\n');
    }));

  test('an unexpected exception is an internal error (70), without a stack unless -v', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const code = await run(['download', 'fw.bin'], io, { ops: fakeOps({ fail: new TypeError('x is undefined') }), createBackend: backendFactory().createBackend });
      assert.equal(code, 70);
      assert.equal(
        io.err(),
        'dfu-flash: error: internal error: x is undefined\n  hint: this is a bug in dfu-flash; please report it with the output of the same command run with -v\n',
      );
      const verbose = memoryIo({ cwd: dir });
      await run(['download', '-v', 'fw.bin'], verbose, { ops: fakeOps({ fail: new TypeError('x is undefined') }), createBackend: backendFactory().createBackend });
      assert.ok(verbose.err().includes('TypeError: x is undefined\n'));
      assert.ok(verbose.err().includes('    at '));
    }));

  test('--quiet: nothing on success, the error on failure', () =>
    withFirmware(async (dir) => {
      const ok = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '-q', 'fw.bin'], ok, { ops: fakeOps(), createBackend: backendFactory().createBackend }), 0);
      assert.equal(ok.err() + ok.out(), '');
      const bad = memoryIo({ cwd: dir });
      const fail = new DfuFlashError('NO_DEVICE', 'no DFU device matches -d 0483:df11');
      assert.equal(await run(['download', '-q', 'fw.bin'], bad, { ops: fakeOps({ fail }), createBackend: backendFactory().createBackend }), 69);
      assert.equal(bad.err(), 'dfu-flash: error: no DFU device matches -d 0483:df11\n');
    }));

  test('the firmware file is a directory: 66 before any backend', () =>
    withDir(async (dir) => {
      await mkdir(join(dir, 'fw.bin'));
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      assert.equal(await run(['download', 'fw.bin'], io, { ops: fakeOps(), createBackend: factory.createBackend }), 66);
      assert.equal(io.err(), 'dfu-flash: error: firmware file fw.bin is a directory\n  hint: give the path of a firmware file\n');
      assert.equal(factory.requests.length, 0);
    }));
});

describe('upload', () => {
  test('an existing output file: 73 before any backend; --force goes ahead', () =>
    withDir(async (dir) => {
      await writeFile(join(dir, 'dump.bin'), 'old');
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      assert.equal(await run(['upload', 'dump.bin'], io, { ops: fakeOps(), createBackend: factory.createBackend }), 73);
      assert.equal(io.err(), 'dfu-flash: error: output file dump.bin already exists\n  hint: choose another name, or add --force to overwrite it\n');
      assert.equal(factory.requests.length, 0);

      const ops = fakeOps({ upload: uploadResult(Uint8Array.of(7, 8, 9)) });
      const forced = memoryIo({ cwd: dir });
      assert.equal(await run(['upload', '--force', 'dump.bin'], forced, { ops, createBackend: factory.createBackend }), 0);
      assert.equal(forced.err(), 'Uploaded 3 bytes from 0483:df11 (1-1) alt 0 to dump.bin in 0.01 s\n');
      assert.deepEqual(new Uint8Array(await readFile(join(dir, 'dump.bin'))), Uint8Array.of(7, 8, 9), 'the bytes the library returned, written by the CLI');
      assert.equal(factory.requests.length, 1);
    }));

  test('a missing output directory: 66 before any backend', () =>
    withDir(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      assert.equal(await run(['upload', 'no/such/dump.bin'], io, { ops: fakeOps(), createBackend: factory.createBackend }), 66);
      assert.equal(io.err(), 'dfu-flash: error: directory no/such for the output file does not exist\n  hint: create the directory first, or choose another path\n');
      assert.equal(factory.requests.length, 0);
    }));
});

describe('detach', () => {
  test('summary from the result', async () => {
    const io = memoryIo();
    const device = { ...downloadResult().device, vendorId: 0x1d50, productId: 0x6018, portPath: '3-4.2', mode: 'runtime' as const };
    const back = { ...device, productId: 0x6017, mode: 'dfu' as const };
    const ops = fakeOps({ detach: { operation: 'detach', device, elapsedMs: 1250, phases: [], end: 'reset', back } });
    assert.equal(await run(['detach', '-d', '1d50:6018'], io, { ops, createBackend: backendFactory().createBackend }), 0);
    assert.equal(io.err(), 'Detached 1d50:6018 (3-4.2) in 1.25 s; device reset into DFU mode; back in DFU mode as 1d50:6017 on 3-4.2\n');
    assert.deepEqual(ops.calls[0]!.request, {
      selector: { runtimeIds: { vendorId: 0x1d50, productId: 0x6018 }, dfuIds: { vendorId: 0x1d50, productId: 0x6018 }, runtimeOnly: true },
    });
  });
});

describe('list', () => {
  test('table on stdout', async () => {
    const io = memoryIo();
    assert.equal(await run(['list'], io, { ops: fakeOps({ devices: [STM32F4, BMP_RUNTIME] }), createBackend: backendFactory().createBackend }), 0);
    assert.ok(io.out().startsWith('#  VID:PID    MODE     SERIAL        PATH   DEVNUM  DFU         XFER  ATTRIBUTES\n1  0483:df11  DFU'), io.out());
    assert.ok(io.out().includes('\n  intf 4 alt 0  "Black Magic Firmware Upgrade (STLINK)"\n'));
    assert.equal(io.err(), '');
  });

  test('--json: exactly one JSON document, filtered', async () => {
    const io = memoryIo();
    const code = await run(['list', '--json', '-d', ',*:*'], io, { ops: fakeOps({ devices: [STM32F4, BMP_RUNTIME] }), createBackend: backendFactory().createBackend });
    assert.equal(code, 0);
    assert.equal(io.out().split('\n').length, 2);
    assert.deepEqual(JSON.parse(io.out()), jsonView({ type: 'result', ok: true, operation: 'list', devices: [{ index: 1, ...JSON.parse(JSON.stringify(STM32F4)) }] }));
  });

  test('--json: a filtered device keeps its number from the whole listing', async () => {
    const io = memoryIo();
    assert.equal(await run(['list', '--json', '-d', '1d50:6018'], io, { ops: fakeOps({ devices: [STM32F4, BMP_RUNTIME] }), createBackend: backendFactory().createBackend }), 0);
    const doc = JSON.parse(io.out()) as { devices: { index: number; portPath: string }[] };
    assert.deepEqual(doc.devices.map((d) => [d.index, d.portPath]), [[2, '3-4.2']]);
  });

  test('nothing found: a message on stderr, exit 0', async () => {
    const io = memoryIo();
    assert.equal(await run(['list'], io, { ops: fakeOps({ devices: [] }), createBackend: backendFactory().createBackend }), 0);
    assert.equal(io.out(), '');
    assert.equal(
      io.err(),
      'No DFU-capable USB device found.\n  hint: connect the device in DFU mode (ST parts: BOOT0 high during reset) or in its DFU-capable application\n',
    );
  });

  test('nothing matches the filter', async () => {
    const io = memoryIo();
    assert.equal(await run(['list', '-S', 'NOPE'], io, { ops: fakeOps({ devices: [STM32F4, BMP_RUNTIME] }), createBackend: backendFactory().createBackend }), 0);
    assert.equal(io.err(), 'No device matches the selection (2 DFU-capable devices found).\n  hint: run "dfu-flash list" without selection options to see them\n');
  });
});

describe('--sim-state', () => {
  /** Use cases over FakeSimBackend: download writes the file's first bytes into device 0, upload reads them back. */
  function flashOps(seen: number[][]): OpsApi {
    const flashOf = (backend: unknown) => (backend as FakeSimBackend).bus.devices[0]!;
    return {
      ...fakeOps(),
      async download(options) {
        flashOf(options.backend).flash.set([0xde, 0xad, 0xbe, 0xef], 0);
        return downloadResult();
      },
      async uploadDetailed(options) {
        const data = flashOf(options.backend).flash.slice(0, 4);
        seen.push([...data]);
        return uploadResult(data);
      },
    };
  }

  test('download then upload in two runs see the same flash; the file is replaced atomically', () =>
    withFirmware(async (dir) => {
      const seen: number[][] = [];
      const factory = backendFactory(() => new FakeSimBackend(['stm32f4-sysboot']));
      const deps = { ops: flashOps(seen), createBackend: factory.createBackend };
      const state = ['--simulate', 'stm32f4-sysboot', '--sim-state', 'flash.json'];
      assert.equal(await run(['upload', ...state, 'before.bin'], memoryIo({ cwd: dir }), deps), 0);
      assert.equal(await run(['download', ...state, 'fw.bin'], memoryIo({ cwd: dir }), deps), 0);
      assert.equal(await run(['upload', ...state, 'after.bin'], memoryIo({ cwd: dir }), deps), 0);
      assert.deepEqual(seen, [
        [0xff, 0xff, 0xff, 0xff],
        [0xde, 0xad, 0xbe, 0xef],
      ]);
      assert.deepEqual((await readdir(dir)).sort(), ['after.bin', 'before.bin', 'flash.json', 'fw.bin'], 'no temporary file left');
      for (const b of factory.backends) assert.equal((b as RecordingBackend).disposed, 1);
    }));

  test('state is saved even when the command fails', () =>
    withFirmware(async (dir) => {
      const seen: number[][] = [];
      const factory = backendFactory(() => new FakeSimBackend(['p']));
      const failing: OpsApi = {
        ...flashOps(seen),
        async download(options) {
          (options.backend as FakeSimBackend).bus.devices[0]!.flash[0] = 0x11;
          throw new DfuFlashError('DFU_STATUS', 'errWRITE at 0x08000000');
        },
      };
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', '--simulate', 'p', '--sim-state', 's.json', 'fw.bin'], io, { ops: failing, createBackend: factory.createBackend }), 76);
      assert.equal(io.err(), 'dfu-flash: error: errWRITE at 0x08000000\n');
      assert.equal(await run(['upload', '--simulate', 'p', '--sim-state', 's.json', 'o.bin'], memoryIo({ cwd: dir }), { ops: flashOps(seen), createBackend: factory.createBackend }), 0);
      assert.deepEqual(seen, [[0x11, 0xff, 0xff, 0xff]]);
    }));

  test('a profile mismatch is a warning, not an error', () =>
    withFirmware(async (dir) => {
      const deps1 = { ops: flashOps([]), createBackend: backendFactory(() => new FakeSimBackend(['a'])).createBackend };
      assert.equal(await run(['download', '--simulate', 'a', '--sim-state', 's.json', 'fw.bin'], memoryIo({ cwd: dir }), deps1), 0);
      const io = memoryIo({ cwd: dir });
      const deps2 = { ops: flashOps([]), createBackend: backendFactory(() => new FakeSimBackend(['b'])).createBackend };
      assert.equal(await run(['download', '--simulate', 'b', '--sim-state', 's.json', 'fw.bin'], io, deps2), 0);
      assert.ok(io.err().startsWith('dfu-flash: warning: sim state for device 0 is for profile a, not b; ignored\n'));
    }));

  test('a corrupt state file: 64 before any backend', () =>
    withFirmware(async (dir) => {
      await writeFile(join(dir, 's.json'), '{"format":');
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      assert.equal(await run(['download', '--simulate', 'p', '--sim-state', 's.json', 'fw.bin'], io, { ops: fakeOps(), createBackend: factory.createBackend }), 64);
      assert.equal(io.err(), `dfu-flash: error: sim state file ${join(dir, 's.json')} is not valid JSON\n  hint: delete the file to start again from the profile's initial memory\n`);
      assert.equal(factory.requests.length, 0);
    }));

  test('a backend without simulated devices cannot keep state', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const factory = backendFactory();
      assert.equal(await run(['download', '--simulate', 'p', '--sim-state', 's.json', 'fw.bin'], io, { ops: fakeOps(), createBackend: factory.createBackend }), 64);
      assert.equal(io.err(), 'dfu-flash: error: --sim-state: the backend has no simulated devices to save\n  hint: use --sim-state together with --simulate\n');
      assert.equal((factory.backends[0] as RecordingBackend).disposed, 1);
    }));
});

describe('version fast path', () => {
  test('--version and -V print one line, exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const io = memoryIo();
      assert.equal(await run([flag], io), 0);
      assert.match(io.out(), /^dfu-flash \d+\.\d+\.\d+\n$/);
    }
  });
});
