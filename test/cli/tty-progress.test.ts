/**
 * Progress bars while a phase runs: bytes done/total, percent, bytes/s and
 * ETA on each phase's bar, and "done in X s" when it ends. cli-progress
 * redraws on a 10 fps timer, so each frame is read after a real 250 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TtyProgress } from '../../src/cli/reporters/tty-progress.js';
import { PLAIN_STYLE } from '../../src/cli/reporters/style.js';
import { ManualClock } from '../support/manual-clock.js';


/** The text of the last frame: what each bar line says now (cursor movements removed). */
function lastFrame(out: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const piece of out.split(/\u001b\[[0-9;?]*[A-Za-z]|\r|\n/)) {
    const phase = /^(erase|download|verify|leave) /.exec(piece)?.[1];
    if (phase !== undefined) lines.set(phase, piece);
  }
  return lines;
}

test('each phase: bytes, percent, rate and ETA while it runs; done in X s at its end', async () => {
  let out = '';
  const clock = new ManualClock();
  const bars = new TtyProgress({ write: (s: string) => (out += s), isTTY: true, columns: 100 }, clock, PLAIN_STYLE);
  try {
    bars.handle({ type: 'phase-start', phase: 'erase', totalBytes: 65536 });
    clock.t = 500;
    bars.handle({ type: 'phase-progress', phase: 'erase', bytes: 16384, totalBytes: 65536 });
    await sleep(250);
    assert.equal(lastFrame(out).get('erase'), 'erase    ██████░░░░░░░░░░░░░░░░░░░  25% 16384/65536 B  32.0 KiB/s  ETA 2s');

    clock.t = 2000;
    bars.handle({ type: 'phase-end', phase: 'erase', bytes: 65536, elapsedMs: 2000 });
    bars.handle({ type: 'phase-start', phase: 'download', totalBytes: 102400 });
    clock.t = 4000;
    bars.handle({ type: 'phase-progress', phase: 'download', bytes: 40960, totalBytes: 102400 });
    await sleep(250);
    let frame = lastFrame(out);
    assert.equal(frame.get('erase'), 'erase    █████████████████████████ 100% 65536/65536 B  done in 2.00 s (32.0 KiB/s)');
    assert.equal(frame.get('download'), 'download ██████████░░░░░░░░░░░░░░░  40% 40960/102400 B  20.0 KiB/s  ETA 3s');

    clock.t = 7120;
    bars.handle({ type: 'phase-end', phase: 'download', bytes: 102400, elapsedMs: 5120 });
    bars.handle({ type: 'phase-start', phase: 'verify', totalBytes: 102400 });
    clock.t = 7620;
    bars.handle({ type: 'phase-progress', phase: 'verify', bytes: 51200, totalBytes: 102400 });
    await sleep(250);
    frame = lastFrame(out);
    assert.equal(frame.get('download'), 'download █████████████████████████ 100% 102400/102400 B  done in 5.12 s (19.5 KiB/s)');
    assert.match(frame.get('verify')!, /^verify +█+░+ {2}50% 51200\/102400 B {2}100\.0 KiB\/s {2}ETA 1s$/);

    clock.t = 8120;
    bars.handle({ type: 'phase-end', phase: 'verify', bytes: 102400, elapsedMs: 1000 });
    bars.handle({ type: 'phase-start', phase: 'leave', totalBytes: 0 });
    bars.handle({ type: 'phase-end', phase: 'leave', bytes: 0, elapsedMs: 30 });
  } finally {
    bars.close();
  }
  const frame = lastFrame(out);
  assert.equal(frame.get('verify'), 'verify   █████████████████████████ 100% 102400/102400 B  done in 1.00 s (100.0 KiB/s)');
  assert.equal(frame.get('leave'), 'leave    done in 0.03 s');
});
