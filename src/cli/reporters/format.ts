/** Small pure formatters shared by the reporters. */
import { hex16 } from '../../shared/errors.js';
import { relative, isAbsolute } from 'node:path';
import type { DeviceSummary } from '../../ops/types.js';
import type { CliResult as OperationResult } from '../results.js';

/** 6123 → '6.12 s'. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(2)} s`;
}

/** Bytes per second: '512 B/s', '19.5 KiB/s', '1.25 MiB/s'. */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1024) return `${Math.round(bytesPerSecond)} B/s`;
  if (bytesPerSecond < 1024 * 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
  return `${(bytesPerSecond / (1024 * 1024)).toFixed(2)} MiB/s`;
}

/** The rate, or undefined when no time has passed. */
export function rateOf(bytes: number, elapsedMs: number): number | undefined {
  return elapsedMs > 0 ? (bytes * 1000) / elapsedMs : undefined;
}

/** Whole seconds as 'ETA 12s' / 'ETA 1m05s'. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** '0483:df11 (1-1)'. */
export function formatDevice(d: DeviceSummary): string {
  return `${hex16(d.vendorId)}:${hex16(d.productId)} (${d.portPath})`;
}

/**
 * One message = one line of text: line breaks and tabs become spaces, other
 * control characters (which a device string could carry) become '?'.
 */
export function oneLine(s: string): string {
  return s
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
    .trim();
}

/** A path relative to cwd when it lies inside it, else as given. */
export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const r = relative(cwd, file);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}

/** What the reporter saw of the run, for the summary: the sectors the plans would erase. */
export interface SummaryContext {
  plannedSectors?: number | undefined;
}

/** '; skipped 3 of 8 sectors (49152 bytes) already up to date'. */
function skippedText(skipped: { sectors: number; bytes: number }, planned: number | undefined): string {
  const of = planned === undefined ? '' : ` of ${planned}`;
  const unit = (planned ?? skipped.sectors) === 1 ? 'sector' : 'sectors';
  return `; skipped ${skipped.sectors}${of} ${unit} (${skipped.bytes} bytes) already up to date`;
}

/**
 * What an operation that reports `operation: 'command'` really did (DfuSe
 * command mode, leave and reset), for the summary and the JSON result.
 */
export type ResultKind = 'mass-erase' | 'unprotect' | 'leave' | 'reset';

/** One sentence for stderr, e.g. 'Downloaded 102400 bytes to 0483:df11 (1-1) alt 0 in 6.12 s; device left DFU mode'. */
export function summaryLine(r: OperationResult, cwd: string, context: SummaryContext = {}, kind?: ResultKind): string {
  const device = formatDevice(r.device);
  const alt = `alt ${r.device.alternateSetting}`;
  const time = formatSeconds(r.elapsedMs);
  let s: string;
  switch (kind ?? r.operation) {
    case 'mass-erase':
      s = `Mass erase of ${device} ${alt} done in ${time}`;
      break;
    case 'unprotect':
      s = `Unprotect of ${device} done in ${time}`;
      break;
    case 'leave':
      s = `Leave sent to ${device} in ${time}`;
      break;
    case 'reset':
      s = `Reset sent to ${device} in ${time}`;
      break;
    case 'download':
      if (r.plan !== undefined) return `Dry run: planned a download of ${r.bytes} bytes to ${device} ${alt}; nothing was sent to the device`;
      if (r.written === 0 && r.skipped !== undefined) {
        const sectors = `${r.skipped.sectors} ${r.skipped.sectors === 1 ? 'sector' : 'sectors'}`;
        s = `Nothing needed writing: the ${sectors} the image covers on ${device} ${alt} already hold its ${r.bytes} bytes (checked in ${time})`;
        break;
      }
      s = `Downloaded ${r.bytes} bytes to ${device} ${alt} in ${time}`;
      if (r.verified === true) s += ', verified';
      else if (r.notVerified !== undefined) s += `, not verified (${r.notVerified})`;
      if (r.skipped !== undefined) s += skippedText(r.skipped, context.plannedSectors);
      break;
    case 'upload': {
      const to = r.file === undefined ? '' : ` to ${displayPath(r.file, cwd)}`;
      s = `Uploaded ${r.bytes} bytes from ${device} ${alt}${to} in ${time}`;
      break;
    }
    case 'detach':
      s = `Detached ${device} in ${time}`;
      break;
    case 'command':
      s = `Done on ${device} ${alt} in ${time}`;
      break;
  }
  return r.outcome === undefined || r.outcome === '' ? s : `${s}; ${oneLine(r.outcome)}`;
}
