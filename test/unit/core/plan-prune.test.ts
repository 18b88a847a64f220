import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { planDfuseDownload } from '../../../src/dfu/planner.js';
import { expectedPageContents, pruneUnchangedPages } from '../../../src/dfu/planner.js';

const F1 = parseMemoryLayout('@Internal Flash  /0x08000000/64*001Kg');

function imageAt(address: number, length: number, seed = 1) {
  const data = new Uint8Array(length).map((_, i) => (i * 31 + seed) & 0xff);
  return { format: 'bin', addressed: true, segments: [{ address, data }] };
}

test('expected page contents: image bytes where written, 0xFF elsewhere', () => {
  const plan = planDfuseDownload(imageAt(0x08000100, 0x400), F1, { transferSize: 256 });
  const p0 = expectedPageContents(plan, plan.erase[0]!);
  assert.deepEqual([...p0.subarray(0, 0x100)], new Array(0x100).fill(0xff));
  assert.equal(p0[0x100], plan.writes[0]!.data[0]);
  const p1 = expectedPageContents(plan, plan.erase[1]!);
  assert.deepEqual([...p1.subarray(0x100)], new Array(0x300).fill(0xff));
});

test('pruning the middle page splits the run and drops its erase', () => {
  const plan = planDfuseDownload(imageAt(0x08000000, 3 * 1024), F1, { transferSize: 256 });
  const { plan: pruned, skippedBytes, skippedPages } = pruneUnchangedPages(plan, new Set([0x08000400]));
  assert.deepEqual(pruned.erase.map((e) => e.address), [0x08000000, 0x08000800]);
  assert.deepEqual(pruned.writes.map((w) => [w.address, w.data.length, w.blocks]), [[0x08000000, 1024, 4], [0x08000800, 1024, 4]]);
  assert.equal(skippedBytes, 1024);
  assert.equal(skippedPages.length, 1);
  assert.deepEqual(pruned.totals, { eraseBytes: 2048, writeBytes: 2048, blocks: 8 });
});

test('property: pruned writes are exactly the original bytes outside skipped pages', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 * 1024 }), fc.integer({ min: 0, max: 2048 }), fc.array(fc.integer({ min: 0, max: 15 })), (len, off, skip) => {
      const plan = planDfuseDownload(imageAt(0x08000000 + off, len), F1, { transferSize: 128 });
      const unchanged = new Set(skip.map((i) => 0x08000000 + i * 1024));
      const { plan: pruned, skippedBytes } = pruneUnchangedPages(plan, unchanged);
      const before = new Map<number, number>();
      for (const w of plan.writes) w.data.forEach((b, i) => before.set(w.address + i, b));
      let kept = 0;
      for (const w of pruned.writes) {
        w.data.forEach((b, i) => {
          const a = w.address + i;
          assert.equal(before.get(a), b);
          assert.ok(!unchanged.has(a - ((a - 0x08000000) % 1024)));
          kept++;
        });
      }
      assert.equal(kept + skippedBytes, len);
      for (const e of pruned.erase) assert.ok(!unchanged.has(e.address));
    }),
    { numRuns: 300 },
  );
});
