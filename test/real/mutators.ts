/**
 * Mutation operators for the firmware-file campaign. Each one damages a file
 * the way tools, transfers and hand edits do, and says what the parser must
 * make of the result: a damaged checksum, CRC or length field must be
 * refused; a change of line endings must give the same image; a dropped data
 * record must be refused or give the image without exactly those bytes;
 * anything else may go either way, as long as the outcome is well-formed.
 */
import fc from 'fast-check';
import { dfuCrc } from '../../src/formats/crc32.js';

export type Expectation =
  | 'refuse' // a FORMAT error, nothing else
  | 'same' // accepted, and the same image as the original
  | 'refuse-or-same'
  | { removedBytes: number } // refused, or the original image minus exactly this many bytes (and nothing changed)
  | 'any'; // refused, or any well-formed image

export interface Mutant {
  operator: string;
  detail: string;
  bytes: Uint8Array;
  expect: Expectation;
}

/** What the campaign knows about a fixture's structure, found without the parsers under test. */
export type Shape =
  | { kind: 'ihex' | 'srec'; records: TextRecord[] }
  | { kind: 'dfuse'; dfuse: DfuseLayout }
  | { kind: 'suffixed' }
  | { kind: 'elf'; elf: ElfLayout }
  | { kind: 'other' };

export interface Fixture {
  name: string;
  bytes: Uint8Array;
  shape: Shape;
  /** The file carries a DFU suffix whose CRC is right. */
  signed: boolean;
}

// ------------------------------------------------------------ byte helpers

const HEX = '0123456789ABCDEF';
const hex2 = (n: number) => HEX[(n >> 4) & 15]! + HEX[n & 15]!;
const encode = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array, start: number, end: number) => Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, end - start)).toString('latin1');

function splice(bytes: Uint8Array, start: number, end: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - (end - start) + insert.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(insert, start);
  out.set(bytes.subarray(end), start + insert.length);
  return out;
}

/** Recompute the suffix dwCRC, so the damage behind it is what the parser meets. */
export function resign(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length >= 4) new DataView(out.buffer).setUint32(out.length - 4, dfuCrc(out.subarray(0, out.length - 4)), true);
  return out;
}

function setU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value >>> 0, true);
  return out;
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(at, true);

/** A u32 different from `old`: near it (off-by-a-few damage) or anywhere. */
const otherU32 = (old: number) =>
  fc.oneof(fc.integer({ min: -8, max: 8 }).map((d) => (old + d) >>> 0), fc.integer({ min: 0, max: 0xffffffff })).filter((v) => v !== old);

// ------------------------------------------------------------ structure, found independently of src/formats

export interface TextRecord {
  /** Byte offsets of the record text (without its line ending). */
  start: number;
  end: number;
  /** The bytes its hex digits spell (after ':' or 'S<type>'). */
  bytes: number[];
  /** 'data' with at least one byte, 'terminal' (EOF / S7-S9), or 'other'. */
  role: 'data' | 'terminal' | 'other';
  dataBytes: number;
}

export function textRecords(bytes: Uint8Array, kind: 'ihex' | 'srec'): TextRecord[] {
  const out: TextRecord[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) continue;
    const line = text(bytes, start, i).trim();
    if (line !== '') {
      const from = start + text(bytes, start, i).indexOf(line);
      const digits = kind === 'ihex' ? line.slice(1) : line.slice(2);
      const recBytes = Array.from({ length: digits.length / 2 }, (_, k) => parseInt(digits.slice(2 * k, 2 * k + 2), 16));
      let role: TextRecord['role'] = 'other';
      let dataBytes = 0;
      if (kind === 'ihex') {
        const type = recBytes[3];
        if (type === 0) dataBytes = recBytes[0]!;
        role = type === 1 ? 'terminal' : dataBytes > 0 ? 'data' : 'other';
      } else {
        const t = Number(line[1]);
        const addressLength = [2, 2, 3, 4, 0, 2, 3, 4, 3, 2][t]!;
        if (t >= 1 && t <= 3) dataBytes = recBytes[0]! - addressLength - 1;
        role = t >= 7 ? 'terminal' : dataBytes > 0 ? 'data' : 'other';
      }
      out.push({ start: from, end: from + line.length, bytes: recBytes, role, dataBytes });
    }
    start = i + 1;
  }
  return out;
}

