import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildSegments, describeRange, type Piece } from '../../../src/formats/segments.js';
import { expectFormatError, plainSegments } from './helpers.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('buildSegments', () => {
  test('sorts, merges adjacent pieces, keeps gaps, drops empty pieces', () => {
    const pieces: Piece[] = [
      { address: 0x20, data: bytes(5, 6) },
      { address: 0x10, data: bytes(3, 4) },
      { address: 0x0e, data: bytes(1, 2) },
      { address: 0x40, data: bytes() },
      { address: 0x12, data: bytes() },
    ];
    assert.deepEqual(plainSegments(buildSegments(pieces, 'test')), [
      { address: '0x0000000e', data: '01020304' },
      { address: '0x00000020', data: '0506' },
    ]);
  });

  test('a piece that is alone keeps its bytes (no copy needed)', () => {
    const data = bytes(1, 2, 3);
    const [seg] = buildSegments([{ address: 4, data }], 'test');
    assert.equal(seg?.data, data);
  });

  test('overlap: names both ranges in file order, with their origin', () => {
    const e = expectFormatError(
      () =>
        buildSegments(
          [
            { address: 0x08000008, data: new Uint8Array(16), origin: 'line 7' },
            { address: 0x08000000, data: new Uint8Array(16), origin: 'line 9' },
          ],
          'ihex',
          { fileName: 'app.hex' },
        ),
      'app.hex: 0x08000000-0x0800000f (line 9) overlaps 0x08000008-0x08000017 (line 7)',
    );
    assert.match(e.hint ?? '', /same memory/);
    assert.equal(e.details.format, 'ihex');
  });

  test('a piece past 0xffffffff is a FORMAT error', () => {
    expectFormatError(() => buildSegments([{ address: 0xfffffffe, data: new Uint8Array(3), origin: 'line 2' }], 'ihex'), 'line 2: data at 0xfffffffe (3 bytes) runs past the end of the 32-bit address space');
    assert.equal(buildSegments([{ address: 0xfffffffd, data: new Uint8Array(3) }], 'ihex').length, 1);
  });

  test('describeRange prints the last byte included', () => {
    assert.equal(describeRange(0x08000000, 0x100), '0x08000000-0x080000ff');
    assert.equal(describeRange(0x08000000, 1), '0x08000000-0x08000000');
    assert.equal(describeRange(0x08000000, 0), '0x08000000');
  });

  test('property: every byte lands at its address; output sorted, disjoint, not adjacent', () => {
    // Disjoint pieces: cut a random layout of (gap, length) pairs, then shuffle.
    const layout = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { maxLength: 30 });
    fc.assert(
      fc.property(layout, fc.integer({ min: 0, max: 0xffff0000 }), fc.integer(), (parts, base, seed) => {
        const pieces: Piece[] = [];
        let at = base;
        for (const [gap, len] of parts) {
          at += gap;
          pieces.push({ address: at, data: Uint8Array.from({ length: len }, (_, i) => (at + i) & 0xff) });
          at += len;
        }
        const shuffled = [...pieces].sort((a, b) => ((a.address * 31 + seed) % 97) - ((b.address * 31 + seed) % 97));
        const out = buildSegments(shuffled, 'test');
        let total = 0;
        for (const [i, s] of out.entries()) {
          assert.ok(s.data.length > 0);
          s.data.forEach((b, k) => assert.equal(b, (s.address + k) & 0xff));
          total += s.data.length;
          if (i > 0) assert.ok(s.address > out[i - 1]!.address + out[i - 1]!.data.length, 'sorted, disjoint and not adjacent');
        }
        assert.equal(total, pieces.reduce((n, p) => n + p.data.length, 0));
      }),
      { numRuns: 1000 },
    );
  });
});
