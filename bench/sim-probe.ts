/**
 * The bench's device module for the umockdev harness (SIM_BRIDGE_MODULE): the
 * devices of src/sim, unchanged in behaviour, with two additions a benchmark
 * needs and the tests do not:
 *  - each transcript entry also records what the device answered to GETSTATUS
 *    (bwPollTimeout, bState) and which DNLOAD it was (block, DfuSe command and
 *    address), so the device-imposed minimum comes from the device's side;
 *  - a device can start with flash contents (DFU_FLASH_BENCH_PRELOAD), as if a
 *    previous download had written them (the incremental re-flash figure).
 * Re-enumerated devices are annotated too.
 */
import { readFileSync } from 'node:fs';
import { DFU_DNLOAD, DFU_GETSTATUS } from '../src/dfu/constants.js';
import { createSimDevice as createPlain, type SimDevice, type SimOptions } from '../src/sim/index.js';
import type { SimBusEvent, SimControlResult, SimHostTimes, SimUsbDevice } from '../src/sim/types.js';
import type { SetupPacket } from '../src/transport/types.js';
import { PRELOAD_ENV, type PreloadSpec, type ProbeEntry } from './probe-types.js';

const instrumented = new WeakSet<object>();

function annotate(entry: ProbeEntry, setup: SetupPacket, data: Uint8Array | undefined, result: SimControlResult): void {
  entry.origin = performance.timeOrigin; // the sim runs on the system clock (performance.now())
  const dfuClass = (setup.bmRequestType & 0x60) === 0x20;
  if (!dfuClass) return;
  if (setup.bRequest === DFU_GETSTATUS && result.kind === 'ack' && result.data !== undefined && result.data.length >= 6) {
    const d = result.data;
    entry.reply = { bStatus: d[0]!, bwPollTimeout: d[1]! | (d[2]! << 8) | (d[3]! << 16), bState: d[4]! };
  } else if (setup.bRequest === DFU_DNLOAD && (setup.bmRequestType & 0x80) === 0) {
    const length = data?.length ?? 0;
    entry.dnload = { block: setup.wValue, length };
    if (setup.wValue === 0 && data !== undefined && length > 0) {
      entry.dnload.command = data[0]!;
      if (length >= 5) entry.dnload.address = (data[1]! | (data[2]! << 8) | (data[3]! << 16) | (data[4]! << 24)) >>> 0;
    }
  }
}

/** Wrap control() (and re-enumeration) of one device so its transcript entries get annotated. */
export function instrument(device: SimUsbDevice): void {
  if (instrumented.has(device)) return;
  instrumented.add(device);
  const control = device.control.bind(device);
  device.control = async (setup: SetupPacket, data?: Uint8Array, host?: SimHostTimes): Promise<SimControlResult> => {
    const before = device.transcript.length;
    const result = await control(setup, data, host);
    // EP0 carries one transfer at a time: the entry recorded for this request is the first new one
    const entry = device.transcript[before] as ProbeEntry | undefined;
    if (entry !== undefined && entry.setup.bRequest === setup.bRequest && entry.setup.bmRequestType === setup.bmRequestType) {
      annotate(entry, setup, data, result);
    }
    return result;
  };
  const onBusEvent = device.onBusEvent.bind(device) as (l: (e: SimBusEvent) => void) => unknown;
  (device as { onBusEvent: unknown }).onBusEvent = (listener: (e: SimBusEvent) => void) =>
    onBusEvent((event) => {
      if (event.type === 'reenumerate') instrument(event.device);
      listener(event);
    });
}

function preloads(): PreloadSpec[] {
  const path = process.env[PRELOAD_ENV];
  if (!path) return [];
  return JSON.parse(readFileSync(path, 'utf8')) as PreloadSpec[];
}

/** Load the requested flash contents into a freshly created device. */
function preload(device: SimDevice): void {
  const mine = preloads().filter((p) => p.profile === device.profile && (p.serial === undefined || p.serial === device.serial));
  if (mine.length === 0) return;
  const pages = mine.map((p) => ({ address: p.address, data: readFileSync(p.file).toString('base64') }));
  device.restore({ format: 'dfu-flash-sim-flash', version: 1, profile: device.profile, pages });
}

/** Same signature as src/sim's createSimDevice (what the bridge calls). */
export function createSimDevice(profile: string, options: SimOptions & { serial?: string | undefined } = {}): SimDevice {
  const device = createPlain(profile, options);
  preload(device);
  instrument(device);
  return device;
}
