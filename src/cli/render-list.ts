/**
 * The `list` table: one row per device (its number for -N, ids, mode,
 * serial, port path, devnum, DFU version, transfer size, attributes in
 * words), notes (quirks applied, a serial that cannot tell boards apart),
 * then each alt setting with its exact name quoted and its parsed memory
 * regions.
 */
import { hex16 } from '../shared/errors.js';
import type { MemoryLayout } from '../dfu/plan-types.js';
import type { ListedAlt, ListedDevice } from '../ops/types.js';
import type { FunctionalDescriptor } from '../transport/types.js';
import { oneLine } from './reporters/format.js';

export type LayoutFormatter = (layout: MemoryLayout) => string;

/** bcdDFUVersion as people write it: 0x0110 → '1.1', 0x0101 → '1.01', 0x011a (DfuSe) → 'DfuSe 1.1a'. */
export function formatDfuVersion(bcd: number, dfuse: boolean): string {
  const major = (bcd >> 8).toString(16);
  let minor = (bcd & 0xff).toString(16).padStart(2, '0');
  if (minor.endsWith('0')) minor = minor.slice(0, 1);
  return `${dfuse ? 'DfuSe ' : ''}${major}.${minor}`;
}

/** bmAttributes as words. */
export function formatAttributes(f: FunctionalDescriptor): string {
  const words = [
    f.canDownload ? 'download' : '',
    f.canUpload ? 'upload' : '',
    f.manifestationTolerant ? 'manifestation-tolerant' : '',
    f.willDetach ? 'will-detach' : '',
  ].filter((w) => w !== '');
  return words.length === 0 ? 'none' : words.join(', ');
}

const HEADER = ['#', 'VID:PID', 'MODE', 'SERIAL', 'PATH', 'DEVNUM', 'DFU', 'XFER', 'ATTRIBUTES'];

function row(d: ListedDevice, index: number): string[] {
  const f = d.alts.find((a) => a.functional !== undefined)?.functional;
  return [
    String(index),
    `${hex16(d.vendorId)}:${hex16(d.productId)}`,
    d.mode === 'dfu' ? 'DFU' : 'runtime',
    d.serial === undefined ? '-' : oneLine(d.serial),
    d.portPath,
    String(d.deviceAddress),
    f === undefined ? '-' : formatDfuVersion(f.bcdDFUVersion, d.dfuse),
    f === undefined ? '-' : String(f.wTransferSize),
    f === undefined ? '-' : formatAttributes(f),
  ];
}

function altLines(alt: ListedAlt, formatLayout: LayoutFormatter): string[] {
  const name =
    alt.name !== undefined
      ? JSON.stringify(alt.name)
      : alt.nameError !== undefined
        ? '(name unreadable)'
        : '(no name)';
  const head = `  intf ${alt.interfaceNumber} alt ${alt.alternateSetting}  `;
  const pad = ' '.repeat(head.length);
  const lines = [head + name];
  if (alt.layout !== undefined) lines.push(`${pad}${oneLine(alt.layout.name)}: ${oneLine(formatLayout(alt.layout))}`);
  if (alt.layoutError !== undefined) lines.push(`${pad}layout not understood: ${oneLine(alt.layoutError)}`);
  return lines;
}

/** String reads that failed because of the device (not permissions or another program): what went wrong, in two words. */
const DEVICE_SIDE: Record<string, string> = { STALL: 'it stalled them', TIMEOUT: 'no answer', USB_IO: 'a USB I/O error', DEVICE_GONE: 'it left the bus' };

function notes(d: ListedDevice): string[] {
  const lines: string[] = [];
  const e = d.stringError;
  if (e !== undefined && e.code in DEVICE_SIDE) {
    // the device itself did not give its strings: a known bootloader behaviour, cured by a replug
    lines.push(`  strings unreadable: the device did not answer its string requests (${DEVICE_SIDE[e.code]})`);
    lines.push(
      '  hint: some bootloaders (the STM32CubeMX DFU class among them) enumerate like this now and then: unplug the board and plug it in again (download and upload reset it and read the strings again by themselves)',
    );
  } else if (e !== undefined) {
    lines.push(`  strings unreadable: ${oneLine(e.message)}`);
    if (e.hint !== undefined && e.hint !== '') lines.push(`  hint: ${oneLine(e.hint)}`);
  }
  if (d.serialNotUnique === true) {
    lines.push(`  note: serial ${JSON.stringify(d.serial ?? '')} cannot tell boards apart (every board of this kind reports it): use -p ${d.portPath} to select this one`);
  }
  if (d.quirks !== undefined && d.quirks.length > 0) lines.push(`  quirks: ${d.quirks.map(oneLine).join(', ')}`);
  return lines;
}

/**
 * The whole listing (ends with a newline); an empty string for no devices.
 * `indexOf` gives each device its number for -N (default: 1, 2, ... in order).
 */
export function renderDeviceList(devices: readonly ListedDevice[], formatLayout: LayoutFormatter, indexOf: (d: ListedDevice, i: number) => number = (_, i) => i + 1): string {
  if (devices.length === 0) return '';
  const rows = devices.map((d, i) => row(d, indexOf(d, i)));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(HEADER)];
  devices.forEach((d, i) => {
    if (i > 0) out.push('');
    out.push(line(rows[i]!), ...notes(d));
    for (const alt of d.alts) out.push(...altLines(alt, formatLayout));
  });
  if (devices.length > 1) out.push('', 'Select one device with -N # (the number above), -p PATH or -S SERIAL.');
  return out.join('\n') + '\n';
}
