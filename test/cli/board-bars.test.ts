/** One progress bar per board (download --all, run on a terminal), and the board reporter's routing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardBars } from '../../src/cli/reporters/board-bars.js';
import { createBoardsReporter } from '../../src/cli/reporters/boards.js';
import { PLAIN_STYLE } from '../../src/cli/reporters/style.js';
import { FakeClock } from '../../src/transport/clock.js';
import { memoryIo } from './helpers.js';

const strip = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe('BoardBars.render', () => {
  const bars = (columns: number) => new BoardBars({ write: () => {}, isTTY: true, columns }, new FakeClock(), PLAIN_STYLE);

  test('port, phase, bar, percent, bytes, rate and ETA', () => {
    const line = bars(100).render({ value: 51200, total: 102400 }, { port: '1-2', phase: 'download', rate: 20480 });
    assert.equal(line, '1-2  download ██████████░░░░░░░░░░  50% 51200/102400 B  20.0 KiB/s  ETA 3s');
  });

  test('a finished phase says how long it took', () => {
    const line = bars(100).render({ value: 131072, total: 131072 }, { port: '1-10', phase: 'erase', rate: 65536, elapsedMs: 2000 });
    assert.equal(line, '1-10  erase    ████████████████████ 100% 131072/131072 B  done in 2.00 s');
  });

  test('phases without bytes', () => {
    assert.equal(bars(100).render({ value: 0, total: 0 }, { port: '1-1', phase: 'leave' }), '1-1  leave    ...');
    assert.equal(bars(100).render({ value: 0, total: 0 }, { port: '1-1', phase: 'leave', elapsedMs: 12 }), '1-1  leave    done in 0.01 s');
  });

  test('a long wait shows how long it has lasted and should last, instead of a rate', () => {
    assert.equal(bars(100).render({ value: 0, total: 0 }, { port: '1-1', phase: 'erase', waited: '14 s of ~35 s' }), '1-1  erase    14 s of ~35 s');
    const line = bars(100).render({ value: 65536, total: 131072 }, { port: '1-2', phase: 'erase', rate: 1, waited: '2 s of ~3 s' });
    assert.equal(line, '1-2  erase    ██████████░░░░░░░░░░  50% 65536/131072 B  2 s of ~3 s');
  });

  test('never wider than the terminal', () => {
    for (const columns of [20, 30, 40, 50, 60, 80]) {
      const b = bars(columns);
      for (const p of [{ port: '1-1.4.2', phase: 'download', rate: 1e6 }, { port: '1-1', phase: 'erase', elapsedMs: 123456 }]) {
        const line = b.render({ value: 40960, total: 1048576 }, p);
        assert.ok(strip(line).length <= Math.max(20, columns - 1), `${columns}: ${JSON.stringify(line)}`);
        assert.ok(line.startsWith(p.port), line);
      }
    }
  });

  test('bars are drawn per board on the stream, and lines are printed above them', () => {
    let out = '';
    const b = new BoardBars({ write: (s) => void (out += s), isTTY: true, columns: 90 }, new FakeClock(), PLAIN_STYLE);
    b.handle('1-1', { type: 'phase-start', phase: 'erase', totalBytes: 100 });
    b.handle('1-2', { type: 'phase-start', phase: 'erase', totalBytes: 100 });
    b.handle('1-2', { type: 'phase-progress', phase: 'erase', bytes: 50, totalBytes: 100 });
    b.log('[1-2] dfu-flash: warning: something\n');
    b.handle('1-1', { type: 'phase-end', phase: 'erase', bytes: 100, elapsedMs: 40 });
    b.close();
    const text = strip(out);
    assert.match(text, /1-1  erase +.*100% 100\/100 B  done in 0\.04 s/);
    assert.match(text, /1-2  erase +.* 50% 50\/100 B/);
    assert.ok(text.includes('[1-2] dfu-flash: warning: something\n'));
  });
});

describe('board reporter', () => {
  test('--json: events on stdout with "board"; warnings also on stderr with the prefix', async () => {
    const io = memoryIo();
    const r = await createBoardsReporter({ io, output: { json: true, quiet: false, verbose: 0 }, clock: new FakeClock(), style: PLAIN_STYLE });
    r.emitFor('1-3')({ type: 'phase-start', phase: 'download', totalBytes: 8 });
    r.emitFor('1-4')({ type: 'warning', message: 'careful', hint: 'do this' });
    r.close();
    assert.deepEqual(
      io.out().trim().split('\n').map((l) => JSON.parse(l)),
      [
        { type: 'phase-start', phase: 'download', totalBytes: 8, board: '1-3' },
        { type: 'warning', message: 'careful', hint: 'do this', board: '1-4' },
      ],
    );
    assert.equal(io.err(), '[1-4] dfu-flash: warning: careful\n[1-4]   hint: do this\n');
  });

  test('--quiet: nothing; -v: debug lines with the prefix', async () => {
    const quiet = memoryIo();
    const q = await createBoardsReporter({ io: quiet, output: { json: false, quiet: true, verbose: 1 }, clock: new FakeClock(), style: PLAIN_STYLE });
    q.emitFor('1-1')({ type: 'phase-start', phase: 'erase', totalBytes: 8 });
    q.emitFor('1-1')({ type: 'warning', message: 'w' });
    q.emitFor('1-1')({ type: 'debug', message: 'd' });
    assert.equal(quiet.err() + quiet.out(), '');
    const verbose = memoryIo();
    const v = await createBoardsReporter({ io: verbose, output: { json: false, quiet: false, verbose: 1 }, clock: new FakeClock(), style: PLAIN_STYLE });
    v.emitFor('2-1')({ type: 'debug', message: 'DFU_GETSTATUS' });
    assert.equal(verbose.err(), '[2-1] debug: DFU_GETSTATUS\n');
  });
});
