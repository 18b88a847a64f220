/** Reporters fed a fixed event sequence: exact plain lines, valid NDJSON, silence when quiet, bars on a TTY. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReporter } from '../../src/cli/reporters/create.js';
import { PLAIN_STYLE, colorEnabled, loadStyle } from '../../src/cli/reporters/style.js';
import { formatEta, formatRate, formatSeconds, oneLine, summaryLine } from '../../src/cli/reporters/format.js';
import { toJsonLine } from '../../src/cli/reporters/json.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { OutputOptions } from '../../src/cli/invocation.js';
import { ManualClock } from '../support/manual-clock.js';
import { DEVICE, cliDownloadResult, memoryIo, type MemoryIo } from './helpers.js';


/** [time, event] pairs: the clock is set to `time` before each event. */
const SEQUENCE: [number, FlashEvent][] = [
  [
    0,
    {
      type: 'plan-ready',
      plan: {
        protocol: 'dfuse',
        transferSize: 2048,
        massErase: false,
        erase: [
          { address: 0x08000000, size: 0x4000 },
          { address: 0x08004000, size: 0x4000 },
        ],
        writes: [{ address: 0x08000000, data: new Uint8Array(102400), blocks: 50 }],
        leave: { address: 0x08000000 },
        willReset: false,
        totals: { eraseBytes: 131072, writeBytes: 102400, blocks: 50 },
      },
    },
  ],
  [0, { type: 'phase-start', phase: 'erase', totalBytes: 131072 }],
  [250, { type: 'phase-progress', phase: 'erase', bytes: 16384, totalBytes: 131072 }],
  [500, { type: 'phase-progress', phase: 'erase', bytes: 32768, totalBytes: 131072 }],
  [1000, { type: 'phase-progress', phase: 'erase', bytes: 65536, totalBytes: 131072 }],
  [2000, { type: 'phase-progress', phase: 'erase', bytes: 131072, totalBytes: 131072 }],
  [2000, { type: 'phase-end', phase: 'erase', bytes: 131072, elapsedMs: 2000 }],
  [2000, { type: 'warning', message: 'transfer size 4096 is above what the device reports (2048)', hint: 'drop -t' }],
  [2000, { type: 'debug', message: 'DFU_GETSTATUS → dfuDNBUSY, bwPollTimeout 100 ms' }],
  [2000, { type: 'phase-start', phase: 'download', totalBytes: 102400, label: 'Internal Flash' }],
  [2500, { type: 'phase-progress', phase: 'download', bytes: 10240, totalBytes: 102400 }],
  [3000, { type: 'phase-progress', phase: 'download', bytes: 12288, totalBytes: 102400 }],
  [4000, { type: 'phase-progress', phase: 'download', bytes: 40960, totalBytes: 102400 }],
  [7120, { type: 'phase-progress', phase: 'download', bytes: 102400, totalBytes: 102400 }],
  [7120, { type: 'phase-end', phase: 'download', bytes: 102400, elapsedMs: 5120 }],
  [7120, { type: 'phase-start', phase: 'leave', totalBytes: 0 }],
  [7220, { type: 'phase-end', phase: 'leave', bytes: 0, elapsedMs: 100 }],
];

const OUT: OutputOptions = { json: false, quiet: false, verbose: 0 };

async function feed(io: MemoryIo, output: OutputOptions, withResult = true): Promise<void> {
  const clock = new ManualClock();
  const reporter = await createReporter({ io, output, clock, style: PLAIN_STYLE });
  for (const [t, e] of SEQUENCE) {
    clock.t = t;
    reporter.emit(e);
  }
  if (withResult) reporter.result(cliDownloadResult());
  reporter.close();
}

const PLAIN_LINES = [
  'erase: start (131072 bytes)',
  'erase: 12% (16384/131072 bytes, 64.0 KiB/s)',
  'erase: 25% (32768/131072 bytes, 64.0 KiB/s)',
  'erase: 50% (65536/131072 bytes, 64.0 KiB/s)',
  'erase: done, 131072 bytes in 2.00 s (64.0 KiB/s)',
  'dfu-flash: warning: transfer size 4096 is above what the device reports (2048)',
  '  hint: drop -t',
  'download: start (102400 bytes, Internal Flash)',
  'download: 10% (10240/102400 bytes, 20.0 KiB/s)',
  'download: 40% (40960/102400 bytes, 20.0 KiB/s)',
  'download: done, 102400 bytes in 5.12 s (19.5 KiB/s)',
  'leave: start',
  'leave: done in 0.10 s',
  'Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s, verified; device left DFU mode',
];

function assertNoControlChars(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    assert.ok(c === 0x0a || (c >= 0x20 && c !== 0x7f), `control character 0x${c.toString(16)} at ${i}`);
  }
}

