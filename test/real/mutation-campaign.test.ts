/**
 * The mutation campaign: every real fixture (../shared/fixtures/real, when it
 * is there) and every file in fixtures/formats, damaged by the operators in
 * mutators.ts with a fixed seed per file (reproducible). For every mutant
 * parseFirmware either throws a FORMAT DfuFlashError in the house style, or
 * returns a consistent image that the project's writers reproduce; damaged
 * checksums, CRCs and length fields are always refused, line endings never
 * matter, a dropped data record loses exactly its bytes. The work per file is
 * bounded by its size (fewer mutants for big files), never by the clock.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseFirmware } from '../../src/formats/detect.js';
import { parseDfuSuffix } from '../../src/formats/dfu-suffix.js';
import { imageSize, type FirmwareImage } from '../../src/formats/image.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { assertMessageStyle } from '../support/message-style.js';
import { repoRoot } from '../unit/formats/helpers.js';
import { assertConsistentImage, essence } from './image-consistency.js';
import { dfuseLayout, elfLayout, mutantArb, textRecords, type Fixture, type Mutant, type Shape } from './mutators.js';
import { listReal, readReal, realAvailable, skipUnlessReal } from './real-fixtures.js';
import { describeOrSkip } from '../support/describe-or-skip.js';

/** Mutants per file: MAX, fewer for big files so that each file costs about the same (text costs ~20× binary per byte). */
const MAX_MUTANTS = 400;
const MIN_MUTANTS = 40;
const BUDGET_BYTES = 4_000_000;
function mutantsFor(bytes: Uint8Array, shape: Shape): number {
  const cost = bytes.length * (shape.kind === 'ihex' || shape.kind === 'srec' ? 20 : 1);
  return Math.max(MIN_MUTANTS, Math.min(MAX_MUTANTS, Math.floor(BUDGET_BYTES / Math.max(cost, 1))));
}

