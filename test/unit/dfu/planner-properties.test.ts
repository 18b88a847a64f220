import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { MAX_BLOCKS_PER_RUN, planDfuseDownload, planDfuseUpload } from '../../../src/dfu/planner.js';
import type { MemoryLayout, MemorySegment } from '../../../src/dfu/plan-types.js';
import type { FirmwareImage } from '../../../src/formats/image.js';
import { DfuFlashError } from '../../../src/shared/errors.js';

const BASE = 0x08000000;

/** Small random layouts: 1–3 regions (with or without gaps), 1–3 groups each, every type letter. */
const layoutArb: fc.Arbitrary<MemoryLayout> = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 })),
      groups: fc.array(
        fc.record({
          count: fc.integer({ min: 1, max: 6 }),
          pageSize: fc.constantFrom(16, 32, 64, 100, 256),
          type: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'g', 'g'),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((regions) => {
    let raw = '@Generated ';
    let at = BASE;
    for (const r of regions) {
      at += r.gap;
      raw += `/0x${at.toString(16)}/` + r.groups.map((g) => `${g.count}*${g.pageSize}B${g.type}`).join(',');
      at += r.groups.reduce((n, g) => n + g.count * g.pageSize, 0);
    }
    return parseMemoryLayout(raw);
  });

const imageArb: fc.Arbitrary<FirmwareImage> = fc
  .record({
    start: fc.integer({ min: -64, max: 1500 }),
    segments: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 200 }), length: fc.integer({ min: 1, max: 300 }) }), {
      maxLength: 5,
    }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ start, segments, seed }) => {
    let at = BASE + start;
    const out = [];
    for (const s of segments) {
      at += s.gap;
      out.push({ address: at, data: Uint8Array.from({ length: s.length }, (_, i) => (seed + at + i) & 0xff) });
      at += s.length;
    }
    return { format: 'ihex', addressed: true, segments: out };
  });

const optionsArb = fc.record({
  transferSize: fc.constantFrom(1, 7, 16, 64, 1023),
  force: fc.boolean(),
  massErase: fc.boolean(),
});

/** Oracle: the first listed segment holding `a`. */
function segmentOf(layout: MemoryLayout, a: number): MemorySegment | undefined {
  for (const s of layout.segments) if (a >= s.start && a < s.end) return s;
  return undefined;
}

test('download plans: refuse exactly the images that touch unknown or non-writable memory', () => {
  fc.assert(
    fc.property(layoutArb, imageArb, optionsArb, (layout, image, options) => {
      let firstBad: 'DOES_NOT_FIT' | 'NOT_WRITABLE' | undefined;
      for (const s of image.segments) {
        for (let a = s.address; a < s.address + s.data.length && firstBad === undefined; a++) {
          const seg = segmentOf(layout, a);
          if (seg === undefined) firstBad = 'DOES_NOT_FIT';
          else if (!seg.writable) firstBad = 'NOT_WRITABLE';
        }
      }
      const run = () => planDfuseDownload(image, layout, options);
      if (!options.force && firstBad !== undefined) {
        assert.throws(run, (e: unknown) => e instanceof DfuFlashError && e.code === firstBad);
      } else {
        run();
      }
    }),
    { numRuns: 400 },
  );
});

test('download plans: erase/write invariants', () => {
  fc.assert(
    fc.property(layoutArb, imageArb, optionsArb, (layout, image, options) => {
      let plan;
      try {
        plan = planDfuseDownload(image, layout, options);
      } catch (e) {
        assert.ok(e instanceof DfuFlashError && (e.code === 'DOES_NOT_FIT' || e.code === 'NOT_WRITABLE'), String(e));
        return;
      }
      const size = image.segments.reduce((n, s) => n + s.data.length, 0);

      // erases: strictly ascending (so sorted and no page twice), each a real erasable page touched by the image
      for (let i = 1; i < plan.erase.length; i++) {
        assert.ok((plan.erase[i] as { address: number }).address > (plan.erase[i - 1] as { address: number }).address);
      }
      if (plan.massErase) assert.deepEqual(plan.erase, []);
      const erased = new Set(plan.erase.map((e) => e.address));
      for (const e of plan.erase) {
        const seg = segmentOf(layout, e.address);
        assert.ok(seg !== undefined && seg.erasable);
        assert.equal((e.address - seg.start) % seg.pageSize, 0);
        assert.equal(e.size, seg.pageSize);
        const touched = image.segments.some((s) => s.address < e.address + e.size && s.address + s.data.length > e.address);
        assert.ok(touched, `erase at 0x${e.address.toString(16)} is not touched by the image`);
      }

      // every written byte of erasable memory lies in a page erased by this plan (unless mass erase)
      const written = new Map<number, number>();
      for (const w of plan.writes) {
        w.data.forEach((b, i) => {
          assert.ok(!written.has(w.address + i), 'a byte is written twice');
          written.set(w.address + i, b);
        });
      }
      if (!plan.massErase) {
        for (const a of written.keys()) {
          const seg = segmentOf(layout, a);
          if (seg === undefined || !seg.erasable) {
            assert.ok(options.force || seg?.writable, 'unerased byte outside writable memory without force');
            continue;
          }
          const page = seg.start + Math.floor((a - seg.start) / seg.pageSize) * seg.pageSize;
          assert.ok(erased.has(page), `byte 0x${a.toString(16)} is written into page 0x${page.toString(16)}, which is not erased`);
        }
      }

      // writes: exactly the image bytes; runs ascending, separated by gaps unless split for the block limit
      assert.equal(written.size, size);
      for (const s of image.segments) s.data.forEach((b, i) => assert.equal(written.get(s.address + i), b));
      assert.equal(plan.writes.reduce((n, w) => n + w.data.length, 0), size);
      for (const [i, w] of plan.writes.entries()) {
        assert.equal(w.blocks, Math.ceil(w.data.length / options.transferSize));
        assert.ok(w.blocks <= MAX_BLOCKS_PER_RUN);
        const next = plan.writes[i + 1];
        if (next !== undefined) assert.ok(next.address > w.address + w.data.length);
      }
      assert.deepEqual(plan.totals, {
        eraseBytes: plan.erase.reduce((n, e) => n + e.size, 0),
        writeBytes: size,
        blocks: plan.writes.reduce((n, w) => n + w.blocks, 0),
      });
    }),
    { numRuns: 400 },
  );
});

test('upload plans read only readable layout memory (without force)', () => {
  fc.assert(
    fc.property(
      layoutArb,
      fc.integer({ min: -64, max: 5000 }),
      fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
      (layout, offset, length) => {
        let plan;
        try {
          plan = planDfuseUpload(layout, { address: BASE + offset, length, transferSize: 64 });
        } catch (e) {
          assert.ok(e instanceof DfuFlashError && (e.code === 'DOES_NOT_FIT' || e.code === 'UNSUPPORTED'), String(e));
          let bad = false;
          const end = BASE + offset + (length ?? 1);
          for (let a = BASE + offset; a < end && !bad; a++) bad = segmentOf(layout, a)?.readable !== true;
          assert.ok(bad, 'refused a readable range');
          return;
        }
        assert.equal(plan.address, BASE + offset);
        if (length !== undefined) assert.equal(plan.length, length);
        for (let a = plan.address; a < plan.address + plan.length; a++) assert.equal(segmentOf(layout, a)?.readable, true);
        if (length === undefined) assert.notEqual(segmentOf(layout, plan.address + plan.length)?.readable, true);
        assert.equal(plan.blocks, Math.ceil(plan.length / 64));
      },
    ),
    { numRuns: 300 },
  );
});