describe('plain reporter (stderr not a TTY)', () => {
  test('exact lines', async () => {
    const io = memoryIo();
    await feed(io, OUT);
    assert.equal(io.err(), PLAIN_LINES.join('\n') + '\n');
    assert.equal(io.out(), '');
    assertNoControlChars(io.err());
  });
  test('-v adds the debug line', async () => {
    const io = memoryIo();
    await feed(io, { ...OUT, verbose: 1 });
    const lines = io.err().trimEnd().split('\n');
    assert.deepEqual(lines, [...PLAIN_LINES.slice(0, 7), 'debug: DFU_GETSTATUS → dfuDNBUSY, bwPollTimeout 100 ms', ...PLAIN_LINES.slice(7)]);
  });
  test('control characters in device-supplied text are neutralised', async () => {
    const io = memoryIo();
    const reporter = await createReporter({ io, output: OUT, clock: new ManualClock(), style: PLAIN_STYLE });
    reporter.emit({ type: 'warning', message: 'name "\u001b[31mred\u0007"\r\nsecond line' });
    reporter.emit({ type: 'phase-start', phase: 'upload', totalBytes: 10, label: 'a\tb\u0000' });
    assert.equal(io.err(), 'dfu-flash: warning: name "?[31mred?" second line\nupload: start (10 bytes, a b?)\n');
  });
  test('no rate before time has passed', async () => {
    const io = memoryIo();
    const reporter = await createReporter({ io, output: OUT, clock: new ManualClock(), style: PLAIN_STYLE });
    reporter.emit({ type: 'phase-start', phase: 'upload', totalBytes: 100 });
    reporter.emit({ type: 'phase-progress', phase: 'upload', bytes: 55, totalBytes: 100 });
    reporter.emit({ type: 'phase-end', phase: 'upload', bytes: 100, elapsedMs: 0 });
    assert.equal(io.err(), 'upload: start (100 bytes)\nupload: 55% (55/100 bytes)\nupload: done, 100 bytes in 0.00 s\n');
  });
});

describe('JSON reporter', () => {
  test('one NDJSON line per event, then the result; nothing human on stdout', async () => {
    const io = memoryIo();
    await feed(io, { ...OUT, json: true });
    const lines = io.out().split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, SEQUENCE.length + 1);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      parsed.map((p) => p['type']),
      [...SEQUENCE.map(([, e]) => e.type), 'result'],
    );
    assert.deepEqual(parsed[0], {
      type: 'plan-ready',
      plan: {
        protocol: 'dfuse',
        transferSize: 2048,
        massErase: false,
        erase: [
          { address: 0x08000000, addressHex: '0x08000000', size: 0x4000 },
          { address: 0x08004000, addressHex: '0x08004000', size: 0x4000 },
        ],
        writes: [{ address: 0x08000000, addressHex: '0x08000000', length: 102400, blocks: 50 }],
        leave: { address: 0x08000000, addressHex: '0x08000000' },
        willReset: false,
        totals: { eraseBytes: 131072, writeBytes: 102400, blocks: 50 },
      },
    });
    assert.deepEqual(parsed[2], { type: 'phase-progress', phase: 'erase', bytes: 16384, totalBytes: 131072 });
    const result = cliDownloadResult();
    assert.deepEqual(parsed.at(-1), { type: 'result', ok: true, ...result, device: { ...result.device, vendorIdHex: '0x0483', productIdHex: '0xdf11' } });
    // warnings still reach people on stderr; no progress or summary there
    assert.equal(io.err(), 'dfu-flash: warning: transfer size 4096 is above what the device reports (2048)\n  hint: drop -t\n');
  });
  test('--json --quiet: data only', async () => {
    const io = memoryIo();
    await feed(io, { ...OUT, json: true, quiet: true });
    assert.equal(io.err(), '');
    assert.equal(io.out().trimEnd().split('\n').length, SEQUENCE.length + 1);
  });
});

describe('quiet reporter', () => {
  test('prints nothing, even with -v', async () => {
    const io = memoryIo();
    await feed(io, { ...OUT, quiet: true, verbose: 2 });
    assert.equal(io.err(), '');
    assert.equal(io.out(), '');
  });
  test('nothing on a TTY either', async () => {
    const io = memoryIo({ stderrIsTTY: true });
    await feed(io, { ...OUT, quiet: true });
    assert.equal(io.err(), '');
  });
});

