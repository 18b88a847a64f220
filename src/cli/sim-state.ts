/**
 * `--sim-state file.json`: the simulated devices' memory, kept between runs so
 * that `download` then `upload` in two processes see the same flash. The file
 * holds each device's snapshot() in order; binary data is base64. It is
 * written to a temporary file in the same directory and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DfuFlashError } from '../shared/errors.js';
import type { UsbBackend } from '../transport/types.js';

/** The part of a simulated device that --sim-state uses. */
export interface SnapshotDevice {
  readonly profile: string;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export interface SimStateFile {
  format: 'dfu-flash-sim-state';
  version: 1;
  devices: { profile: string; snapshot: unknown }[];
}

const FORMAT = 'dfu-flash-sim-state';

/** The simulated devices of a backend, or undefined when it is not a simulator. */
export function snapshotDevices(backend: UsbBackend): readonly SnapshotDevice[] | undefined {
  const devices = (backend as { bus?: { devices?: unknown } }).bus?.devices;
  if (!Array.isArray(devices)) return undefined;
  const ok = devices.every(
    (d) => typeof d === 'object' && d !== null && typeof d.snapshot === 'function' && typeof d.restore === 'function',
  );
  return ok ? (devices as SnapshotDevice[]) : undefined;
}

type Tagged =
  | { $type: 'bytes'; view: string; base64: string }
  | { $type: 'map'; entries: [unknown, unknown][] }
  | { $type: 'set'; values: unknown[] }
  | { $type: 'bigint'; value: string }
  | { $type: 'undefined' }
  | { $type: 'number'; value: string }
  | { $type: 'object'; value: Record<string, unknown> };

/** A JSON-safe copy of `v`: byte arrays, Maps, Sets, bigint and undefined survive the round trip. */
export function encodeValue(v: unknown): unknown {
  if (v === undefined) return { $type: 'undefined' } satisfies Tagged;
  if (typeof v === 'bigint') return { $type: 'bigint', value: v.toString() } satisfies Tagged;
  // JSON has no NaN, Infinity or -0
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
    return { $type: 'number', value: Object.is(v, -0) ? '-0' : String(v) } satisfies Tagged;
  }
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    const view = v instanceof Uint8Array ? 'Uint8Array' : v.constructor.name;
    const base64 = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    return { $type: 'bytes', view, base64 } satisfies Tagged;
  }
  if (v instanceof Map) return { $type: 'map', entries: [...v].map(([k, x]) => [encodeValue(k), encodeValue(x)]) } satisfies Tagged;
  if (v instanceof Set) return { $type: 'set', values: [...v].map(encodeValue) } satisfies Tagged;
  if (Array.isArray(v)) return v.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, encodeValue(x));
  return Object.hasOwn(out, '$type') ? ({ $type: 'object', value: out } satisfies Tagged) : out;
}

const VIEWS: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigUint64Array,
  BigInt64Array,
  DataView,
};

/** Inverse of encodeValue. */
export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  switch (o['$type']) {
    case 'undefined':
      return undefined;
    case 'bigint':
      return BigInt(String(o['value']));
    case 'number':
      return o['value'] === '-0' ? -0 : Number(o['value']);
    case 'bytes': {
      const bytes = Buffer.from(String(o['base64']), 'base64');
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      const View = VIEWS[String(o['view'])] ?? Uint8Array;
      return View === Uint8Array ? copy : new View(copy.buffer);
    }
    case 'map':
      return new Map((o['entries'] as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
    case 'set':
      return new Set((o['values'] as unknown[]).map(decodeValue));
    case 'object':
      return decodeObject(o['value'] as Record<string, unknown>);
    default:
      return decodeObject(o);
  }
}

function decodeObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) setOwn(out, k, decodeValue(x));
  return out;
}

/** Assign an own property, even one named __proto__. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function badState(file: string, problem: string, cause?: unknown): DfuFlashError {
  return new DfuFlashError('USAGE', `sim state file ${file} ${problem}`, {
    hint: 'delete the file to start again from the profile\'s initial memory',
    details: { file },
    cause,
  });
}

/** Read a state file; undefined when it does not exist yet. */
export async function readSimState(file: string): Promise<SimStateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return undefined;
    throw badState(file, `cannot be read (${(e as Error).message})`, e);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badState(file, 'is not valid JSON', e);
  }
  const s = parsed as Partial<SimStateFile> | null;
  const devicesOk =
    Array.isArray(s?.devices) &&
    s.devices.every((d) => typeof d === 'object' && d !== null && typeof (d as { profile?: unknown }).profile === 'string');
  if (s === null || s.format !== FORMAT || s.version !== 1 || !devicesOk) {
    throw badState(file, `is not a ${FORMAT} version 1 file`);
  }
  return s as SimStateFile;
}

/** Restore each device whose index and profile match the file; returns messages about the others. */
export function restoreSimState(devices: readonly SnapshotDevice[], state: SimStateFile): string[] {
  const notes: string[] = [];
  devices.forEach((device, i) => {
    const saved = state.devices[i];
    if (saved === undefined) {
      notes.push(`sim state has no entry for device ${i} (${device.profile}); it starts from its initial memory`);
    } else if (saved.profile !== device.profile) {
      notes.push(`sim state for device ${i} is for profile ${saved.profile}, not ${device.profile}; ignored`);
    } else {
      device.restore(decodeValue(saved.snapshot));
    }
  });
  return notes;
}

/** The file contents for these devices. */
export function simStateOf(devices: readonly SnapshotDevice[]): SimStateFile {
  return { format: FORMAT, version: 1, devices: devices.map((d) => ({ profile: d.profile, snapshot: encodeValue(d.snapshot()) })) };
}

/** Write the state atomically: a temporary file next to the target, then rename. */
export async function saveSimState(file: string, devices: readonly SnapshotDevice[]): Promise<void> {
  const text = JSON.stringify(simStateOf(devices)) + '\n';
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw new DfuFlashError('USAGE', `cannot save sim state to ${file}: ${(e as Error).message}`, {
      hint: 'check that the directory exists and is writable',
      details: { file },
      cause: e,
    });
  }
}
