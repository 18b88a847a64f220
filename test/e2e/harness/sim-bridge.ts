/**
 * The Node half of the umockdev harness: runs src/sim devices for the Python
 * host (umockdev_host.py), which plays the kernel. JSON lines on stdin/stdout;
 * see protocol.ts. Devices run on the system clock with a time scale:
 *
 *   node dist/test/e2e/harness/sim-bridge.js --time-scale 0.05 [--timing typical|worst-case|short-poll]
 *
 * Diagnostics go to stderr (the host's log file); stdout carries only protocol lines.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../../../src/transport/clock.js';
import type { SimBusEvent, SimControlResult, SimHostTimes, SimUsbDevice } from '../../../src/sim/types.js';
import type { SetupPacket } from '../../../src/transport/types.js';
import { deviceState, wireDescriptors, type BridgeDevice, type InspectableDevice } from './device-state.js';
import { fromHex, toHex } from './hex.js';
import type { MemoryRange, StateDump, UnplugTrigger } from './protocol.js';
import { boardHistory, carriedSerial, carryFlash } from './board-carry.js';
import { UnplugCounter } from './unplug-trigger.js';

type Factory = (profile: string, options: { clock: typeof systemClock; timeScale: number; timing: string; serial?: string }) => SimUsbDevice;

interface Request {
  id: number;
  op: string;
  [key: string]: unknown;
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const timeScale = Number(argValue('--time-scale', '1'));
const defaultTiming = argValue('--timing', 'typical');
const devices = new Map<number, BridgeDevice>();
const dropped = new Set<number>();
let nextDev = 1;

function send(msg: object): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

function parseSetup(hex: string): SetupPacket {
  const b = fromHex(hex);
  if (b.length !== 8) throw new Error(`setup packet must be 8 bytes, got ${b.length}`);
  return { bmRequestType: b[0]!, bRequest: b[1]!, wValue: b[2]! | (b[3]! << 8), wIndex: b[4]! | (b[5]! << 8), wLength: b[6]! | (b[7]! << 8) };
}

/**
 * The host's CLOCK_MONOTONIC (Python's time.monotonic(), in ms) on the devices' clock (performance.now()):
 * both read the same kernel clock, and performance.now() is libuv's hrtime since the process's time origin,
 * so the two differ by a constant. It is measured with the performance.now() read between two hrtime reads,
 * from the tightest of many tries: one pair of reads that the scheduler separated by a few ms would put
 * every host time that much early, and a poll 1 ms after its 1 ms bwPollTimeout would count as early.
 */
const MONOTONIC_TO_CLOCK_MS = ((): number => {
  let best = { spanMs: Infinity, offsetMs: 0 };
  for (let i = 0; i < 200; i++) {
    const before = Number(process.hrtime.bigint()) / 1e6;
    const clock = performance.now();
    const after = Number(process.hrtime.bigint()) / 1e6;
    if (after - before < best.spanMs) best = { spanMs: after - before, offsetMs: clock - (before + after) / 2 };
  }
  return best.offsetMs;
})();

/** The host's URB times for one control transfer (see protocol.ts), on the devices' clock. */
function hostTimes(raw: unknown): SimHostTimes | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as { submittedAt?: unknown; previousCompletedAt?: unknown };
  const map = (v: unknown): number | undefined => (typeof v === 'number' ? v + MONOTONIC_TO_CLOCK_MS : undefined);
  return { submittedAt: map(r.submittedAt), previousCompletedAt: map(r.previousCompletedAt) };
}

/** A new device; one that re-enumerated from `from` stays in its DeviceSpec entry, board and trigger. */
function register(device: SimUsbDevice, from?: BridgeDevice): BridgeDevice {
  const entry: BridgeDevice = { dev: nextDev++, device: device as InspectableDevice, replaces: from?.dev };
  if (from) {
    entry.slot = from.slot;
    entry.board = from.board;
    entry.trigger = from.trigger;
  }
  devices.set(entry.dev, entry);
  device.onBusEvent((event: SimBusEvent) => {
    // A device may leave the bus while finishing a request (e.g. right after answering the GETSTATUS
    // that starts its manifestation). That answer is already on its way: send it first.
    setImmediate(() => busEvent(entry, event));
  });
  return entry;
}

function busEvent(entry: BridgeDevice, event: SimBusEvent): void {
  if (event.type === 'disconnect') {
    send({ event: 'disconnect', dev: entry.dev, reason: event.reason });
    return;
  }
  const next = register(event.device, entry);
  send({
    event: 'reenumerate',
    dev: entry.dev,
    newDev: next.dev,
    afterMs: event.afterMs,
    reason: event.reason,
    profile: event.device.profile,
    descriptors: wireDescriptors(event.device),
  });
}

function pullPlug(entry: BridgeDevice, reason: string): void {
  if (!entry.device.unplug) throw new Error(`device ${entry.dev} (${entry.device.profile}) cannot be unplugged: no unplug()`);
  entry.device.unplug(reason);
}

