/** Reading back for --verify and --skip-unchanged (DfuSe: UPLOAD with block addressing). */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { dfuseRead } from '../dfu/dfuse.js';
import { dfu11Upload } from '../dfu/dfu11.js';
import { PhaseTracker, type DfuSession } from '../dfu/session.js';
import { expectedPageContents, pruneUnchangedPages, type PrunedPlan } from '../dfu/planner.js';
import type { DownloadPlan } from '../dfu/plan-types.js';

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Read every write run of the plan back and compare; throws VERIFY_MISMATCH at the first difference. */
export async function verifyDfuseWrites(session: DfuSession, plan: DownloadPlan): Promise<void> {
  const tracker = new PhaseTracker(session, 'verify', plan.totals.writeBytes);
  for (const run of plan.writes) {
    const got = await dfuseRead(session, run.address, run.data.length, 'verify', (n) => tracker.add(n));
    const at = firstDifference(run.data, got);
    if (at >= 0) throw mismatch(run.address + at, run.data[at], got[at], got.length < run.data.length);
  }
  tracker.end();
}

/** Plain DFU 1.1 (manifestation-tolerant devices only): read the firmware back from the start and compare. */
export async function verifyDfuDownload(session: DfuSession, data: Uint8Array): Promise<void> {
  const tracker = new PhaseTracker(session, 'verify', data.length);
  const got = await dfu11Upload({ ...session, emit: () => undefined }, { maxBytes: data.length });
  tracker.add(got.length);
  const at = firstDifference(data, got);
  if (at >= 0) throw mismatch(at, data[at], got[at], got.length < data.length && at === got.length);
  tracker.end();
}

export function mismatch(address: number, expected: number | undefined, actual: number | undefined, short: boolean): DfuFlashError {
  const what = short
    ? `the device returned fewer bytes than were written, from ${hex32(address)}`
    : `byte at ${hex32(address)} is 0x${(actual ?? 0).toString(16).padStart(2, '0')}, expected 0x${(expected ?? 0).toString(16).padStart(2, '0')}`;
  return new DfuFlashError('VERIFY_MISMATCH', `verify failed: ${what}`, {
    hint: 'the flash does not hold the image: flash again; if it persists, the sector may be worn or write-protected',
    details: { phase: 'verify', address, expected, actual },
  });
}

/**
 * Read each page the plan would erase; a page that already holds exactly what the
 * download would leave there (image bytes, 0xFF elsewhere) is dropped from the plan.
 */
export async function skipUnchangedPages(session: DfuSession, plan: DownloadPlan): Promise<PrunedPlan> {
  const tracker = new PhaseTracker(session, 'verify', plan.totals.eraseBytes, 'compare');
  const unchanged = new Set<number>();
  for (const page of plan.erase) {
    const current = await dfuseRead(session, page.address, page.size, 'verify', (n) => tracker.add(n));
    if (firstDifference(expectedPageContents(plan, page), current) < 0) unchanged.add(page.address);
  }
  tracker.end();
  return pruneUnchangedPages(plan, unchanged);
}
