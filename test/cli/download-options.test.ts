/**
 * The download options wired to the use case: --verify, --skip-unchanged,
 * --dry-run, --format, --ignore-suffix, -v (trace) and --transfer-timeout;
 * first with canned use cases, then through the real use case and a
 * simulated STM32F4.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { parseInvocation } from '../../src/cli/parse.js';
import type { OpsApi } from '../../src/cli/io.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { DownloadResult } from '../../src/ops/types.js';
import type { DownloadOptions } from '../../src/api/types.js';
import { createSimBackend } from '../../src/sim/index.js';
import type { ControlOptions, DfuDeviceInfo, DfuTransport, SetupPacket, UsbBackend } from '../../src/transport/types.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { FakeClock } from '../../src/transport/clock.js';
import { backendFactory, downloadResult, fakeOps, memoryIo } from './helpers.js';
import { withTempDir } from './tmp-dir.js';

const CWD = '/work/proj';

describe('argv → download request', () => {
  const cases: { argv: string[]; request: Record<string, unknown>; extra?: Record<string, unknown> }[] = [
    { argv: ['--verify'], request: { verify: true } },
    { argv: ['--skip-unchanged'], request: { skipUnchanged: true } },
    { argv: ['--dry-run'], request: { dryRun: true } },
    { argv: ['--format', 'elf'], request: { format: 'elf' } },
    { argv: ['--format', 'auto'], request: {} },
    { argv: ['--ignore-suffix'], request: { ignoreSuffix: true } },
    { argv: ['--verify', '--skip-unchanged', '--dry-run'], request: { verify: true, skipUnchanged: true, dryRun: true } },
    { argv: ['--transfer-timeout', '20000'], request: {}, extra: { transferTimeoutMs: 20000 } },
    { argv: ['--transfer-timeout', '0x100'], request: {}, extra: { transferTimeoutMs: 256 } },
  ];
  for (const c of cases) {
    test(c.argv.join(' '), async () => {
      const r = await parseInvocation(['download', ...c.argv, 'fw.bin'], { cwd: CWD });
      assert.deepEqual(r, {
        kind: 'invocation',
        invocation: { command: 'download', request: { selector: {}, file: '/work/proj/fw.bin', reset: false, ...c.request }, output: { json: false, quiet: false, verbose: 0 }, ...c.extra },
      });
    });
  }

  test('--transfer-timeout on upload and detach too', async () => {
    for (const argv of [['upload', '--transfer-timeout', '9000', 'out.bin'], ['detach', '--transfer-timeout', '9000']]) {
      const r = await parseInvocation(argv, { cwd: CWD });
      assert.equal(r.kind === 'invocation' && r.invocation.transferTimeoutMs, 9000, argv.join(' '));
    }
  });

  const bad: [string[], RegExp][] = [
    [['--format', 'uf2'], /argument 'uf2' is invalid\. Allowed choices are auto, bin, ihex, srec, elf, dfuse/],
    [['--transfer-timeout', '0'], /invalid --transfer-timeout value "0": out of range \(1\.\.3600000\)/],
    [['--transfer-timeout', '5s'], /invalid --transfer-timeout value "5s": not a number/],
  ];
  for (const [argv, message] of bad) {
    test(`refused: ${argv.join(' ')}`, async () => {
      const io = memoryIo();
      assert.equal(await run(['download', ...argv, 'fw.bin'], io), 64);
      assert.match(io.err(), message);
    });
  }
});

/** Library operations that record the options they were given and send `events` first. */
function recordingOps(result: DownloadResult, events: FlashEvent[] = [], plan?: string[]): OpsApi & { contexts: DownloadOptions[] } {
  const base = fakeOps({ download: result });
  const contexts: DownloadOptions[] = [];
  return {
    ...base,
    contexts,
    async download(options) {
      contexts.push(options);
      for (const e of events) options.onEvent?.(e);
      return base.download(options);
    },
    async planDownload(options) {
      contexts.push(options);
      const job = await base.planDownload(options);
      return { ...job, bytes: result.bytes, lines: plan ?? job.lines };
    },
  };
}

async function withFirmware<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'fw.bin'), new Uint8Array(16));
    return fn(dir);
  });
}

const PLAN_EVENT: FlashEvent = {
  type: 'plan-ready',
  plan: {
    protocol: 'dfuse',
    transferSize: 2048,
    massErase: false,
    erase: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ address: 0x08000000 + i * 0x4000, size: 0x4000 })),
    writes: [],
    leave: { address: 0x08000000 },
    willReset: false,
    totals: { eraseBytes: 0x20000, writeBytes: 102400, blocks: 50 },
  },
};

