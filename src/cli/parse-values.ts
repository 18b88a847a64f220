/**
 * Parsers for single option strings, with dfu-util's meanings. Each returns a
 * typed value or throws DfuFlashError('USAGE') with a one-line message and a
 * hint. Pure; zod (schemas.ts) wires them to the options.
 */
import * as core from '../api/selection-text.js';
import { usage } from '../api/selection-text.js';

// The selection syntax is the library's (src/api/selection-text.ts); here it is bound to the CLI's flag names.
export { parseInteger, usage, type IntegerRange } from '../api/selection-text.js';
export type { DeviceIds, Serials } from '../api/selection-text.js';

export const parseDeviceIds = (text: string) => core.parseDeviceIds(text, '-d/--device');
export const parseSerials = (text: string) => core.parseSerials(text, '-S/--serial');
export const parseAlt = (text: string) => core.parseAlt(text, '-a/--alt');
export const parsePortPath = (text: string) => core.parsePortPath(text, '-p/--path');

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