describe('TTY reporter', () => {
  test('one bar per phase, done times, summary', async () => {
    const io = memoryIo({ stderrIsTTY: true, stderrColumns: 120 });
    await feed(io, OUT);
    const err = io.err();
    const plain = err.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(plain, /erase\s+█{25} 100% 131072\/131072 B {2}done in 2\.00 s \(64\.0 KiB\/s\)/);
    assert.match(plain, /download \(Internal Flash\) █{25} 100% 102400\/102400 B {2}done in 5\.12 s \(19\.5 KiB\/s\)/);
    assert.match(plain, /leave\s+done in 0\.10 s/);
    assert.ok(plain.includes('dfu-flash: warning: transfer size 4096 is above what the device reports (2048)\n'));
    assert.ok(plain.endsWith('Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s, verified; device left DFU mode\n'));
    assert.equal(io.out(), '');
  });
  test('colour follows the terminal and NO_COLOR', async () => {
    assert.equal(colorEnabled(memoryIo({ stderrIsTTY: true })), true);
    assert.equal(colorEnabled(memoryIo({ stderrIsTTY: true, env: { NO_COLOR: '1' } })), false);
    assert.equal(colorEnabled(memoryIo({ stderrIsTTY: true, env: { NO_COLOR: '' } })), true);
    assert.equal(colorEnabled(memoryIo({ stderrIsTTY: true, env: { TERM: 'dumb' } })), false);
    assert.equal(colorEnabled(memoryIo({ stderrIsTTY: false })), false);
    const on = await loadStyle(true);
    assert.equal(on.error('error:'), '\u001b[31m\u001b[1merror:\u001b[22m\u001b[39m');
    const off = await loadStyle(false);
    assert.equal(off.error('error:'), 'error:');
  });
  test('TERM=dumb gets plain lines', async () => {
    const io = memoryIo({ stderrIsTTY: true, env: { TERM: 'dumb' } });
    await feed(io, OUT);
    assert.equal(io.err(), PLAIN_LINES.join('\n') + '\n');
  });
});

describe('formatters', () => {
  test('rates, durations, ETA', () => {
    assert.equal(formatRate(512), '512 B/s');
    assert.equal(formatRate(20000), '19.5 KiB/s');
    assert.equal(formatRate(1.5 * 1024 * 1024), '1.50 MiB/s');
    assert.equal(formatSeconds(6123), '6.12 s');
    assert.equal(formatSeconds(-5), '0.00 s');
    assert.equal(formatEta(12.2), '13s');
    assert.equal(formatEta(65), '1m05s');
  });
  test('oneLine', () => {
    assert.equal(oneLine('a\n  b\r\nc\td\u0000'), 'a b c d?');
  });
  test('summary sentences', () => {
    const cwd = '/work/proj';
    assert.equal(summaryLine(cliDownloadResult(), cwd), 'Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s, verified; device left DFU mode');
    assert.equal(
      summaryLine({ operation: 'upload', device: { ...DEVICE, alternateSetting: 1 }, bytes: 16384, elapsedMs: 1020, phases: [], file: '/work/proj/out/dump.bin' }, cwd),
      'Uploaded 16384 bytes from 0483:df11 (1-1) alt 1 to out/dump.bin in 1.02 s',
    );
    assert.equal(
      summaryLine({ operation: 'upload', device: DEVICE, bytes: 1, elapsedMs: 1, phases: [], file: '/tmp/dump.bin' }, cwd),
      'Uploaded 1 bytes from 0483:df11 (1-1) alt 0 to /tmp/dump.bin in 0.00 s',
    );
    assert.equal(
      summaryLine(
        { operation: 'detach', device: { ...DEVICE, vendorId: 0x1d50, productId: 0x6018, portPath: '3-4.2', mode: 'runtime' }, bytes: 0, elapsedMs: 300, phases: [], outcome: 'device re-enumerated in DFU mode' },
        cwd,
      ),
      'Detached 1d50:6018 (3-4.2) in 0.30 s; device re-enumerated in DFU mode',
    );
  });
});

describe('JSON encoding of odd values', () => {
  test('shared objects are kept, cycles cut, bytes summarised', () => {
    const shared = { wTransferSize: 2048 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const line = toJsonLine({
      alts: [{ f: shared }, { f: shared }],
      cyclic,
      big: 2n ** 64n,
      data: new Uint8Array(300),
      buf: Buffer.from('abc'),
      map: new Map([['a', 1]]),
      set: new Set([1, 2]),
      err: new RangeError('bad'),
      fn: () => 1,
    });
    assert.deepEqual(JSON.parse(line), {
      alts: [{ f: { wTransferSize: 2048 } }, { f: { wTransferSize: 2048 } }],
      cyclic: { name: 'loop', self: '[circular]' },
      big: '18446744073709551616',
      data: { bytes: 300 },
      buf: { bytes: 3 },
      map: { a: 1 },
      set: [1, 2],
      err: { name: 'RangeError', message: 'bad' },
    });
    assert.ok(!line.includes('\n'));
  });
});

describe('TTY width', () => {
  test('no line is wider than the terminal', async () => {
    for (const columns of [40, 60, 80, 120]) {
      const io = memoryIo({ stderrIsTTY: true, stderrColumns: columns });
      await feed(io, OUT, false);
      // Each bar is written as one run of text between cursor movements (PLAIN_STYLE: no colour codes).
      const bars = io
        .err()
        .split(/\u001b\[[0-9;?]*[A-Za-z]|\n/)
        .filter((l) => /^(erase|download|leave) /.test(l));
      assert.ok(bars.length >= 3);
      for (const l of bars) assert.ok(l.length < columns, `${columns} columns: ${JSON.stringify(l)} (${l.length})`);
    }
  });
});
