import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMemoryLayout } from '../../../src/dfu/memory-layout.js';
import { DfuFlashError } from '../../../src/shared/errors.js';

const UNIT_BYTES: Record<string, number> = { B: 1, ' ': 1, K: 1024, M: 1024 * 1024 };

interface GenGroup {
  count: number;
  countPad: number;
  size: number;
  sizePad: number;
  unit: string;
  type: string;
}
interface GenRegion {
  address: number;
  hexDigits: number;
  upper: boolean;
  groups: GenGroup[];
}

const groupArb: fc.Arbitrary<GenGroup> = fc.record({
  count: fc.integer({ min: 1, max: 300 }),
  countPad: fc.integer({ min: 0, max: 2 }),
  size: fc.integer({ min: 1, max: 512 }),
  sizePad: fc.integer({ min: 0, max: 2 }),
  unit: fc.constantFrom('B', ' ', 'K'),
  type: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'),
});
const regionArb: fc.Arbitrary<GenRegion> = fc.record({
  address: fc.integer({ min: 0, max: 0xc0000000 }),
  hexDigits: fc.integer({ min: 1, max: 8 }),
  upper: fc.boolean(),
  groups: fc.array(groupArb, { minLength: 1, maxLength: 4 }),
});
const layoutArb = fc.record({
  name: fc.stringMatching(/^[A-Za-z][A-Za-z :]{0,15}$/),
  padding: fc.constantFrom('', ' ', '  ', '   '),
  regions: fc.array(regionArb, { maxLength: 3 }),
});

const pad = (n: number, zeros: number) => '0'.repeat(zeros) + String(n);

test('parse inverts the layout-string serialisation (padding, units, several regions)', () => {
  fc.assert(
    fc.property(layoutArb, ({ name, padding, regions }) => {
      let raw = `@${name}${padding}`;
      const expected = [];
      for (const r of regions) {
        const hex = r.address.toString(16).padStart(r.hexDigits, '0');
        raw += `/0x${r.upper ? hex.toUpperCase() : hex}/`;
        raw += r.groups.map((g) => `${pad(g.count, g.countPad)}*${pad(g.size, g.sizePad)}${g.unit}${g.type}`).join(',');
        let start = r.address;
        for (const g of r.groups) {
          const pageSize = g.size * (UNIT_BYTES[g.unit] as number);
          const bits = 'abcdefg'.indexOf(g.type) + 1;
          expected.push({
            start,
            end: start + g.count * pageSize,
            pageSize,
            count: g.count,
            type: g.type,
            readable: (bits & 1) !== 0,
            erasable: (bits & 2) !== 0,
            writable: (bits & 4) !== 0,
          });
          start += g.count * pageSize;
        }
      }
      assert.deepEqual(parseMemoryLayout(raw), { name: name.trim(), raw, segments: expected });
    }),
    { numRuns: 300 },
  );
});

test('arbitrary strings: the parser returns a layout or throws DfuFlashError LAYOUT, nothing else', () => {
  const layoutish = fc
    .array(fc.constantFrom('@', '/', '0x', '0', '8', 'F', '*', ',', 'K', 'M', 'B', ' ', 'a', 'e', 'g', 'h', ':', '9'), {
      maxLength: 40,
    })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 60 }).map((b) => String.fromCharCode(...b)), layoutish, layoutish.map((s) => '@' + s)), (s) => {
      try {
        const layout = parseMemoryLayout(s);
        assert.equal(layout.raw, s);
        for (const seg of layout.segments) {
          assert.ok(seg.start >= 0 && seg.end > seg.start && seg.end <= 2 ** 32);
          assert.equal(seg.end - seg.start, seg.count * seg.pageSize);
        }
      } catch (e) {
        assert.ok(e instanceof DfuFlashError, String(e));
        assert.equal(e.code, 'LAYOUT');
      }
    }),
    { numRuns: 2000 },
  );
});
