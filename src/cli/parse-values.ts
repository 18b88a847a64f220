/**
 * Parsers for single option strings, with dfu-util's meanings. Each returns a
 * typed value or throws DfuFlashError('USAGE') with a one-line message and a
 * hint. Pure; zod (schemas.ts) wires them to the options.
 */
import { DfuFlashError } from '../shared/errors.js';
import type { IdMatch } from '../ops/types.js';

function usage(flag: string, text: string, problem: string, hint: string | undefined): DfuFlashError {
  // JSON quoting: plain values read "like this", control characters are escaped
  return new DfuFlashError('USAGE', `invalid ${flag} value ${JSON.stringify(text)}: ${problem}`, {
    hint,
    details: { option: flag, value: text },
  });
}

export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * A decimal number, or hexadecimal with 0x. A leading zero (`010`) is refused:
 * dfu-util reads it as octal, so the intent is ambiguous.
 */
export function parseInteger(flag: string, text: string, range: IntegerRange): number {
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(text)) {
    const digits = text.slice(2).replace(/^0+(?=.)/, '');
    value = digits.length > 12 ? Infinity : parseInt(digits, 16);
  } else if (/^(0|[1-9][0-9]*)$/.test(text)) {
    value = text.length > 15 ? Infinity : Number(text);
  } else if (/^0[0-9]+$/.test(text)) {
    const bare = text.replace(/^0+/, '') || '0';
    throw usage(
      flag,
      text,
      'a leading 0 is ambiguous (dfu-util reads it as octal)',
      `write ${bare} for decimal or 0x${bare} for hexadecimal`,
    );
  } else {
    throw usage(flag, text, 'not a number', 'write a decimal number (2048) or a hexadecimal one with 0x (0x800)');
  }
  if (value < range.min || value > range.max) {
    throw usage(flag, text, `out of range (${range.min}..${range.max})`, `give a value from ${range.min} to ${range.max}`);
  }
  return value;
}

const DEVICE_FLAG = '-d/--device';
const DEVICE_HINT =
  'write vid:pid in hex, e.g. -d 0483:df11; "*" matches any, "-" (runtime side) matches none, ",vid:pid" = DFU mode only';

/** One id from a -d pair: any (undefined), none ('-'), or a 16-bit hex number. */
function parseId(whole: string, part: string, what: 'vendor' | 'product'): number | undefined | 'none' {
  if (part === '' || part === '*') return undefined;
  if (part === '-') return 'none';
  if (!/^(0x)?[0-9a-f]{1,4}$/i.test(part)) {
    throw usage(DEVICE_FLAG, whole, `${JSON.stringify(part)} is not a hexadecimal ${what} ID`, DEVICE_HINT);
  }
  return parseInt(part.replace(/^0x/i, ''), 16);
}

/** `vid[:pid]`; `null` when either half is '-' (match nothing). */
function parsePair(whole: string, pair: string): IdMatch | null {
  const halves = pair.split(':');
  if (halves.length > 2) throw usage(DEVICE_FLAG, whole, `${JSON.stringify(pair)} has more than one ':'`, DEVICE_HINT);
  const vendor = parseId(whole, halves[0] ?? '', 'vendor');
  const product = parseId(whole, halves[1] ?? '', 'product');
  if (vendor === 'none' || product === 'none') return null;
  const m: IdMatch = {};
  if (vendor !== undefined) m.vendorId = vendor;
  if (product !== undefined) m.productId = product;
  return m;
}

export interface DeviceIds {
  runtimeIds?: IdMatch | null;
  dfuIds?: IdMatch;
}

/**
 * dfu-util's `-d runtime[,dfu]`. One pair applies to both modes; `,vid:pid`
 * accepts DFU-mode devices only; an empty or `*` half matches anything;
 * `-` on the runtime side matches no runtime device.
 */