describe('context and summary', () => {
  test('-v turns on the transfer trace; --transfer-timeout reaches the context', () =>
    withFirmware(async (dir) => {
      const ops = recordingOps(downloadResult());
      assert.equal(await run(['download', '-v', '--transfer-timeout', '15000', 'fw.bin'], memoryIo({ cwd: dir }), { ops, createBackend: backendFactory().createBackend }), 0);
      assert.equal(ops.contexts[0]!.trace, true);
      assert.equal(ops.contexts[0]!.transferTimeoutMs, 15000);
      const quiet = recordingOps(downloadResult());
      await run(['download', 'fw.bin'], memoryIo({ cwd: dir }), { ops: quiet, createBackend: backendFactory().createBackend });
      assert.equal(quiet.contexts[0]!.trace, undefined);
      assert.equal(quiet.contexts[0]!.transferTimeoutMs, undefined);
    }));

  test('verified, and skipped N of M sectors (M from the plan)', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const ops = recordingOps(downloadResult({ verified: true, verifySkipped: undefined, skipped: { sectors: 3, bytes: 49152 }, written: 102400 - 49152 }), [PLAN_EVENT]);
      assert.equal(await run(['download', '--verify', '--skip-unchanged', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend }), 0);
      assert.equal(io.err(), 'Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s, verified; skipped 3 of 8 sectors (49152 bytes) already up to date; device left DFU mode\n');
    }));

  test('--dry-run: the plan on stdout, one line per step, and a summary that says nothing was sent', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const plan = ['DfuSe download, transfer size 2048 bytes', 'erase 0x08000000, 16 KiB', 'write 0x08000000, 16 bytes in 1 block', 'total: ...'];
      const ops = recordingOps(downloadResult({ bytes: 16 }), [], plan);
      assert.equal(await run(['download', '--dry-run', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend }), 0);
      assert.equal(io.out(), plan.join('\n') + '\n');
      assert.equal(io.err(), 'Dry run: planned a download of 16 bytes to 0483:df11 (1-1) alt 0; nothing was sent to the device\n');
    }));

  test('--dry-run --json: the plan is in the result line', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const ops = recordingOps(downloadResult(), [], ['a', 'b']);
      assert.equal(await run(['download', '--dry-run', '--json', 'fw.bin'], io, { ops, createBackend: backendFactory().createBackend }), 0);
      const last = JSON.parse(io.out().trimEnd().split('\n').pop()!) as { type: string; plan: string[] };
      assert.equal(last.type, 'result');
      assert.deepEqual(last.plan, ['a', 'b']);
      assert.equal(io.out().split('\n').filter((l) => l === 'a').length, 0, 'no plain plan lines in JSON mode');
    }));

  test('VERIFY_MISMATCH exits 79', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      const fail = new DfuFlashError('VERIFY_MISMATCH', 'verify failed: byte 0x08000010 is 0x00, expected 0xff', { hint: 'flash again' });
      assert.equal(await run(['download', '--verify', 'fw.bin'], io, { ops: fakeOps({ fail }), createBackend: backendFactory().createBackend }), 79);
      assert.equal(io.err(), 'dfu-flash: error: verify failed: byte 0x08000010 is 0x00, expected 0xff\n  hint: flash again\n');
    }));
});

/** A backend whose transports record the timeout of every control transfer. */
class TimeoutRecorder implements UsbBackend {
  readonly name = 'sim' as const;
  readonly capabilities = { canReset: true, stablePortPaths: true };
  readonly timeouts: number[] = [];
  constructor(private readonly inner: UsbBackend) {}
  list(): Promise<DfuDeviceInfo[]> {
    return this.inner.list();
  }
  async open(device: DfuDeviceInfo): Promise<DfuTransport> {
    const t = await this.inner.open(device);
    const timeouts = this.timeouts;
    return {
      info: t.info,
      controlIn: (s: SetupPacket, o: ControlOptions) => (timeouts.push(o.timeoutMs), t.controlIn(s, o)),
      controlOut: (s: SetupPacket, d: Uint8Array, o: ControlOptions) => (timeouts.push(o.timeoutMs), t.controlOut(s, d, o)),
      claimInterface: (i) => t.claimInterface(i),
      releaseInterface: (i) => t.releaseInterface(i),
      setAltSetting: (i, a) => t.setAltSetting(i, a),
      reset: () => t.reset(),
      close: () => t.close(),
    };
  }
  dispose(): void {
    this.inner.dispose();
  }
}

