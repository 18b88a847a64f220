/**
 * Skip-unchanged: given the pages whose current contents already equal what the
 * download would leave there, drop their erases and the writes inside them.
 * Pure; the reading-back lives in the ops layer.
 */
import type { DownloadPlan, EraseStep, WriteRun } from './plan-types.js';

/** What a page will hold after the plan runs: 0xFF (erased) except where the plan writes. */
export function expectedPageContents(plan: DownloadPlan, page: EraseStep): Uint8Array {
  const out = new Uint8Array(page.size).fill(0xff);
  const end = page.address + page.size;
  for (const run of plan.writes) {
    const runEnd = run.address + run.data.length;
    const from = Math.max(run.address, page.address);
    const to = Math.min(runEnd, end);
    if (from < to) out.set(run.data.subarray(from - run.address, to - run.address), from - page.address);
  }
  return out;
}

export interface PrunedPlan {
  plan: DownloadPlan;
  skippedPages: EraseStep[];
  skippedBytes: number;
}

/** Remove `unchanged` pages (by address) from the erase list and cut their bytes out of the write runs. */
export function pruneUnchangedPages(plan: DownloadPlan, unchanged: ReadonlySet<number>): PrunedPlan {
  const skippedPages = plan.erase.filter((p) => unchanged.has(p.address));
  if (skippedPages.length === 0) return { plan, skippedPages, skippedBytes: 0 };
  const erase = plan.erase.filter((p) => !unchanged.has(p.address));
  const holes = skippedPages.map((p) => [p.address, p.address + p.size] as const).sort((a, b) => a[0] - b[0]);
  const writes: WriteRun[] = [];
  let skippedBytes = 0;
  for (const run of plan.writes) {
    let cursor = run.address;
    const runEnd = run.address + run.data.length;
    const keep = (from: number, to: number) => {
      if (from >= to) return;
      const data = run.data.subarray(from - run.address, to - run.address);
      writes.push({ address: from, data, blocks: Math.ceil(data.length / plan.transferSize) });
    };
    for (const [hs, he] of holes) {
      if (he <= cursor || hs >= runEnd) continue;
      keep(cursor, Math.max(cursor, hs));
      const cutFrom = Math.max(cursor, hs);
      const cutTo = Math.min(runEnd, he);
      skippedBytes += cutTo - cutFrom;
      cursor = cutTo;
    }
    keep(cursor, runEnd);
  }
  const eraseBytes = erase.reduce((n, e) => n + e.size, 0);
  const writeBytes = writes.reduce((n, w) => n + w.data.length, 0);
  const blocks = writes.reduce((n, w) => n + w.blocks, 0);
  return { plan: { ...plan, erase, writes, totals: { eraseBytes, writeBytes, blocks } }, skippedPages, skippedBytes };
}
