/**
 * The library's typed results as the CLI reports them: the summary sentence
 * on stderr and the `{"type":"result",…}` JSON line carry an `outcome` in
 * words, the file written, the plan of a dry run — all of it CLI wording,
 * made here from the typed `end` values.
 */
import { hex16 } from '../shared/errors.js';
import { VERIFY_SKIP_TEXT } from '../ops/verify-text.js';
import type { CommandResult, DetachResult, DeviceSummary, DownloadResult, PhaseSummary, UploadResult, VerifySkipped } from '../ops/types.js';

/** What one finished operation reports. */
export interface CliResult {
  operation: 'download' | 'upload' | 'detach' | 'command';
  device: DeviceSummary;
  /** Bytes written (download) or read (upload). */
  bytes: number;
  elapsedMs: number;
  phases: PhaseSummary[];
  /** What happened at the end, in words: 'device left DFU mode', 'device reset'… */
  outcome?: string | undefined;
  /** The typed end the outcome was made from. */
  end?: string | undefined;
  /** Upload: the file written. */
  file?: string | undefined;
  /** Download: every written byte was read back and matched. */
  verified?: boolean | undefined;
  /** Download: why it was not read back. */
  verifySkipped?: VerifySkipped | undefined;
  /** The same, in words for the summary line. */
  notVerified?: string | undefined;
  /** Download: sectors and bytes left alone because they already held the image. */
  skipped?: { sectors: number; bytes: number } | undefined;
  /** Download: bytes actually written (less than `bytes` when sectors were skipped). */
  written?: number | undefined;
  /** Dry run: the plan, as lines. */
  plan?: string[] | undefined;
}

const DFUSE_ENDS: Partial<Record<DownloadResult['end'], string>> = {
  'left-bus': 'device left DFU mode',
  'leave-acknowledged': 'device acknowledged leave',
  reset: 'device reset',
  detached: 'device detached itself (bitWillDetach: not reset)',
};

const DFU11_ENDS: Record<DownloadResult['end'], string> = {
  idle: 'device manifested and is back in dfuIDLE',
  'left-bus': 'device manifested and left the bus',
  reset: 'device manifested and was reset',
  detached: 'device manifested and detached itself (bitWillDetach: not reset)',
  'leave-acknowledged': 'device manifested and acknowledged leave',
  'will-reset': 'device manifested',
  'will-reset-done': 'device manifested',
};

/** The end of a download, in words (undefined: it stays in DFU mode, nothing to say). */
export function downloadOutcome(r: Pick<DownloadResult, 'end' | 'manifested' | 'optionBytes'>): string | undefined {
  if (r.manifested) return DFU11_ENDS[r.end];
  if (r.end === 'will-reset-done') return r.optionBytes ? 'the option bytes were written and the chip reset, as expected' : 'the write was accepted and the device reset, as expected (will-reset)';
  if (r.end === 'will-reset') return r.optionBytes ? 'the option bytes were written; the chip resets to apply them' : 'the write was accepted (will-reset: no DFU_ABORT sent)';
  return DFUSE_ENDS[r.end];
}

export function fromDownload(r: DownloadResult): CliResult {
  return {
    operation: 'download',
    device: r.device,
    bytes: r.bytes,
    elapsedMs: r.elapsedMs,
    phases: r.phases,
    outcome: downloadOutcome(r),
    end: r.end,
    verified: r.verified,
    ...(r.verifySkipped === undefined ? {} : { verifySkipped: r.verifySkipped, notVerified: r.verifySkipped === 'off' ? '--no-verify' : VERIFY_SKIP_TEXT[r.verifySkipped] }),
    ...(r.skipped === undefined ? {} : { skipped: r.skipped, written: r.written }),
  };
}

export function fromUpload(r: UploadResult, file: string): CliResult {
  const short = r.requested !== undefined && r.bytes < r.requested;
  return {
    operation: 'upload',
    device: r.device,
    bytes: r.bytes,
    elapsedMs: r.elapsedMs,
    phases: r.phases,
    outcome: short ? `device ended the upload after ${r.bytes} of ${r.requested} bytes` : undefined,
    end: r.end,
    file,
  };
}

export function fromDetach(r: DetachResult): CliResult {
  let outcome = r.end === 'detached' ? 'device detached itself (bitWillDetach)' : 'device reset into DFU mode';
  if (r.back !== undefined) outcome += `; back in DFU mode as ${hex16(r.back.vendorId)}:${hex16(r.back.productId)} on ${r.back.portPath}`;
  return { operation: 'detach', device: r.device, bytes: 0, elapsedMs: r.elapsedMs, phases: r.phases, outcome, end: r.end };
}

const COMMAND_ENDS: Record<CommandResult['end'], string> = {
  idle: '',
  'left-bus': 'device left DFU mode',
  'leave-acknowledged': 'device acknowledged leave',
  reset: 'device reset',
  detached: 'device detached itself (bitWillDetach: not reset)',
  unprotected: 'read-out protection lifted: the chip erases its flash and resets',
};

export function fromCommand(r: CommandResult): CliResult {
  const parts: string[] = [];
  if (r.operation === 'mass-erase') parts.push('flash mass-erased');
  if (COMMAND_ENDS[r.end] !== '') parts.push(COMMAND_ENDS[r.end]);
  let outcome = parts.join('; ');
  const back = r.returned;
  if (back?.how === 'back') outcome += `; it came back in DFU mode as ${hex16(back.vendorId)}:${hex16(back.productId)} on ${back.portPath}`;
  else if (back?.how === 'still-present') outcome += '; the device has not reset yet';
  else if (back?.how === 'not-back') outcome += `; it did not come back in DFU mode within ${(back.waitedMs / 1000).toFixed(1)} s (normal when BOOT0 is low)`;
  return { operation: 'command', device: r.device, bytes: 0, elapsedMs: r.elapsedMs, phases: r.phases, outcome, end: r.end };
}
