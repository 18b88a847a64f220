/**
 * N boards in a row through one station on the simulated backend (system
 * clock, no simulated waiting): plugged in on port 1-1, flashed (20 KiB,
 * verified), pulled out, the next one plugged in. Prints one JSON line with
 * what the process holds before, after the 10th board and after the last
 * (memory after a GC, libuv handles by kind, the station's and the bus's books).
 *
 *   node --expose-gc dist/test/station/scripts/many-boards.js --boards 200 [--profile stm32f4-sysboot]
 */
import { systemClock } from '../../../src/transport/clock.js';
import { createSimBackend } from '../../../src/sim/index.js';
import { createStation, downloadJob, parseFirmware } from '../../../src/index.js';
import { resourceSnapshot } from '../../support/resources.js';
import { pattern } from '../../support/pattern.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const boards = Number(arg('boards', '200'));
const profile = arg('profile', 'stm32f4-sysboot');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const backend = createSimBackend([], { clock: systemClock, timeScale: 0, busLogLimit: 16 });
const bytes = pattern(20 * 1024, 3);
const image = profile === 'dapboot' ? parseFirmware(bytes) : parseFirmware(bytes, { address: 0x08000000 });
let finished = 0;
let failed = 0;
let serial = 0;
let wake: (() => void) | undefined;
const plug = (): void => void backend.plug(profile, { port: '1-1', serial: `B${String(++serial).padStart(11, '0')}` });
const station = createStation({
  backend,
  clock: systemClock,
  job: downloadJob({ image }),
  onEvent: (e) => {
    if (e.type !== 'board-finished') return;
    finished++;
    if (!e.ok || (e.result.detail as { verified?: boolean } | undefined)?.verified !== true) failed++;
    backend.unplug(e.board.portPath);
    if (finished === 10 || finished === boards) wake?.();
    else plug();
  },
});

async function snapshot(): Promise<Record<string, unknown>> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
  }
  const r = resourceSnapshot();
  const { remembered, ...books } = station.stats;
  return { finished, rssBytes: r.rssBytes, heapUsedBytes: r.heapUsedBytes, arrayBuffersBytes: r.arrayBuffersBytes, handles: r.handles, station: books, remembered, bus: backend.bus.stats(), watchers: backend.watcherCount };
}

const done = station.run();
const before = await snapshot();
const reach = (): Promise<void> => new Promise((resolve) => (wake = resolve));
let next = reach();
plug();
await next;
const after10 = await snapshot();
next = reach();
plug();
await next;
const after = await snapshot();
station.stop();
const summary = await done;
backend.dispose();
process.stdout.write(JSON.stringify({ boards, profile, failed, summary, before, after10, after }) + '\n');
