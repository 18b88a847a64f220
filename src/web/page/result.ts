/** What a finished flash says, in one sentence per part (the result panel and the status line). */
import { hex16, type DownloadResult } from '../index.js';
import { formatBytes, formatSeconds } from './units.js';

const SKIPPED: Record<string, string> = {
  off: 'not verified (Verify was off)',
  'upload-not-supported': 'not verified: this device cannot read its memory back',
  'not-readable': 'not verified: the memory cannot be read back',
  'leaves-after-manifestation': 'not read back: the device leaves DFU mode after checking the image itself',
  'resets-after-write': 'not read back: the chip resets after the write',
};

const ENDS: Record<string, string> = {
  idle: 'the device stays in DFU mode',
  'left-bus': 'the device left DFU mode',
  'leave-acknowledged': 'the device is leaving DFU mode',
  reset: 'the device was reset',
  detached: 'the device restarted',
  'will-reset': 'the chip resets by itself',
  'will-reset-done': 'the chip has reset',
};

export function describeResult(name: string, r: DownloadResult): string {
  const written = r.written < r.bytes ? `${formatBytes(r.written)} of ${formatBytes(r.bytes)} written (${r.skipped?.sectors ?? 0} sectors unchanged)` : `${formatBytes(r.bytes)} written`;
  const verified = r.verified ? 'verified' : SKIPPED[r.verifySkipped ?? 'off'] ?? 'not verified';
  const erased = r.phases.find((p) => p.phase === 'erase');
  const erase = erased === undefined ? '' : `, ${formatBytes(erased.bytes)} erased`;
  const device = `${hex16(r.device.vendorId)}:${hex16(r.device.productId)}${r.device.serial === undefined ? '' : ` (serial ${r.device.serial})`}`;
  return `${name} to ${device}: ${written}${erase}, ${verified}, in ${formatSeconds(r.elapsedMs)}; ${ENDS[r.end] ?? r.end}`;
}