describe('through the real use case and a simulated STM32F4', () => {
  const SIM = ['--simulate', 'stm32f4-sysboot', '--sim-time-scale', '0'];

  test('--transfer-timeout is the timeout of every DFU request; without it, 5000 ms', () =>
    withFirmware(async (dir) => {
      for (const [argv, expected] of [
        [['--transfer-timeout', '12345'], 12345],
        [[], 5000],
      ] as const) {
        const clock = new FakeClock();
        let recorder: TimeoutRecorder | undefined;
        const createBackend = async () => (recorder = new TimeoutRecorder(createSimBackend(['stm32f4-sysboot'], { clock, timeScale: 0 })));
        const io = memoryIo({ cwd: dir });
        assert.equal(await run(['download', ...SIM, ...argv, '-a', '0', '-s', '0x08000000', 'fw.bin'], io, { createBackend, clock }), 0, io.err());
        assert.ok(recorder!.timeouts.length > 3);
        assert.deepEqual([...new Set(recorder!.timeouts)], [expected]);
      }
    }));

  test('-v: one debug line per control transfer', () =>
    withFirmware(async (dir) => {
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', ...SIM, '-v', '-a', '0', '-s', '0x08000000', 'fw.bin'], io), 0, io.err());
      const debug = io.err().split('\n').filter((l) => l.startsWith('debug: DFU_'));
      assert.ok(debug.some((l) => /^debug: DFU_DNLOAD wValue=2 wIndex=0 length=16$/.test(l)), debug.join('\n'));
      assert.ok(debug.some((l) => /^debug: DFU_GETSTATUS wValue=0 wIndex=0 length=6 -> /.test(l)));
    }));

  test('--dry-run sends nothing: the flash is unchanged afterwards', () =>
    withFirmware(async (dir) => {
      await writeFile(join(dir, 'fw.bin'), new Uint8Array(20000).fill(0x5a));
      const io = memoryIo({ cwd: dir });
      assert.equal(await run(['download', ...SIM, '--sim-state', 'flash.json', '--dry-run', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'], io), 0, io.err());
      assert.equal(
        io.out(),
        [
          'DfuSe download, transfer size 2048 bytes',
          'erase 0x08000000, 16 KiB (Internal Flash sector 0)',
          'erase 0x08004000, 16 KiB (Internal Flash sector 1; the image fills 3616 bytes of it)',
          'write 0x08000000, 20000 bytes in 10 blocks',
          'verify: read every written byte back and compare',
          'leave: set address 0x08000000, then zero-length download (the device jumps there)',
          'total: erase 32768 bytes in 2 sectors, write 20000 bytes in 10 blocks',
        ].join('\n') + '\n',
      );
      const up = memoryIo({ cwd: dir });
      assert.equal(await run(['upload', ...SIM, '--sim-state', 'flash.json', '-a', '0', '-s', '0x08000000:16', 'back.bin'], up), 0, up.err());
      assert.ok((await readFile(join(dir, 'back.bin'))).every((b) => b === 0xff), 'still erased');
    }));

  test('--verify --skip-unchanged: a second run with half the image changed skips the unchanged sector', () =>
    withFirmware(async (dir) => {
      const first = new Uint8Array(32768).map((_, i) => (i * 7) & 0xff);
      await writeFile(join(dir, 'fw.bin'), first);
      const state = ['--sim-state', 'flash.json'];
      const io1 = memoryIo({ cwd: dir });
      assert.equal(await run(['download', ...SIM, ...state, '--verify', '-a', '0', '-s', '0x08000000', 'fw.bin'], io1), 0, io1.err());
      assert.match(io1.err(), /\nDownloaded 32768 bytes to 0483:df11 \(1-1\) alt 0 in \d+\.\d\d s, verified\n$/);
      const second = first.slice();
      second.fill(0x11, 0x4000);
      await writeFile(join(dir, 'fw.bin'), second);
      const io2 = memoryIo({ cwd: dir });
      assert.equal(await run(['download', ...SIM, ...state, '--verify', '--skip-unchanged', '-a', '0', '-s', '0x08000000', 'fw.bin'], io2), 0, io2.err());
      assert.match(io2.err(), /\nDownloaded 32768 bytes to 0483:df11 \(1-1\) alt 0 in \d+\.\d\d s, verified; skipped 1 of 2 sectors \(16384 bytes\) already up to date\n$/);
      const up = memoryIo({ cwd: dir });
      assert.equal(await run(['upload', ...SIM, ...state, '-a', '0', '-s', '0x08000000:32768', 'back.bin'], up), 0, up.err());
      assert.deepEqual(new Uint8Array(await readFile(join(dir, 'back.bin'))), second);
    }));
});
