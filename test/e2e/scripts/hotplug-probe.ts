/**
 * A libusb client that watches the bus (createUsbBackend().watch()) and
 * lists again on every change, for the hotplug tests. Prints one JSON line
 * per thing it saw, then a summary line:
 *
 *   node dist/test/e2e/scripts/hotplug-probe.js --arrivals 2 --departures 1 [--seen N] [--ready FILE] [--mark DIR] [--poll-list MS] [--give-up-on FILE] [--public]
 *
 *   {"type":"initial","devices":[…]}                     what list() showed before anything changed
 *   {"type":"change","epochMs":…}                        watch() called back
 *   {"type":"arrive","key":…,"portPath":…,"serial":…,"epochMs":…,"changeEpochMs":…}
 *   {"type":"leave","key":…,"epochMs":…}
 *   {"type":"summary","changes":N,"resources":{…}}      after stop() and dispose()
 *   {"type":"gave-up","lists":N}                         --give-up-on: stopped without seeing them all (exit 3)
 *
 * It stops once it has seen `--arrivals` new devices and `--departures`
 * departures (and `--seen` distinct devices, those listed at the start included), then stops watching, disposes the backend and returns from main:
 * nothing else keeps it alive, so a watch that held the event loop after
 * dispose() shows up as a run killed at the harness deadline (exit 124).
 * `--ready FILE` is written once the watch is on (the harness's plugAfter
 * { file } anchor); `--mark DIR` writes DIR/arrived-<n> once the nth arrival is
 * listed (for unplugAfter { file: 'arrived-1' }); `--poll-list MS` also lists every MS ms without a change
 * (to see whether libusb's list changes at all without uevents); `--give-up-on FILE`
 * stops it once FILE exists, after one more list() begun after FILE was seen
 * (so a test decides when it has waited long enough by an event, not a
 * timer); `--public` uses
 * the package's public entry (`dfu-flash/usb`'s usbBackend()) instead of createUsbBackend().
 * Times are wall-clock milliseconds (performance.timeOrigin + now), the scale
 * the harness's timeline uses.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createUsbBackend } from '../../../src/transport/usb/index.js';
import type { DfuDeviceInfo } from '../../../src/transport/types.js';
import { resourceSnapshot } from '../../support/resources.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const wantArrivals = Number(option('--arrivals') ?? 1);
const wantDepartures = Number(option('--departures') ?? 0);
const wantSeen = Number(option('--seen') ?? 0);
const pollListMs = Number(option('--poll-list') ?? 0);
const epoch = (): number => performance.timeOrigin + performance.now();
const print = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};
const brief = (d: DfuDeviceInfo): object => ({ key: d.key, portPath: d.portPath, deviceAddress: d.deviceAddress, serial: d.serial });

/** node-usb's own listener counts (it starts and stops libusb hotplug on them). */
function nodeUsbListeners(): { attach: number; detach: number } {
  const usb = (createRequire(import.meta.url)('usb') as { usb: { listenerCount(e: string): number } }).usb;
  return { attach: usb.listenerCount('attach'), detach: usb.listenerCount('detach') };
}

async function main(): Promise<void> {
  const backend = process.argv.includes('--public') ? (await import('../../../src/transport/usb/public.js')).usbBackend() : await createUsbBackend();
  let known = new Map<string, DfuDeviceInfo>();
  const seen = new Set<string>();
  const done = (): boolean => arrivals >= wantArrivals && departures >= wantDepartures && seen.size >= wantSeen;
  let arrivals = 0;
  let departures = 0;
  let changes = 0;
  let lists = 0;
  let gaveUp = false;
  let lastChange: number | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  // one list() at a time; a change while listing means one more round
  let listing: Promise<void> | undefined;
  let again = false;
  const relist = (): void => {
    if (listing) {
      again = true;
      return;
    }
    listing = (async () => {
      do {
        again = false;
        const changeEpochMs = lastChange;
        const now = new Map((await backend.list()).map((d) => [d.key, d]));
        lists++;
        const at = epoch();
        for (const [key, d] of now) {
          seen.add(key);
          if (!known.has(key)) {
            arrivals++;
            print({ type: 'arrive', ...brief(d), epochMs: at, changeEpochMs });
            const mark = option('--mark');
            if (mark) writeFileSync(join(mark, `arrived-${arrivals}`), `${key}\n`);
          }
        }
        for (const key of known.keys()) {
          if (!now.has(key)) {
            departures++;
            print({ type: 'leave', key, epochMs: at, changeEpochMs });
          }
        }
        known = now;
        if (done()) finish();
      } while (again);
      listing = undefined;
    })();
  };

  if (!backend.watch) throw new Error('the libusb backend has no watch()');
  const stop = backend.watch(() => {
    changes++;
    lastChange = epoch();
    print({ type: 'change', epochMs: lastChange });
    relist();
  });
  const watching = { watchers: nodeUsbListeners(), resources: resourceSnapshot() };
  known = new Map((await backend.list()).map((d) => [d.key, d]));
  for (const key of known.keys()) seen.add(key);
  print({ type: 'initial', devices: [...known.values()].map(brief) });
  const ready = option('--ready');
  if (ready) writeFileSync(ready, 'watching\n');
  const poller = pollListMs > 0 ? setInterval(relist, pollListMs) : undefined;
  const giveUpOn = option('--give-up-on');
  const giveUp = giveUpOn
    ? setInterval(() => {
        if (gaveUp || !existsSync(giveUpOn)) return;
        gaveUp = true;
        void (async () => {
          while (listing) await listing; // a list() already going may have begun before the file
          relist();
          await listing;
          if (done()) return;
          print({ type: 'gave-up', lists });
          process.exitCode = 3;
          finish();
        })();
      }, 20)
    : undefined;
  if (done()) finish();

  await finished;
  if (poller) clearInterval(poller);
  if (giveUp) clearInterval(giveUp);
  stop();
  stop(); // a second stop is harmless
  backend.dispose();
  await listing;
  // let closed handles settle before counting them
  await new Promise((resolve) => setImmediate(resolve));
  print({ type: 'summary', changes, watching, after: { watchers: nodeUsbListeners(), resources: resourceSnapshot() } });
}

main().catch((e: unknown) => {
  print({ type: 'error', message: (e as Error)?.stack ?? String(e) });
  process.exitCode = 1;
});