export function parseDeviceIds(text: string): DeviceIds {
  if (text === '') throw usage(DEVICE_FLAG, text, 'empty', DEVICE_HINT);
  const parts = text.split(',');
  if (parts.length > 2) throw usage(DEVICE_FLAG, text, 'more than one ","', DEVICE_HINT);
  const [runtimeText, dfuText] = parts as [string, string | undefined];
  if (dfuText === undefined) {
    const ids = parsePair(text, runtimeText);
    if (ids === null) {
      throw usage(DEVICE_FLAG, text, '"-" here would match no device at all', `to accept DFU-mode devices only, write -d ,vid:pid`);
    }
    return { runtimeIds: ids, dfuIds: { ...ids } };
  }
  const runtimeIds = runtimeText === '' ? null : parsePair(text, runtimeText);
  const dfuIds = parsePair(text, dfuText);
  if (dfuIds === null) {
    throw usage(DEVICE_FLAG, text, '"-" is only allowed on the runtime side (before the ",")', DEVICE_HINT);
  }
  return { runtimeIds, dfuIds };
}

export interface Serials {
  runtimeSerial?: string;
  dfuSerial?: string;
}

/** dfu-util's `-S serial[,dfuSerial]`: one value applies to both modes; an empty half matches any. */
export function parseSerials(text: string): Serials {
  const comma = text.indexOf(',');
  const runtime = comma < 0 ? text : text.slice(0, comma);
  const dfu = comma < 0 ? text : text.slice(comma + 1);
  if (runtime === '' && dfu === '') {
    throw usage('-S/--serial', text, 'empty', 'give the serial number shown by `dfu-flash list`, e.g. -S 3276365B3138');
  }
  const s: Serials = {};
  if (runtime !== '') s.runtimeSerial = runtime;
  if (dfu !== '') s.dfuSerial = dfu;
  return s;
}

/** `-a`: a number (0..255), else a name (the exact interface string, or a DfuSe region name such as "Internal Flash"). */
export function parseAlt(text: string): number | string {
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) return parseInteger('-a/--alt', text, { min: 0, max: 255 });
  if (text.trim() === '') {
    throw usage('-a/--alt', text, 'empty', 'give an alt setting number (-a 0) or its name (-a "Internal Flash")');
  }
  return text;
}

/** `-p bus-port[.port...]`, as `dfu-flash list` prints it. */
export function parsePortPath(text: string): string {
  if (!/^[0-9]+-[0-9]+(\.[0-9]+)*$/.test(text)) {
    throw usage('-p/--path', text, 'expected bus-port[.port...], e.g. 1-1.4', '`dfu-flash list` shows the path of each device');
  }
  return text;
}

/** `--simulate a,b`: profile names, checked against the catalogue later. */
export function parseProfiles(text: string): string[] {
  const names = text.split(',').map((s) => s.trim());
  const bad = names.find((n) => !/^[a-z0-9][a-z0-9._-]*$/i.test(n));
  if (bad !== undefined) {
    throw usage('--simulate', text, bad === '' ? 'empty profile name' : `${JSON.stringify(bad)} is not a profile name`, 'e.g. --simulate stm32f4-sysboot');
  }
  return names;
}

/** `--sim-time-scale x`: a non-negative decimal (1 = real device timing, 0 = no waiting). */
export function parseTimeScale(text: string): number {
  const value = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(e[-+]?[0-9]+)?$/i.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    throw usage('--sim-time-scale', text, 'not a non-negative number', '1 = real device timing, 0.01 = 100 times faster, 0 = no waiting');
  }
  return value;
}

/** A 16-bit value in hex, with or without 0x, as dfu-suffix reads -v/-p/-d/-S (`0483` = `0x0483`). */
export function parseHex16(flag: string, text: string): number {
  if (!/^(0x)?[0-9a-f]{1,4}$/i.test(text)) {
    throw usage(flag, text, 'not a 16-bit hexadecimal value', 'write 1 to 4 hex digits, with or without 0x, e.g. 0483 or 0xdf11');
  }
  return parseInt(text.replace(/^0x/i, ''), 16);
}

/** Seconds as a decimal (`10`, `2.5`), greater than 0 and at most `max`; returned in whole milliseconds. */
export function parseSecondsToMs(flag: string, text: string, max = 3600): number {
  const value = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw usage(flag, text, 'not a number of seconds', 'write seconds as a decimal number, e.g. 10 or 2.5');
  if (value <= 0 || value > max) throw usage(flag, text, `out of range (more than 0, at most ${max} s)`, `give a value from 0.001 to ${max}`);
  return Math.max(1, Math.round(value * 1000));
}