export interface DfuseLayout {
  /** Where the suffix starts. */
  end: number;
  targets: { at: number; length: number; elements: { at: number; size: number }[] }[];
}

/** Walk a DfuSe file by UM0391's offsets; undefined unless every count and size adds up. */
export function dfuseLayout(b: Uint8Array): DfuseLayout | undefined {
  if (b.length < 11 + 16 || text(b, 0, 5) !== 'DfuSe') return undefined;
  const end = b.length - b[b.length - 5]!;
  const targets: DfuseLayout['targets'] = [];
  let off = 11;
  for (let t = 0; t < b[10]!; t++) {
    if (off + 274 > end) return undefined;
    const at = off;
    const count = u32(b, off + 270);
    off += 274;
    const elements: { at: number; size: number }[] = [];
    for (let e = 0; e < count; e++) {
      if (off + 8 > end) return undefined;
      const size = u32(b, off + 4);
      elements.push({ at: off, size });
      off += 8 + size;
    }
    if (off > end || off - at - 274 !== u32(b, at + 266)) return undefined;
    targets.push({ at, length: off - at, elements });
  }
  return off === end ? { end, targets } : undefined;
}

export interface ElfLayout {
  phoff: number;
  phentsize: number;
  /** Program headers of type PT_LOAD with file bytes: offset of the entry, p_filesz, p_memsz. */
  loads: { at: number; filesz: number; memsz: number }[];
  phnum: number;
}

export function elfLayout(b: Uint8Array): ElfLayout | undefined {
  if (b.length < 52 || b[0] !== 0x7f || text(b, 1, 4) !== 'ELF' || b[4] !== 1 || b[5] !== 1) return undefined;
  const phoff = u32(b, 28);
  const phentsize = u16(b, 42);
  const phnum = u16(b, 44);
  if (phentsize < 32 || phoff + phnum * phentsize > b.length) return undefined;
  const loads = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (u32(b, at) === 1 && u32(b, at + 16) > 0) loads.push({ at, filesz: u32(b, at + 16), memsz: u32(b, at + 20) });
  }
  return { phoff, phentsize, phnum, loads };
}

// ------------------------------------------------------------ operators

type Op = fc.Arbitrary<Mutant>;
/** A mutant; a failing one prints as its operator and detail, not as every byte of the file. */
const mutant = (operator: string, detail: string, bytes: Uint8Array, expect: Expectation): Mutant =>
  Object.assign({ operator, detail, bytes, expect }, { [fc.toStringMethod]: () => `${operator} (${detail}; ${bytes.length} bytes, expected ${JSON.stringify(expect)})` });

/** Is a change at [from, to) inside what the suffix CRC protects, away from the 'UFD' signature? */
function crcCovered(f: Fixture, from: number, to: number): boolean {
  const n = f.bytes.length;
  return f.signed && to <= n - 8 && from >= 0;
}

function genericOps(f: Fixture): Op[] {
  const n = f.bytes.length;
  const text = f.shape.kind === 'ihex' || f.shape.kind === 'srec';
  const strictDfuse = f.shape.kind === 'dfuse';
  const namedDfu = f.name.toLowerCase().endsWith('.dfu');
  const ops: Op[] = [];
  ops.push(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 }).map((flips) => {
      const out = f.bytes.slice();
      const at = [...new Set(flips.map(([p]) => p % Math.max(n, 1)))];
      for (const [i, p] of at.entries()) if (n > 0) out[p] ^= 1 << flips[i]![1];
      const touchesSignature = at.some((p) => p >= n - 8 && p <= n - 6);
      const typeChar = f.shape.kind === 'srec' && f.shape.records.some((r) => at.includes(r.start + 1));
      let expect: Expectation = 'any';
      if (f.signed && at.length <= 2 && !touchesSignature) expect = 'refuse'; // CRC-32 catches every 1- and 2-bit error
      else if (text && at.length === 1 && !typeChar) expect = 'refuse-or-same'; // a checksum catches any one changed digit
      return mutant('bit-flips', `bits at ${at.join(', ')}`, out, expect);
    }),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([p, ins]) => {
      const at = p % (n + 1);
      const expect: Expectation = crcCovered(f, at, at) && at <= n - 17 ? 'refuse' : text ? 'refuse-or-same' : 'any';
      return mutant('insert', `${ins.length} bytes at ${at}`, splice(f.bytes, at, at, ins), expect);
    }),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4 })).map(([p, k]) => {
      const at = n === 0 ? 0 : p % n;
      const to = Math.min(n, at + k);
      const expect: Expectation = crcCovered(f, at, to) && to <= n - 17 ? 'refuse' : text ? 'refuse-or-same' : 'any';
      return mutant('delete', `${to - at} bytes at ${at}`, splice(f.bytes, at, to, new Uint8Array(0)), expect);
    }),
    fc.nat().map((p) => {
      const at = n === 0 ? 0 : p % n;
      const expect: Expectation = strictDfuse || (f.signed && namedDfu) ? 'refuse' : text ? 'refuse-or-same' : 'any';
      return mutant('truncate', `at ${at} of ${n}`, f.bytes.slice(0, at), expect);
    }),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 }), fc.nat()).map(([p, len, q]) => {
      const from = n === 0 ? 0 : p % n;
      const chunk = f.bytes.slice(from, Math.min(n, from + len));
      const at = q % (n + 1);
      const expect: Expectation = crcCovered(f, at, at) && at <= n - 17 && chunk.length > 0 ? 'refuse' : text ? 'refuse-or-same' : 'any';
      return mutant('duplicate-chunk', `${chunk.length} bytes from ${from} inserted at ${at}`, splice(f.bytes, at, at, chunk), expect);
    }),
  );
  return ops;
}

