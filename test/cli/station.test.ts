/**
 * `dfu-flash station` through the whole CLI on simulated boards: boards
 * plugged in while it runs, the log, the output modes (--json with "board",
 * one line per event off a terminal, the live table on one), a failing board,
 * Ctrl-C once and twice, --timeout, plans, and every bad input refused before
 * the first USB transfer.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DfuStatus } from '../../src/dfu/constants.js';
import type { SimDevice } from '../../src/sim/index.js';
import { pattern, withFiles } from './sim-run.js';
import { stationRun } from './station-run.js';

const BASE = 0x08000000;
const FW = pattern(20 * 1024, 11);
const SHA = createHash('sha256').update(FW).digest('hex');
/** Terminal output as lines: a cursor move to the start of a line starts a new one; other escapes go. */
const strip = (s: string): string => s.replace(/\x1b\[[0-9]*G|\r/g, '\n').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const deviceOn = (b: { bus: { attached(): { port: string; device: SimDevice }[] } }, port: string) => b.bus.attached().find((a) => a.port === port)?.device;
const dfuRequests = (d: SimDevice) => d.transcript.filter((e) => e.request.startsWith('DFU_')).length;
const written = (d: SimDevice) => d.writeLog.reduce((n, w) => n + w.length, 0);

async function logLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'the log ends with a whole line');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('dfu-flash station (simulated boards)', () => {
  test('three boards, two plugged in after it started: each flashed once, --count 3 ends it, exit 0, three log lines, NDJSON with "board"', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const flashed: SimDevice[] = [];
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000:leave', '--count', '3', '--log', 'boards.ndjson', '--json', 'fw.bin'], ['stm32f4-sysboot'], {
        cwd: dir,
        onLine: (l, ctl) => {
          if (l['type'] === 'station-listening') ctl.backend.plug('stm32f4-sysboot', { port: '1-2', serial: 'B00000000002' });
          if (l['type'] === 'board-started') flashed.push(deviceOn(ctl.backend, String(l['board']))!);
          if (l['type'] === 'board-finished' && l['number'] === 2) ctl.backend.plug('stm32f4-sysboot', { port: '1-3', serial: 'C00000000003' });
        },
      });
      assert.equal(r.code, 0, r.io.err());
      assert.equal(flashed.length, 3);
      for (const d of flashed) {
        assert.deepEqual(d.readFlash(BASE, FW.length), FW);
        assert.equal(written(d), FW.length, 'written once');
      }
      for (const l of r.lines.filter((x) => x['type'] !== 'result' && !String(x['type']).startsWith('station'))) assert.match(String(l['board']), /^1-[123]$/, JSON.stringify(l));
      assert.ok(r.lines.some((l) => l['type'] === 'phase-progress' && l['board'] === '1-2' && l['number'] === 2), 'progress events carry the board');
      const result = r.lines.at(-1)!;
      assert.deepEqual([result['type'], result['ok'], result['boards'], result['succeeded'], result['failed'], result['reason']], ['result', true, 3, 3, 0, 'count']);
      const log = await logLines(join(dir, 'boards.ndjson'));
      assert.deepEqual(log.map((l) => [l['board'], l['port'], l['serial'], l['result'], l['error'], l['bytes']]), [
        [1, '1-1', '315A28A0B956', 'ok', null, FW.length],
        [2, '1-2', 'B00000000002', 'ok', null, FW.length],
        [3, '1-3', 'C00000000003', 'ok', null, FW.length],
      ]);
      for (const l of log) {
        assert.match(String(l['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.deepEqual(l['files'], [{ file: join(dir, 'fw.bin'), sha256: SHA }]);
        assert.deepEqual(Object.keys(l['phasesMs'] as object), ['erase', 'download', 'verify', 'leave']);
        assert.equal(l['end'], 'left-bus');
      }
    });
  });

  test('off a terminal: one line per board event, prefixed with port and number, then the totals', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--count', '1', 'fw.bin'], ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const err = r.io.err();
      assert.equal(r.io.out(), '');
      assert.doesNotMatch(err, /\x1b/);
      const lines = err.trimEnd().split('\n');
      assert.equal(lines[0], 'station: listening: DFU-mode boards that match are flashed as they arrive');
      assert.equal(lines[1], '[1-1 #1] arrived: 0483:df11 serial 315A28A0B956');
      assert.equal(lines[2], '[1-1 #1] flashing');
      assert.ok(lines.includes('[1-1 #1] erase: start (32768 bytes)'), err);
      assert.ok(lines.some((l) => /^\[1-1 #1\] ok: Downloaded 20480 bytes to 0483:df11 \(1-1\) alt 0 in [0-9.]+ s, verified$/.test(l)), err);
      assert.ok(!lines.some((l) => /%/.test(l)), 'no progress percentages: one line per event');
      assert.equal(lines.at(-2), 'station: stopping: the count of boards is reached, no new boards');
      assert.match(lines.at(-1)!, /^station: 1 board in [0-9.]+ s: 1 ok, 0 failed; [0-9.]+ boards\/hour$/);
    });
  });

  test('on a terminal: a live table with a row per board and the totals; finished rows stay', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--count', '2', 'fw.bin'], ['stm32f4-sysboot', 'stm32f4-sysboot'], {
        cwd: dir,
        tty: true,
        setup: (b) => b.bus.devices[1]!.faults.add({ request: 'DFU_GETSTATUS', nth: 12, action: { status: DfuStatus.errWRITE } }),
      });
      assert.equal(r.code, 76);
      const text = strip(r.io.err());
      assert.match(text, /^ +# +port +serial +phase +progress +result/m);
      assert.match(text, /^ +1 +1-1 +315A28A0B956 +done +█{12} 100% +ok, verified +[0-9.]+ s$/m);
      assert.match(text, /^ +2 +1-2 +315A28A0B957 +failed .*DFU_STATUS: download of 2048 bytes .* [0-9.]+ s$/m);
      assert.match(text, /^ +dfu-flash: error: .*errWRITE/m);
      assert.match(text, /^ok [0-2] · failed [01] · [0-2] boards? · .* boards\/hour · [0-2] in flight · /m);
      assert.match(text, /^station: 2 boards in [0-9.]+ s: 1 ok, 1 failed \(#2 1-2\); /m);
      for (const l of text.split('\n').filter((x) => /^( +\d+ |ok \d)/.test(x))) assert.ok(l.length <= 109, `a row wider than the terminal: ${l}`);
    });
  });

  test('a board that fails in the middle: its error and hint on its lines, the others finish, exit status of its error, log line "failed"', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--count', '3', '--log', 'log.ndjson', 'fw.bin'], ['stm32f4-sysboot', 'stm32f4-sysboot', 'stm32f4-sysboot'], {
        cwd: dir,
        setup: (b) => b.bus.devices[1]!.faults.add({ request: 'DFU_GETSTATUS', nth: 12, action: { status: DfuStatus.errWRITE } }),
      });
      assert.equal(r.code, 76, r.io.err());
      assert.match(r.io.err(), /^\[1-2 #2\] dfu-flash: error: .*errWRITE/m);
      assert.match(r.io.err(), /^\[1-2 #2\] {3}hint: /m);
      assert.match(r.io.err(), /^\[1-1 #1\] ok: /m);
      assert.match(r.io.err(), /^\[1-3 #3\] ok: /m);
      assert.match(r.io.err(), /: 2 ok, 1 failed \(#2 1-2\);/);
      const log = await logLines(join(dir, 'log.ndjson'));
      const failed = log.find((l) => l['port'] === '1-2')!;
      assert.deepEqual([failed['result'], failed['error']], ['failed', 'DFU_STATUS']);
      assert.ok((failed['bytes'] as number) < FW.length);
      assert.deepEqual(failed['files'], [{ file: join(dir, 'fw.bin'), sha256: SHA }]);
      assert.deepEqual(log.filter((l) => l['result'] === 'ok').map((l) => l['port']).sort(), ['1-1', '1-3']);
    });
  });

  test('came back to the bootloader: a warning with its hint, not flashed again; the log says ok', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      let back: SimDevice | undefined;
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000:leave', '--json', 'fw.bin'], ['stm32f4-boot0-high'], {
        cwd: dir,
        onLine: (l, ctl) => {
          if (l['type'] === 'board-returned') {
            back = deviceOn(ctl.backend, '1-1');
            ctl.interrupt();
          }
        },
      });
      assert.equal(r.code, 0, r.io.err());
      const ret = r.lines.find((l) => l['type'] === 'board-returned')!;
      assert.deepEqual([ret['board'], ret['number'], ret['as'], ret['warning']], ['1-1', 1, 'bootloader', 'came back to the bootloader']);
      assert.match(String(ret['hint']), /BOOT0/);
      assert.equal(dfuRequests(back!), 0);
      assert.equal(r.lines.filter((l) => l['type'] === 'board-started').length, 1);
      assert.equal(r.lines.at(-1)!['returnedToBootloader'], 1);
    });
  });

  test('Ctrl-C once: the board in flight finishes, no new one is taken, exit 0', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      let first: SimDevice | undefined;
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--json', 'fw.bin'], ['stm32f4-sysboot'], {
        cwd: dir,
        onLine: (l, ctl) => {
          if (l['type'] === 'phase-start' && l['phase'] === 'download') {
            first = deviceOn(ctl.backend, '1-1');
            ctl.interrupt();
            ctl.backend.plug('stm32f4-sysboot', { port: '1-2' });
          }
        },
      });
      assert.equal(r.code, 0, r.io.err());
      assert.deepEqual(first!.readFlash(BASE, FW.length), FW);
      assert.deepEqual(r.lines.filter((l) => String(l['type']).startsWith('board-') || String(l['type']).startsWith('station-')).map((l) => l['type']), [
        'station-listening',
        'board-arrived',
        'board-started',
        'station-stopping',
        'board-finished',
      ]);
      assert.deepEqual([r.lines.at(-1)!['reason'], r.lines.at(-1)!['aborted']], ['stopped', false]);
    });
  });

  test('Ctrl-C twice: boards in flight are aborted at a block boundary, back in dfuIDLE, exit 130', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const boards: SimDevice[] = [];
      let presses = 0;
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--log', 'log.ndjson', 'fw.bin', '--json'], ['stm32f4-sysboot', 'stm32f4-sysboot'], {
        cwd: dir,
        onLine: (l, ctl) => {
          if (l['type'] === 'board-started') boards.push(deviceOn(ctl.backend, String(l['board']))!);
          if (l['type'] === 'phase-progress' && l['phase'] === 'download' && presses === 0) {
            presses++;
            ctl.interrupt();
          }
          if (l['type'] === 'station-stopping') ctl.interrupt();
        },
      });
      assert.equal(r.code, 130, r.io.err());
      assert.equal(boards.length, 2);
      for (const d of boards) {
        assert.equal(d.stateName, 'dfuIDLE');
        assert.ok(d.transcript.some((e) => e.request === 'DFU_ABORT'));
        assert.ok(written(d) < FW.length);
      }
      assert.ok(r.lines.some((l) => l['type'] === 'station-aborting'));
      assert.match(r.io.err(), /dfu-flash: error: .*aborted/);
      const log = await logLines(join(dir, 'log.ndjson'));
      assert.deepEqual(log.map((l) => [l['result'], l['error']]), [['failed', 'ABORTED'], ['failed', 'ABORTED']]);
    });
  });

  test('--timeout: no board after it; with none flashed the station ends with exit 0 and says so', async () => {
    await withFiles({ 'fw.bin': FW }, async (dir) => {
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--timeout', '30', 'fw.bin'], [], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      assert.match(r.io.err(), /^station: stopping: the timeout has passed, no new boards$/m);
      assert.match(r.io.err(), /^station: 0 boards in 30\.00 s: 0 ok, 0 failed; 0\.0 boards\/hour$/m);
    });
  });

  test('--again flashes a board plugged in again; without it, it is skipped with a hint', async () => {
    for (const again of [false, true]) {
      await withFiles({ 'fw.bin': FW }, async (dir) => {
        const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--json', 'fw.bin', ...(again ? ['--again'] : [])], ['stm32f4-sysboot'], {
          cwd: dir,
          onLine: (l, ctl) => {
            if (l['type'] === 'board-finished' && l['number'] === 1) {
              const d = deviceOn(ctl.backend, '1-1')!;
              ctl.backend.unplug('1-1');
              ctl.backend.plug('stm32f4-sysboot', { port: '1-1', serial: d.serial, flash: d.snapshot() });
            }
            if (l['type'] === 'board-skipped' || (l['type'] === 'board-finished' && l['number'] === 2)) ctl.interrupt();
          },
        });
        assert.equal(r.code, 0, r.io.err());
        const started = r.lines.filter((l) => l['type'] === 'board-started').length;
        assert.equal(started, again ? 2 : 1);
        if (!again) {
          const skipped = r.lines.find((l) => l['type'] === 'board-skipped')!;
          assert.deepEqual([skipped['board'], skipped['flashedAs']], ['1-1', 1]);
          assert.match(String(skipped['hint']), /--again/);
        }
      });
    }
  });

  test('a plan file: its selection and steps on every board, uploads named per board', async () => {
    const plan = { device: ',0483:df11', alt: 0, steps: [{ download: { file: 'fw.bin', address: '0x08000000' } }, { upload: { file: 'back-{serial}.bin', address: '0x08000000:256' } }] };
    await withFiles({ 'fw.bin': FW, 'plan.json': JSON.stringify(plan) }, async (dir) => {
      const r = await stationRun(['station', 'plan.json', '--count', '2', '--log', 'log.ndjson'], ['stm32f4-sysboot', 'dapboot', 'stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      for (const serial of ['315A28A0B956', '315A28A0B957']) assert.deepEqual(new Uint8Array(await readFile(join(dir, `back-${serial}.bin`))), FW.subarray(0, 256));
      const log = await logLines(join(dir, 'log.ndjson'));
      assert.deepEqual(log.map((l) => [l['port'], l['result']]).sort(), [['1-1', 'ok'], ['1-3', 'ok']]);
      assert.deepEqual(log[0]!['files'], [{ file: join(dir, 'fw.bin'), sha256: SHA }]);
    });
  });

  test('the log is appended to, never truncated; a last line cut off by a crash is closed first so the new lines are whole', async () => {
    await withFiles({ 'fw.bin': FW, 'log.ndjson': '{"board":1,"result":"ok"}\n{"board":2,"resu' }, async (dir) => {
      const r = await stationRun(['station', '-a', '0', '-s', '0x08000000', '--count', '1', '--log', 'log.ndjson', 'fw.bin'], ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(r.code, 0, r.io.err());
      const lines = (await readFile(join(dir, 'log.ndjson'), 'utf8')).split('\n');
      assert.deepEqual(lines.slice(0, 2), ['{"board":1,"result":"ok"}', '{"board":2,"resu']);
      assert.equal(lines.length, 4);
      assert.equal(lines[3], '');
      assert.equal((JSON.parse(lines[2]!) as { port: string }).port, '1-1');
    });
  });
});

describe('dfu-flash station: bad input refused before the first USB transfer', () => {
  const cases: [string, string[], Record<string, string | Uint8Array>, number, RegExp][] = [
    ['-N', ['-N', '1', 'fw.bin'], { 'fw.bin': FW }, 64, /-N\/--index chooses one listed device/],
    ['-n', ['-n', '5', 'fw.bin'], { 'fw.bin': FW }, 64, /-n\/--devnum names one enumeration/],
    ['--jobs 0', ['--jobs', '0', 'fw.bin'], { 'fw.bin': FW }, 64, /--jobs/],
    ['--count x', ['--count', 'x', 'fw.bin'], { 'fw.bin': FW }, 64, /--count/],
    ['--timeout 0', ['--timeout', '0', 'fw.bin'], { 'fw.bin': FW }, 64, /--timeout/],
    ['-s with a length', ['-s', '0x08000000:16', 'fw.bin'], { 'fw.bin': FW }, 64, /reads memory/],
    ['-w', ['-w', 'fw.bin'], { 'fw.bin': FW }, 64, /unknown option '-w'/],
    ['a plan and -s', ['-s', '0x08000000', 'plan.json'], { 'plan.json': '{"steps":[{"download":{"file":"fw.bin"}}]}' }, 64, /-s\/--dfuse-address cannot be given with a plan file/],
    ['a plan with a detach step', ['plan.json'], { 'plan.json': '{"steps":[{"detach":{}},{"download":{"file":"fw.bin"}}]}', 'fw.bin': FW }, 64, /steps\[0\]\.detach: the station flashes boards already in DFU mode/],
    ['a plan uploading to one file', ['plan.json'], { 'plan.json': '{"steps":[{"upload":{"file":"x.bin","address":"0x08000000:4"}}]}' }, 64, /every board would write the same file/],
    ['a missing firmware file', ['-s', '0x08000000', 'nope.bin'], {}, 66, /nope\.bin/],
    ['a plan whose firmware is missing', ['plan.json'], { 'plan.json': '{"steps":[{"download":{"file":"nope.bin","address":"0x08000000"}}]}' }, 66, /nope\.bin/],
    ['a malformed hex file', ['fw.hex'], { 'fw.hex': ':10000000ZZ\n' }, 65, /fw\.hex/],
    ['a log in a missing folder', ['--log', 'no/such/dir/log.ndjson', '-s', '0x08000000', 'fw.bin'], { 'fw.bin': FW }, 66, /cannot open the log no\/such\/dir\/log\.ndjson: its folder does not exist/],
  ];
  for (const [what, args, files, code, message] of cases) {
    test(what, async () => {
      await withFiles(files, async (dir) => {
        const r = await stationRun(['station', ...args], ['stm32f4-sysboot'], { cwd: dir });
        assert.equal(r.code, code, r.io.err());
        assert.match(r.io.err(), message);
        assert.deepEqual(r.backend.bus.devices.map((d) => d.transcript.length), [0], 'nothing was sent to the board');
      });
    });
  }
});

test('station --help: the options and the examples', async () => {
  await withFiles({}, async (dir) => {
    const r = await stationRun(['station', '--help'], [], { cwd: dir });
    assert.equal(r.code, 0);
    for (const o of ['--jobs', '--count', '--timeout', '--again', '--log', '--json', '-s, --dfuse-address', '--verify']) assert.ok(r.io.out().includes(o), o);
    assert.match(r.io.out(), /dfu-flash station plan\.json --log boards\.ndjson --count 50/);
  });
});
