/**
 * A long erase wait (phase-wait heartbeats) in every reporter: the TTY bar
 * moves with the time-driven estimate and says how long the wait has lasted
 * and should last (a mass erase without a byte total gets a bar of that
 * time); plain lines say so every 5 s; --json carries each heartbeat. And the
 * core sends them: a mass erase on the F4 ROM (35 s, its quirk's minimum).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TtyProgress } from '../../src/cli/reporters/tty-progress.js';
import { PLAIN_STYLE } from '../../src/cli/reporters/style.js';
import { PlainProgress } from '../../src/cli/reporters/plain-progress.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import { ManualClock } from '../support/manual-clock.js';
import { simRun, withFiles, pattern } from './sim-run.js';

function lastFrame(out: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const piece of out.split(/\u001b\[[0-9;?]*[A-Za-z]|\r|\n/)) {
    const phase = /^(erase|download)\b/.exec(piece)?.[1];
    if (phase !== undefined) lines.set(phase, piece);
  }
  return lines;
}

describe('reporters during a long wait', () => {
  test('TTY: a mass erase (no byte total) gets a bar of the expected time; a sector erase moves and shows the wait', async () => {
    let out = '';
    const clock = new ManualClock();
    const bars = new TtyProgress({ write: (s: string) => (out += s), isTTY: true, columns: 100 }, clock, PLAIN_STYLE);
    try {
      bars.handle({ type: 'phase-start', phase: 'erase', totalBytes: 0, label: 'mass erase' });
      bars.handle({ type: 'phase-wait', phase: 'erase', elapsedMs: 14_000, expectedMs: 35_000, bytes: 0, totalBytes: 0 });
      await sleep(250);
      assert.equal(lastFrame(out).get('erase'), 'erase (mass erase) ██████████░░░░░░░░░░░░░░░  40%  14 s of ~35 s');
      bars.handle({ type: 'phase-end', phase: 'erase', bytes: 0, elapsedMs: 35_000 });
      bars.handle({ type: 'phase-start', phase: 'download', totalBytes: 131072 });
      bars.handle({ type: 'phase-wait', phase: 'download', elapsedMs: 1500, expectedMs: 3000, bytes: 65536, totalBytes: 131072 });
      await sleep(250);
      assert.equal(lastFrame(out).get('download'), 'download █████████████░░░░░░░░░░░░  50% 65536/131072 B  2 s of ~3 s');
      clock.t = 3000;
      bars.handle({ type: 'phase-progress', phase: 'download', bytes: 131072, totalBytes: 131072 });
      await sleep(250);
      assert.match(lastFrame(out).get('download')!, /100% 131072\/131072 B {2}42\.7 KiB\/s/);
    } finally {
      bars.close();
    }
  });

  test('plain: one line per 5 s of a wait, none for short ones', () => {
    const lines: string[] = [];
    const plain = new PlainProgress((s) => lines.push(s), new ManualClock());
    const beat = (elapsedMs: number): FlashEvent => ({ type: 'phase-wait', phase: 'erase', elapsedMs, expectedMs: 35_000, bytes: 0, totalBytes: 0 });
    plain.handle({ type: 'phase-start', phase: 'erase', totalBytes: 0, label: 'mass erase' });
    for (let t = 500; t <= 12_000; t += 500) plain.handle(beat(t));
    assert.deepEqual(lines, [
      'erase: start (mass erase)\n',
      'erase: waiting for the device, 5 s of about 35 s\n',
      'erase: waiting for the device, 10 s of about 35 s\n',
    ]);
  });
});

describe('the core sends heartbeats during a mass erase (F4 ROM: at least 35 s by its quirk)', () => {
  test('--json: a phase-wait about every 500 ms, elapsed growing towards the expected 35 s; plain: a line every 5 s', async () => {
    await withFiles({ 'fw.bin': pattern(4096, 3) }, async (dir) => {
      const argv = ['download', '-a', '0', '-s', '0x08000000:mass-erase:force', 'fw.bin', '--simulate', 'stm32f4-sysboot'];
      const json = await simRun([...argv, '--json'], ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(json.code, 0, json.io.err());
      const events = json.io.out().trim().split('\n').map((l) => JSON.parse(l) as { type: string; elapsedMs?: number; expectedMs?: number });
      const beats = events.filter((e) => e.type === 'phase-wait');
      assert.ok(beats.length >= 69 && beats.length <= 71, `${beats.length} heartbeats`);
      assert.ok(beats.every((b) => b.expectedMs === 35_000));
      assert.deepEqual(beats.slice(0, 3).map((b) => b.elapsedMs), [500, 1000, 1500]);
      // between the erase's start and its end, nothing else but heartbeats
      const start = events.findIndex((e) => e.type === 'phase-start');
      const end = events.findIndex((e) => e.type === 'phase-end');
      assert.ok(events.slice(start + 1, end).every((e) => e.type === 'phase-wait'));

      const plain = await simRun(argv, ['stm32f4-sysboot'], { cwd: dir });
      assert.equal(plain.code, 0, plain.io.err());
      const waits = plain.io.err().split('\n').filter((l) => l.startsWith('erase: waiting'));
      assert.deepEqual(waits.slice(0, 2), ['erase: waiting for the device, 5 s of about 35 s', 'erase: waiting for the device, 10 s of about 35 s']);
      assert.equal(waits.length, 6);
    });
  });
});