function create(req: Request, factory: Factory): BridgeDevice {
  const profile = String(req.profile);
  const board = typeof req.board === 'string' ? req.board : undefined;
  const history = board === undefined ? [] : boardHistory(devices.values(), board);
  const serial = typeof req.serial === 'string' ? req.serial : carriedSerial(history, profile);
  const timing = typeof req.timing === 'string' ? req.timing : defaultTiming;
  const entry = register(factory(profile, { clock: systemClock, timeScale, timing, ...(serial !== undefined ? { serial } : {}) }));
  entry.board = board;
  entry.slot = typeof req.slot === 'number' ? req.slot : undefined;
  entry.carriedFrom = carryFlash(history, entry);
  if (req.unplugOn) entry.trigger = new UnplugCounter(req.unplugOn as UnplugTrigger);
  for (const fault of (req.faults as unknown[] | undefined) ?? []) {
    if (!entry.device.faults) throw new Error(`profile ${profile} has no fault injection`);
    entry.device.faults.add(fault as never);
  }
  return entry;
}

function lookup(req: Request): BridgeDevice {
  const entry = devices.get(Number(req.dev));
  if (!entry) throw new Error(`no device ${String(req.dev)}`);
  return entry;
}

async function handle(req: Request, factory: Factory, simSource: string): Promise<void> {
  switch (req.op) {
    case 'hello':
      send({ id: req.id, ok: true, sim: simSource, timeScale });
      return;
    case 'create': {
      const entry = create(req, factory);
      send({
        id: req.id,
        dev: entry.dev,
        profile: entry.device.profile,
        serial: entry.device.serial,
        carriedFrom: entry.carriedFrom,
        descriptors: wireDescriptors(entry.device),
      });
      return;
    }
    case 'control': {
      const entry = lookup(req);
      const setup = parseSetup(String(req.setup));
      const out = (setup.bmRequestType & 0x80) === 0 ? fromHex(req.data as string) : undefined;
      const pull = entry.trigger?.observe(setup);
      if (pull !== undefined) entry.triggered = true;
      if (pull === 'before') pullPlug(entry, entry.trigger!.reason);
      const result: SimControlResult = await entry.device.control(setup, out, hostTimes(req.hostTimes));
      // `leaves`: the device is off the bus once this answer is out (a schedule's 'after', or a device that
      // left while answering, as one starting its manifestation), so the host sends it nothing more; its
      // bus event follows, but a request the host submits meanwhile must not reach it
      const leaves = pull === 'after' || entry.device.connected === false;
      if (!dropped.delete(req.id)) {
        send({
          id: req.id,
          result: result.kind,
          ...(result.kind === 'ack' && result.data ? { data: toHex(result.data) } : {}),
          ...(leaves ? { leaves: true } : {}),
        });
      } // else the host discarded this URB
      // the answer is on its way; the device leaves before it can see another request
      if (pull === 'after') pullPlug(entry, entry.trigger!.reason);
      return;
    }
    case 'unplug': {
      const entry = lookup(req);
      const wasConnected = entry.device.connected !== false;
      pullPlug(entry, typeof req.reason === 'string' ? req.reason : 'unplugged');
      send({ id: req.id, ok: true, wasConnected });
      return;
    }
    case 'cancel':
      dropped.add(Number(req.ref));
      send({ id: req.id, ok: true });
      return;
    case 'setInterface': {
      const { device } = lookup(req);
      send({ id: req.id, ok: device.setAltSetting(Number(req.interface), Number(req.alt)) });
      return;
    }
    case 'reset': {
      const entry = lookup(req);
      let gone = false;
      const off = entry.device.onBusEvent(() => (gone = true)) as unknown;
      entry.device.busReset();
      if (typeof off === 'function') (off as () => void)();
      send({ id: req.id, ok: true, gone: gone || entry.device.connected === false });
      return;
    }
    case 'dump': {
      const ranges = (req.ranges as MemoryRange[] | null | undefined) ?? [];
      const dump: StateDump = { devices: [...devices.values()].map((entry) => deviceState(entry, ranges)), timeOriginMs: performance.timeOrigin };
      writeFileSync(String(req.path), JSON.stringify(dump));
      send({ id: req.id, ok: true });
      return;
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

/** src/sim, or another module exporting createSimDevice (SIM_BRIDGE_MODULE, a file URL or path: for harness debugging). */
async function loadFactory(): Promise<{ factory: Factory; source: string }> {
  const override = process.env.SIM_BRIDGE_MODULE;
  const specifier = override ? (override.startsWith('file:') ? override : pathToFileURL(override).href) : '../../../src/sim/index.js';
  const sim = (await import(specifier)) as { createSimDevice: Factory };
  return { factory: sim.createSimDevice, source: override ?? 'src/sim' };
}

async function main(): Promise<void> {
  const { factory, source } = await loadFactory();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
    } catch {
      process.stderr.write(`bridge: not JSON: ${line.slice(0, 200)}\n`);
      return;
    }
    handle(req, factory, source).catch((e: unknown) => {
      process.stderr.write(`bridge: ${req.op} failed: ${(e as Error)?.stack ?? String(e)}\n`);
      send({ id: req.id, error: (e as Error)?.message ?? String(e) });
    });
  });
  lines.on('close', () => process.exit(0));
}

void main();