function textOps(f: Fixture, kind: 'ihex' | 'srec', records: TextRecord[]): Op[] {
  const rec = fc.nat().map((i) => records[i % records.length]!);
  const prefix = kind === 'ihex' ? 1 : 2; // characters before the hex digits
  const checksum = (bytes: number[]) => {
    const sum = bytes.slice(0, -1).reduce((a, b) => a + b, 0);
    return kind === 'ihex' ? -sum & 0xff : ~sum & 0xff;
  };
  /** The record with the line ending(s) after it; '\n' added when it is the last line and has none. */
  const lineOf = (r: TextRecord) => {
    let end = r.end;
    while (end < f.bytes.length && (f.bytes[end] === 0x0d || f.bytes[end] === 0x0a)) end++;
    return end === r.end ? new Uint8Array([...f.bytes.subarray(r.start, r.end), 0x0a]) : f.bytes.slice(r.start, end);
  };
  return [
    fc.tuple(fc.constantFrom('\n', '\r\n', '\r', 'mixed'), fc.boolean(), fc.array(fc.constantFrom('\n', '\r\n', '\r', '\r\r', '\n\n'), { minLength: 1, maxLength: 7 })).map(([style, blanks, mix]) => {
      const lines = records.map((r, i) => text(f.bytes, r.start, r.end) + (blanks && i % 3 === 0 ? ' \t' : '') + (style === 'mixed' ? mix[i % mix.length]! : style));
      return mutant('line-endings', `${JSON.stringify(style)}${blanks ? ' with trailing blanks' : ''}`, encode(lines.join('')), 'same');
    }),
    rec.map((r) => {
      const expect: Expectation = r.role === 'other' ? 'same' : 'refuse'; // a second copy of data overlaps the first; nothing may follow the end record
      return mutant('duplicate-record', `${r.role} record at ${r.start}`, splice(f.bytes, r.start, r.start, lineOf(r)), expect);
    }),
    rec.map((r) => {
      const line = lineOf(r);
      const expect: Expectation = r.role === 'data' ? { removedBytes: r.dataBytes } : r.role === 'terminal' ? 'refuse' : 'any';
      const end = Math.min(f.bytes.length, r.start + line.length);
      return mutant('drop-record', `${r.role} record at ${r.start}`, splice(f.bytes, r.start, end, new Uint8Array(0)), expect);
    }),
    fc.tuple(rec, fc.integer({ min: 1, max: 255 })).map(([r, delta]) => {
      const wrong = (r.bytes.at(-1)! + delta) & 0xff;
      return mutant('damage-checksum', `record at ${r.start}: checksum ${hex2(wrong)}`, splice(f.bytes, r.end - 2, r.end, encode(hex2(wrong))), 'refuse');
    }),
    fc.tuple(rec, fc.integer({ min: 1, max: 255 })).map(([r, delta]) => {
      const bytes = [...r.bytes];
      bytes[0] = (bytes[0]! + delta) & 0xff;
      bytes[bytes.length - 1] = checksum(bytes);
      const digits = bytes.map(hex2).join('');
      return mutant('damage-length', `record at ${r.start}: count ${bytes[0]} (checksum fixed)`, splice(f.bytes, r.start + prefix, r.end, encode(digits)), 'refuse');
    }),
    fc.tuple(rec, fc.nat(), fc.integer({ min: 1, max: 15 })).map(([r, p, delta]) => {
      const at = r.start + prefix + (p % (r.end - r.start - prefix));
      const old = parseInt(String.fromCharCode(f.bytes[at]!), 16);
      return mutant('change-digit', `record at ${r.start}, digit at ${at}`, splice(f.bytes, at, at + 1, encode(HEX[(old + delta) & 15]!)), 'refuse');
    }),
    fc.tuple(rec, rec).map(([a, b]) => {
      if (a === b) return mutant('swap-records', 'a record with itself', f.bytes.slice(), 'same');
      const [x, y] = a.start < b.start ? [a, b] : [b, a];
      const out = new Uint8Array([...f.bytes.subarray(0, x.start), ...f.bytes.subarray(y.start, y.end), ...f.bytes.subarray(x.end, y.start), ...f.bytes.subarray(x.start, x.end), ...f.bytes.subarray(y.end)]);
      return mutant('swap-records', `records at ${x.start} and ${y.start}`, out, 'any');
    }),
  ];
}

