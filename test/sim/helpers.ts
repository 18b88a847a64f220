/** Test helpers: raw DFU requests through a SimTransport on a FakeClock. */
import { FakeClock } from '../../src/transport/clock.js';
import type { DfuTransport, SetupPacket } from '../../src/transport/types.js';
import {
  DFU_ABORT,
  DFU_CLRSTATUS,
  DFU_DETACH,
  DFU_DNLOAD,
  DFU_GETSTATE,
  DFU_GETSTATUS,
  DFU_UPLOAD,
} from '../../src/dfu/constants.js';
import { createSimDevice, readDeviceInfo, readRawDescriptors, SimTransport, type SimDevice, type SimTiming } from '../../src/sim/index.js';

export const TIMEOUT = { timeoutMs: 5000 };

export interface Rig {
  clock: FakeClock;
  device: SimDevice;
  t: DfuTransport;
}

/** A device of `profile` on a FakeClock, opened, interface 0 claimed, transcript cleared. */
export async function rig(profile: string, options: { timeScale?: number; serial?: string; timing?: SimTiming } = {}): Promise<Rig> {
  const clock = new FakeClock();
  const device = createSimDevice(profile, { clock, timeScale: options.timeScale ?? 1, serial: options.serial, timing: options.timing });
  const raw = await readRawDescriptors(device);
  const info = await readDeviceInfo(device, raw, { key: 'sim:test', busNumber: 1, deviceAddress: 2, portPath: '1-1' });
  const t = new SimTransport(device, info, clock);
  await t.claimInterface(device.dfuInterfaceNumber);
  device.transcript.length = 0;
  return { clock, device, t };
}

export function out(bRequest: number, wValue: number, wLength: number, wIndex = 0): SetupPacket {
  return { bmRequestType: 0x21, bRequest, wValue, wIndex, wLength };
}
export function inn(bRequest: number, wValue: number, wLength: number, wIndex = 0): SetupPacket {
  return { bmRequestType: 0xa1, bRequest, wValue, wIndex, wLength };
}

export interface Status {
  bStatus: number;
  pollMs: number;
  bState: number;
  iString: number;
}

export function decodeStatus(b: Uint8Array): Status {
  return { bStatus: b[0]!, pollMs: b[1]! | (b[2]! << 8) | (b[3]! << 16), bState: b[4]!, iString: b[5]! };
}

export const dfu = {
  dnload: (t: DfuTransport, block: number, data: Uint8Array) => t.controlOut(out(DFU_DNLOAD, block, data.length), data, TIMEOUT),
  upload: (t: DfuTransport, block: number, length: number) => t.controlIn(inn(DFU_UPLOAD, block, length), TIMEOUT),
  getStatus: async (t: DfuTransport) => decodeStatus(await t.controlIn(inn(DFU_GETSTATUS, 0, 6), TIMEOUT)),
  getState: async (t: DfuTransport) => (await t.controlIn(inn(DFU_GETSTATE, 0, 1), TIMEOUT))[0]!,
  clrStatus: (t: DfuTransport) => t.controlOut(out(DFU_CLRSTATUS, 0, 0), new Uint8Array(0), TIMEOUT),
  abort: (t: DfuTransport) => t.controlOut(out(DFU_ABORT, 0, 0), new Uint8Array(0), TIMEOUT),
  detach: (t: DfuTransport, timeoutMs = 1000) => t.controlOut(out(DFU_DETACH, timeoutMs, 0), new Uint8Array(0), TIMEOUT),
};

function le32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}
export const dfuse = {
  setAddress: (a: number) => Uint8Array.from([0x21, ...le32(a)]),
  erase: (a: number) => Uint8Array.from([0x41, ...le32(a)]),
  massErase: () => Uint8Array.from([0x41]),
  readUnprotect: () => Uint8Array.from([0x92]),
  getCommands: () => Uint8Array.from([0x00]),
};

/** GETSTATUS, honouring bwPollTimeout, until the device is no longer busy; returns the last status. */
export async function pollDone(r: Rig): Promise<Status> {
  for (;;) {
    const s = await dfu.getStatus(r.t);
    if (s.bState !== 4 && s.bState !== 7) return s;
    await r.clock.sleep(s.pollMs);
  }
}

/** DfuSe command (DNLOAD block 0) then poll to completion. */
export async function command(r: Rig, bytes: Uint8Array): Promise<Status> {
  await dfu.dnload(r.t, 0, bytes);
  return pollDone(r);
}

/** F4 ROM: clear the initial dfuERROR. */
export async function clearF4(r: Rig): Promise<void> {
  await dfu.getStatus(r.t);
  await dfu.clrStatus(r.t);
}

export function pattern(length: number, seed = 1): Uint8Array {
  const b = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> 16) & 0xff;
  }
  return b;
}