/** A stable seed per file name, so adding a fixture changes no other file's mutants. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

type Outcome = { image: FirmwareImage } | { error: DfuFlashError };

function outcome(bytes: Uint8Array, fileName: string): Outcome {
  try {
    return { image: parseFirmware(bytes, { fileName }) };
  } catch (e) {
    if (!(e instanceof DfuFlashError)) throw new Error(`${fileName}: not a DfuFlashError but ${String(e)}`, { cause: e });
    assert.equal(e.code, 'FORMAT', e.message);
    assertMessageStyle(e, fileName);
    return { error: e };
  }
}

function shapeOf(bytes: Uint8Array, original: Outcome): Shape {
  const dfuse = dfuseLayout(bytes);
  if (dfuse !== undefined) return { kind: 'dfuse', dfuse };
  if ('image' in original) {
    const f = original.image.format;
    if ((f === 'ihex' || f === 'srec') && original.image.suffix === undefined) return { kind: f, records: textRecords(bytes, f) };
    if (f === 'bin' && original.image.suffix !== undefined) return { kind: 'suffixed' };
  }
  const elf = elfLayout(bytes);
  return elf === undefined ? { kind: 'other' } : { kind: 'elf', elf };
}

function isSigned(bytes: Uint8Array): boolean {
  try {
    return parseDfuSuffix(bytes) !== undefined;
  } catch {
    return false;
  }
}

interface Tally {
  mutants: number;
  accepted: number;
  refused: number;
  strict: number;
}

function checkMutant(f: Fixture, original: Outcome, m: Mutant, tally: Tally): void {
  const got = outcome(m.bytes, f.name);
  tally.mutants++;
  const op = operators.get(m.operator) ?? { mutants: 0, refused: 0 };
  operators.set(m.operator, { mutants: op.mutants + 1, refused: op.refused + ('error' in got ? 1 : 0) });
  if ('image' in got) {
    tally.accepted++;
    assertConsistentImage(got.image, m.bytes.length);
  } else {
    tally.refused++;
  }
  const what = `${m.operator} (${m.detail})`;
  const assertSame = () => {
    assert.ok('image' in got, `${what} was refused: ${'error' in got ? got.error.message : ''}`);
    assert.ok('image' in original, `${what}: accepted, but the original file is refused`);
    assert.deepEqual(essence(got.image), essence(original.image), `${what} gave another image`);
  };
  if (Buffer.compare(m.bytes, f.bytes) === 0) {
    assert.equal('image' in got, 'image' in original, `${what}: an unchanged file, another outcome`);
    if ('image' in got) assertSame();
    return;
  }
  const e = m.expect;
  if (e !== 'any') tally.strict++;
  if (e === 'refuse') assert.ok('error' in got, `${what} was accepted`);
  else if (e === 'same') assertSame();
  else if (e === 'refuse-or-same' && 'image' in got) assertSame();
  else if (typeof e === 'object' && 'image' in got && 'image' in original) {
    assert.equal(imageSize(got.image), imageSize(original.image) - e.removedBytes, `${what}: wrong size`);
    const at = new Map<number, number>();
    for (const s of original.image.segments) s.data.forEach((b, i) => at.set(s.address + i, b));
    for (const s of got.image.segments) s.data.forEach((b, i) => assert.equal(at.get(s.address + i), b, `${what}: byte at ${s.address + i} changed`));
  }
}

function campaign(name: string, bytes: Uint8Array): void {
  const original = outcome(bytes, name);
  if ('image' in original) assertConsistentImage(original.image, bytes.length);
  const shape = shapeOf(bytes, original);
  const fixture: Fixture = { name, bytes, shape, signed: isSigned(bytes) };
  const tally: Tally = { mutants: 0, accepted: 0, refused: 0, strict: 0 };
  const numRuns = mutantsFor(bytes, shape);
  fc.assert(
    fc.property(mutantArb(fixture), (m) => checkMutant(fixture, original, m, tally)),
    { seed: seedOf(name), numRuns, includeErrorInReport: true },
  );
  totals.files++;
  totals.mutants += numRuns;
  totals.accepted += tally.accepted;
  totals.refused += tally.refused;
  totals.strict += tally.strict;
}

const totals = { files: 0, mutants: 0, accepted: 0, refused: 0, strict: 0 };
/** Per operator: mutants checked and how many were refused (fast-check's shrinking, on a failure, adds a few). */
const operators = new Map<string, { mutants: number; refused: number }>();
const NOT_FIRMWARE = new Set(['firmware.s', 'generate.sh', 'link.ld']);
const ownDir = join(repoRoot, 'fixtures', 'formats');
const ownFiles = readdirSync(ownDir).filter((f) => !NOT_FIRMWARE.has(f)).sort();
const REAL_FOLDERS = ['bin', 'dfu-suffix', 'dfuse', 'elf', 'ihex', 'srec', 'negative', 'vectors', 'generated/dfuse-pack', 'generated/suffix', 'generated/prefix', 'generated/inputs'];
const realFiles = realAvailable ? REAL_FOLDERS.flatMap(listReal) : [];
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

describe('mutation campaign: fixtures/formats', () => {
  for (const file of ownFiles) test(file, () => campaign(file, new Uint8Array(readFileSync(join(ownDir, file)))));
});

describeOrSkip('mutation campaign: real fixtures', skipUnlessReal.skip, () => {
  test('finds the fixture folders it expects', () => assert.ok(realFiles.length >= 70, `${realFiles.length} files`));
  for (const path of realFiles) test(path, () => campaign(base(path), readReal(path)));
});

describe('mutation campaign: summary', () => {
  test('every file was mutated', (t) => {
    assert.equal(totals.files, ownFiles.length + realFiles.length);
    t.diagnostic(
      `${totals.mutants} mutants of ${totals.files} files (${ownFiles.length} own, ${realFiles.length} real${realAvailable ? '' : ': real fixtures not found, skipped'}): ` +
        `${totals.refused} refused, ${totals.accepted} accepted, ${totals.strict} with a strict expectation`,
    );
    const ops = [...operators].sort(([a], [b]) => a.localeCompare(b));
    t.diagnostic(ops.map(([name, o]) => `${name} ${o.refused}/${o.mutants} refused`).join(', '));
  });
});