function suffixOps(f: Fixture): Op[] {
  const n = f.bytes.length;
  return [
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 255 })).map(([k, x]) => {
      const out = f.bytes.slice();
      out[n - k] ^= x;
      return mutant('damage-crc', `dwCRC byte ${4 - k} ^ 0x${hex2(x)}`, out, 'refuse');
    }),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).filter(([v]) => v !== f.bytes[n - 5]).map(([v, sign]) => {
      const out = f.bytes.slice();
      out[n - 5] = v;
      const expect: Expectation = !sign || v < 16 || v > n ? 'refuse' : 'any';
      return mutant('damage-blength', `bLength ${v}${sign ? ', CRC re-signed' : ''}`, sign ? resign(out) : out, expect);
    }),
    fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 255 })).map(([k, x]) => {
      const out = f.bytes.slice();
      out[n - 16 + k] ^= x;
      return mutant('damage-suffix-ids', `suffix byte ${k} ^ 0x${hex2(x)}, CRC re-signed`, resign(out), 'any');
    }),
  ];
}

function dfuseOps(f: Fixture, d: DfuseLayout): Op[] {
  const n = f.bytes.length;
  const field = (name: string, at: number, value: number, expect: Expectation) => mutant('damage-dfuse-field', `${name} = ${value}, CRC re-signed`, resign(setU32(f.bytes, at, value)), expect);
  const target = fc.nat().map((i) => ({ t: i % d.targets.length, target: d.targets[i % d.targets.length]! }));
  const ops: Op[] = [
    otherU32(u32(f.bytes, 6)).map((v) => field('DFUImageSize', 6, v, v === d.end || v === n ? 'any' : 'refuse')),
    fc.integer({ min: 0, max: 255 }).filter((v) => v !== f.bytes[10]).map((v) => {
      const out = f.bytes.slice();
      out[10] = v;
      return mutant('damage-dfuse-field', `bTargets = ${v}, CRC re-signed`, resign(out), 'refuse');
    }),
    fc.integer({ min: 0, max: 255 }).filter((v) => v !== 1).map((v) => {
      const out = f.bytes.slice();
      out[5] = v;
      return mutant('damage-dfuse-field', `bVersion = ${v}, CRC re-signed`, resign(out), 'refuse');
    }),
    fc.integer({ min: 0, max: 0xffff }).filter((v) => v !== 0x011a).map((v) => {
      const out = f.bytes.slice();
      new DataView(out.buffer).setUint16(n - 10, v, true);
      return mutant('damage-dfuse-field', `bcdDFU = 0x${v.toString(16)}, CRC re-signed`, resign(out), 'refuse');
    }),
    target.chain(({ t, target: tg }) => otherU32(u32(f.bytes, tg.at + 266)).map((v) => field(`target ${t} dwTargetSize`, tg.at + 266, v, 'refuse'))),
    target.chain(({ t, target: tg }) => otherU32(u32(f.bytes, tg.at + 270)).map((v) => field(`target ${t} dwNbElements`, tg.at + 270, v, 'refuse'))),
    // A damaged trailing size always breaks dwTargetSize; an earlier one may, by chance, realign on bytes that add up.
    target
      .filter(({ target: tg }) => tg.elements.length > 0)
      .chain(({ t, target: tg }) =>
        fc.nat().chain((i) => {
          const e = i % tg.elements.length;
          const el = tg.elements[e]!;
          return otherU32(el.size).map((v) => field(`target ${t} element ${e} dwElementSize`, el.at + 4, v, e === tg.elements.length - 1 ? 'refuse' : 'any'));
        }),
      ),
    target.map(({ t, target: tg }) => {
      // the same target twice: bTargets and DFUImageSize follow, so only the overlap is wrong
      let out = splice(f.bytes, tg.at + tg.length, tg.at + tg.length, f.bytes.slice(tg.at, tg.at + tg.length));
      out[10] = f.bytes[10]! + 1;
      out = setU32(out, 6, u32(f.bytes, 6) + tg.length);
      const hasData = tg.elements.some((e) => e.size > 0);
      return mutant('duplicate-target', `target ${t} twice, CRC re-signed`, resign(out), f.bytes[10] === 255 ? 'any' : hasData ? 'refuse' : 'any');
    }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
      const out = f.bytes.slice();
      for (const [p, v] of edits) out[p % Math.min(n, 600)] = v;
      return mutant('resigned-edits', `${edits.length} bytes in the headers, CRC re-signed`, resign(out), 'any');
    }),
  ];
  return ops;
}

