/**
 * libusb hotplug through the libusb backend's watch(): devices the harness
 * plugs in and pulls out while a real libusb program (hotplug-probe) watches.
 * The probe lists again on every callback and exits by itself after stop() and
 * dispose(): a watch that kept the event loop alive would be killed at the
 * deadline instead (exit 124).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, runWithDevices, umockdevAvailable, type RunResult } from './harness/run.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

const available = umockdevAvailable();
const skip = available.ok ? false : `umockdev harness unavailable: ${available.reason}`;
const HOTPLUG_PROBE = join(REPO_ROOT, 'dist/test/e2e/scripts/hotplug-probe.js');
const USB_PROBE = join(REPO_ROOT, 'dist/test/e2e/scripts/usb-probe.js');

interface ProbeLine {
  type: string;
  key?: string;
  portPath?: string;
  deviceAddress?: number;
  serial?: string;
  epochMs?: number;
  changeEpochMs?: number;
  devices?: { key: string; portPath: string }[];
  changes?: number;
  watching?: { watchers: { attach: number; detach: number } };
  after?: { watchers: { attach: number; detach: number }; resources: { handles: Record<string, number> } };
}

function lines(r: RunResult): ProbeLine[] {
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeLine);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describeOrSkip('libusb hotplug: watch() in a running program', skip, () => {
  test('devices plugged in at different times on different ports, one pulled out: every change calls back, list() shows it, the program exits by itself', async () => {
    const r = await runWithDevices({
      profiles: [
        { profile: 'stm32f4-sysboot', serial: 'A0000001' },
        // B leaves once the probe has listed it (its first arrival); C arrives 50 ms after B left, behind a hub
        { profile: 'dapboot', name: 'B', plugAfter: { file: 'ready' }, unplugAfter: { file: 'arrived-1' } },
        { profile: 'stm32f4-sysboot', serial: 'C0000003', plugAfter: { gone: 'B' }, plugAtMs: 50, port: '3.4' },
      ],
      command: [process.execPath, HOTPLUG_PROBE, '--arrivals', '2', '--departures', '1', '--ready', '{dir}/ready', '--mark', '{dir}'],
      timeoutMs: 20000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = lines(r);
    assert.deepEqual(
      out.filter((l) => l.type !== 'change' && l.type !== 'summary').map((l) => [l.type, l.portPath ?? l.devices?.map((d) => d.portPath) ?? l.key, l.deviceAddress]),
      [
        ['initial', ['1-1'], undefined],
        ['arrive', '1-2', 3],
        ['leave', 'usb:1-2:3', undefined],
        ['arrive', '1-3.4', 5], // address 4 went to the hub in front of it
      ],
    );
    // every arrival and departure was found because watch() called back, not by chance
    for (const l of out.filter((x) => x.type === 'arrive' || x.type === 'leave')) assert.ok(l.changeEpochMs !== undefined, JSON.stringify(l));
    const summary = out.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.deepEqual(summary.watching!.watchers, { attach: 1, detach: 1 }, 'one listener each while watching');
    assert.deepEqual(summary.after!.watchers, { attach: 0, detach: 0 }, 'none after stop() + dispose()');
    assert.deepEqual(
      r.timeline.map((c) => [c.type, c.slot, c.port, c.devnum, c.uevent]),
      [
        ['plug', 0, '1', 2, false],
        ['plug', 1, '2', 3, true],
        ['unplug', 1, '2', 3, true],
        ['plug', 2, '3.4', 5, true],
      ],
    );
  });

  test('the same board plugged in again and again on one port: a new device number each time, each arrival seen (latency measured)', async (t) => {
    const rounds = 8;
    // plugged 30 ms after it left (the first: once the probe watches), pulled out once the probe has listed it
    const profiles = Array.from({ length: rounds }, (_, i) => ({
      profile: 'stm32f4-sysboot',
      name: 'board',
      ...(i === 0 ? { plugAfter: { file: 'ready' } as const } : { plugAtMs: 30 }),
      unplugAfter: { file: `arrived-${i + 1}` },
    }));
    const r = await runWithDevices({
      profiles,
      command: [process.execPath, HOTPLUG_PROBE, '--arrivals', String(rounds), '--departures', String(rounds), '--ready', '{dir}/ready', '--mark', '{dir}'],
      timeoutMs: 30000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = lines(r);
    const arrivals = out.filter((l) => l.type === 'arrive');
    assert.deepEqual(
      arrivals.map((l) => [l.portPath, l.deviceAddress, l.serial]),
      Array.from({ length: rounds }, (_, i) => ['1-1', 2 + i, '315A28A0B956']),
    );
    assert.equal(out.filter((l) => l.type === 'leave').length, rounds);
    assert.deepEqual(
      r.devices.map((d) => [d.slot, d.board, d.devnum, d.connected]),
      Array.from({ length: rounds }, (_, i) => [i, 'board', 2 + i, false]),
    );

    // arrival (the harness's plug, right after its uevent) → watch() callback → listed
    const plugs = r.timeline.filter((c) => c.type === 'plug');
    const toCallback = arrivals.map((l, i) => l.changeEpochMs! - plugs[i]!.epochMs);
    const toListed = arrivals.map((l, i) => l.epochMs! - plugs[i]!.epochMs);
    t.diagnostic(`arrival → onChange: median ${median(toCallback).toFixed(1)} ms, max ${Math.max(...toCallback).toFixed(1)} ms`);
    t.diagnostic(`arrival → in list(): median ${median(toListed).toFixed(1)} ms, max ${Math.max(...toListed).toFixed(1)} ms`);
  });

  test("the public entry's usbBackend() (dfu-flash/usb) watches libusb's hotplug events too", async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'dapboot', plugAfter: { file: 'ready' } }],
      command: [process.execPath, HOTPLUG_PROBE, '--public', '--arrivals', '1', '--ready', '{dir}/ready'],
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = lines(r);
    const arrival = out.find((l) => l.type === 'arrive');
    assert.equal(arrival?.portPath, '1-1');
    assert.ok(arrival.changeEpochMs !== undefined, 'found through a watch() callback');
    assert.deepEqual(out.at(-1)!.after!.watchers, { attach: 0, detach: 0 });
  });

  test('a device that arrives without a uevent (udev events not reaching the process): a running libusb never lists it, even polling; a new process does', async () => {
    const r = await runWithDevices({
      profiles: [{ profile: 'dapboot', plugAfter: { file: 'ready' }, uevents: false }],
      command: [
        'sh',
        '-c',
        // the watcher runs until a new process has listed the board, then lists once more and gives up
        `"${process.execPath}" "${HOTPLUG_PROBE}" --arrivals 1 --poll-list 20 --ready {dir}/ready --give-up-on {dir}/listed & watcher=$!; ` +
          `until "${process.execPath}" "${USB_PROBE}" list > {dir}/list.json && grep -q '"portPath":"1-1"' {dir}/list.json; do sleep 0.05; done; ` +
          `touch {dir}/listed; wait $watcher; echo "watcher exit $?"; cat {dir}/list.json`,
      ],
      timeoutMs: 20000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    const [list, verdict] = [out.pop(), out.pop()];
    const watcher = out.map((l) => JSON.parse(l) as ProbeLine);
    assert.deepEqual(watcher[0], { type: 'initial', devices: [] });
    assert.deepEqual(
      watcher.map((l) => l.type),
      ['initial', 'gave-up', 'summary'],
      'a list() begun after another process listed the board still did not show it',
    );
    assert.equal(verdict, 'watcher exit 3', 'the watcher saw nothing and gave up');
    const later = JSON.parse(list!) as { devices: { portPath: string }[] };
    assert.deepEqual(
      later.devices.map((d) => d.portPath),
      ['1-1'],
    );
    assert.deepEqual(
      r.timeline.map((c) => [c.type, c.uevent]),
      [['plug', false]],
    );
  });
});
