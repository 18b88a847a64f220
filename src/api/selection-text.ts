/**
 * dfu-util's selection syntax as text — `-d runtime[,dfu]`, `-S serial[,dfuSerial]`,
 * `-p bus-port.port`, `-a number|name` — turned into a DeviceSelector's
 * fields. The library takes these strings in `select`, the CLI takes them as
 * flags; `flag` names the field in messages ('device', or '-d/--device').
 * Each parser returns a typed value or throws DfuFlashError('USAGE').
 */
import { DfuFlashError } from '../shared/errors.js';
import type { DeviceSelector, IdMatch } from '../ops/types.js';

export function usage(flag: string, text: string, problem: string, hint: string | undefined, reason?: string): DfuFlashError {
  // JSON quoting: plain values read "like this", control characters are escaped
  return new DfuFlashError('USAGE', `invalid ${flag} value ${JSON.stringify(text)}: ${problem}`, {
    hint,
    details: { option: flag, value: text, problem, ...(reason === undefined ? {} : { reason }) },
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
    throw usage(flag, text, 'a leading 0 is ambiguous (dfu-util reads it as octal)', `write ${bare} for decimal or 0x${bare} for hexadecimal`);
  } else {
    throw usage(flag, text, 'not a number', 'write a decimal number (2048) or a hexadecimal one with 0x (0x800)');
  }
  if (value < range.min || value > range.max) {
    throw usage(flag, text, `out of range (${range.min}..${range.max})`, `give a value from ${range.min} to ${range.max}`);
  }
  return value;
}

const DEVICE_HINT = 'write vid:pid in hex, e.g. 0483:df11; "*" matches any, "-" (runtime side) matches none, ",vid:pid" = DFU mode only';

/** One id from a pair: any (undefined), none ('-'), or a 16-bit hex number. */
function parseId(flag: string, whole: string, part: string, what: 'vendor' | 'product'): number | undefined | 'none' {
  if (part === '' || part === '*') return undefined;
  if (part === '-') return 'none';
  if (!/^(0x)?[0-9a-f]{1,4}$/i.test(part)) {
    throw usage(flag, whole, `${JSON.stringify(part)} is not a hexadecimal ${what} ID`, DEVICE_HINT, 'bad-device-ids');
  }
  return parseInt(part.replace(/^0x/i, ''), 16);
}

/** `vid[:pid]`; `null` when either half is '-' (match nothing). */
function parsePair(flag: string, whole: string, pair: string): IdMatch | null {
  const halves = pair.split(':');
  if (halves.length > 2) throw usage(flag, whole, `${JSON.stringify(pair)} has more than one ':'`, DEVICE_HINT, 'bad-device-ids');
  const vendor = parseId(flag, whole, halves[0] ?? '', 'vendor');
  const product = parseId(flag, whole, halves[1] ?? '', 'product');
  if (vendor === 'none' || product === 'none') return null;
  const m: IdMatch = {};
  if (vendor !== undefined) m.vendorId = vendor;
  if (product !== undefined) m.productId = product;
  return m;
}

export type DeviceIds = Pick<DeviceSelector, 'runtimeIds' | 'dfuIds' | 'runtimeOnly'>;

/**
 * dfu-util's `-d runtime[,dfu]`. One pair names the run-time IDs and the
 * DFU-mode devices with the same IDs; a board detached from run-time mode is
 * followed into DFU mode by its port path whatever its IDs become (as
 * dfu-util considers any DFU-mode device then). `,vid:pid` accepts DFU-mode
 * devices only; an empty or `*` half matches anything; `-` on the runtime
 * side matches no runtime device.
 */
export function parseDeviceIds(text: string, flag = 'device'): DeviceIds {
  if (text === '') throw usage(flag, text, 'empty', DEVICE_HINT, 'bad-device-ids');
  const parts = text.split(',');
  if (parts.length > 2) throw usage(flag, text, 'more than one ","', DEVICE_HINT, 'bad-device-ids');
  const [runtimeText, dfuText] = parts as [string, string | undefined];
  if (dfuText === undefined) {
    const ids = parsePair(flag, text, runtimeText);
    if (ids === null) throw usage(flag, text, '"-" here would match no device at all', 'to accept DFU-mode devices only, write ,vid:pid', 'no-runtime-dash');
    return { runtimeIds: ids, dfuIds: { ...ids }, runtimeOnly: true };
  }
  const runtimeIds = runtimeText === '' ? null : parsePair(flag, text, runtimeText);
  const dfuIds = parsePair(flag, text, dfuText);
  if (dfuIds === null) throw usage(flag, text, '"-" is only allowed on the runtime side (before the ",")', DEVICE_HINT, 'bad-device-ids');
  return { runtimeIds, dfuIds };
}

export type Serials = Pick<DeviceSelector, 'runtimeSerial' | 'dfuSerial'>;

/** dfu-util's `-S serial[,dfuSerial]`: one value applies to both modes; an empty half matches any. */
export function parseSerials(text: string, flag = 'serial'): Serials {
  const comma = text.indexOf(',');
  const runtime = comma < 0 ? text : text.slice(0, comma);
  const dfu = comma < 0 ? text : text.slice(comma + 1);
  if (runtime === '' && dfu === '') throw usage(flag, text, 'empty', 'give the serial number the device list shows, e.g. 3276365B3138', 'bad-serial');
  const s: Serials = {};
  if (runtime !== '') s.runtimeSerial = runtime;
  if (dfu !== '') s.dfuSerial = dfu;
  return s;
}

/** An alt setting: a number (0..255), else a name (the exact interface string, or a DfuSe region name such as "Internal Flash"). */
export function parseAlt(text: string, flag = 'alt'): number | string {
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) return parseInteger(flag, text, { min: 0, max: 255 });
  if (text.trim() === '') throw usage(flag, text, 'empty', 'give an alt setting number (0) or its name ("Internal Flash")', 'bad-alt');
  return text;
}

/** `bus-port[.port...]`, as the device list shows it. */
export function parsePortPath(text: string, flag = 'path'): string {
  if (!/^[0-9]+-[0-9]+(\.[0-9]+)*$/.test(text)) throw usage(flag, text, 'expected bus-port[.port...], e.g. 1-1.4', 'the device list shows the path of each device', 'bad-path');
  return text;
}