function elfOps(f: Fixture, e: ElfLayout): Op[] {
  const header = fc.constantFrom(['e_entry', 24, 4], ['e_phoff', 28, 4], ['e_phentsize', 42, 2], ['e_phnum', 44, 2], ['e_type', 16, 2]);
  const ops: Op[] = [
    fc.tuple(header, fc.nat()).map(([[name, at, size], v]) => {
      const out = f.bytes.slice();
      const view = new DataView(out.buffer);
      if (size === 4) view.setUint32(at as number, v >>> 0, true);
      else view.setUint16(at as number, v & 0xffff, true);
      return mutant('damage-elf-header', `${name} = ${size === 4 ? v >>> 0 : v & 0xffff}`, out, 'any');
    }),
    fc.tuple(fc.nat(), fc.constantFrom(['p_type', 0], ['p_offset', 4], ['p_paddr', 12], ['p_filesz', 16], ['p_memsz', 20]), fc.nat(), fc.boolean()).map(([i, [name, off], v, near]) => {
      const at = e.phoff + (i % e.phnum) * e.phentsize + (off as number);
      const value = near ? (u32(f.bytes, at) + (v % 17) - 8) >>> 0 : v >>> 0;
      return mutant('damage-elf-phdr', `program header ${i % e.phnum} ${name} = ${value}`, setU32(f.bytes, at, value), 'any');
    }),
  ];
  if (e.loads.length > 0) {
    ops.push(
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 }), fc.boolean()).map(([i, k, grow]) => {
        const load = e.loads[i % e.loads.length]!;
        // p_filesz > p_memsz, by growing the file size or shrinking the memory size
        const out = grow ? setU32(f.bytes, load.at + 16, load.memsz + k) : setU32(f.bytes, load.at + 20, Math.max(0, load.filesz - k));
        const wraps = grow && load.memsz + k > 0xffffffff;
        return mutant('filesz-over-memsz', `${grow ? 'p_filesz' : 'p_memsz'} of the PT_LOAD at ${load.at}`, out, wraps ? 'any' : 'refuse');
      }),
    );
  }
  return ops;
}

/** Every operator that applies to the fixture; those that know its structure twice as likely as the blind ones. */
export function mutantArb(f: Fixture): fc.Arbitrary<Mutant> {
  const specific: Op[] = [];
  const s = f.shape;
  if ((s.kind === 'ihex' || s.kind === 'srec') && s.records.length > 0) specific.push(...textOps(f, s.kind, s.records));
  if (f.signed && f.bytes.length >= 16) specific.push(...suffixOps(f));
  if (s.kind === 'dfuse' && s.dfuse.targets.length > 0) specific.push(...dfuseOps(f, s.dfuse));
  if (s.kind === 'elf') specific.push(...elfOps(f, s.elf));
  return fc.oneof(...genericOps(f).map((arbitrary) => ({ arbitrary, weight: 1 })), ...specific.map((arbitrary) => ({ arbitrary, weight: 2 })));
}
