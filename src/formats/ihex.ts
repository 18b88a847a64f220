/**
 * Intel HEX (Intel's "Hexadecimal Object File Format Specification", rev. A):
 *
 *   :LLAAAATT<data>CC   LL data bytes, AAAA 16-bit offset, TT record type, CC checksum
 *
 * Types: 00 data, 01 end of file, 02 extended segment address (base = value × 16),
 * 03 start segment address (CS:IP), 04 extended linear address (base = value << 16),
 * 05 start linear address. The checksum makes all bytes of a record sum to 0 (mod 256).
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { FirmwareImage } from './image.js';
import { formatError, hex8, type ParseOptions } from './format-error.js';
import { buildSegments, type Piece } from './segments.js';
import { recordBytes, textLines, type TextLine } from './text-records.js';

const FORMAT = 'ihex';
const LABEL = 'Intel HEX';
const DAMAGED = 'the file is damaged or was edited by hand; re-export it from the build (objcopy -O ihex)';

const RECORD_NAMES: Record<number, string> = {
  0x00: 'data',
  0x01: 'end-of-file',
  0x02: 'extended segment address',
  0x03: 'start segment address',
  0x04: 'extended linear address',
  0x05: 'start linear address',
};

/** Payload length each non-data record type must have. */
const FIXED_LENGTH: Record<number, number> = { 0x01: 0, 0x02: 2, 0x03: 4, 0x04: 2, 0x05: 4 };

export function parseIntelHex(bytes: Uint8Array, options: ParseOptions = {}): FirmwareImage {
  const fail = (line: TextLine | undefined, what: string, hint = DAMAGED) =>
    formatError(FORMAT, options, { where: line === undefined ? undefined : `line ${line.number}`, what, hint, details: line === undefined ? {} : { line: line.number } });

  const lines = textLines(bytes, FORMAT, LABEL, options);
  const pieces: Piece[] = [];
  let segmentBase: number | undefined; // set by type 02: offsets wrap inside the 64 KiB segment
  let linearBase = 0; // set by type 04
  let startAddress: number | undefined;
  let eof: TextLine | undefined;

  for (const line of lines) {
    if (eof !== undefined) {
      throw fail(line, `a record follows the end-of-file record of line ${eof.number}`, 'the file holds more than one image or was damaged; keep everything up to the first :00000001FF');
    }
    if (line.text[0] !== ':') {
      throw fail(line, `expected ':' at the start of a record, found ${JSON.stringify(line.text[0])}`);
    }
    const rec = recordBytes(line, 1, FORMAT, options);
    if (rec.length < 5) {
      throw fail(line, `record is ${rec.length} bytes long, expected at least 5 (byte count, address, type, checksum)`);
    }
    const count = rec[0]!;
    if (rec.length !== count + 5) {
      throw fail(line, `byte count says ${count} data bytes, but the record holds ${rec.length - 5}`);
    }
    let sum = 0;
    for (let i = 0; i < rec.length - 1; i++) sum += rec[i]!;
    const expected = -sum & 0xff;
    const found = rec[rec.length - 1]!;
    if (found !== expected) {
      throw fail(line, `checksum is 0x${hex8(found)}, expected 0x${hex8(expected)}`);
    }
    const offset = (rec[1]! << 8) | rec[2]!;
    const type = rec[3]!;
    const data = rec.subarray(4, 4 + count);
    const name = RECORD_NAMES[type];
    if (name === undefined) {
      throw fail(line, `unknown record type 0x${hex8(type)}, expected 00-05`, 'the file may use a vendor extension this tool does not know, or be damaged');
    }
    const fixed = FIXED_LENGTH[type];
    if (fixed !== undefined && count !== fixed) {
      throw fail(line, `${name} record (type ${hex8(type)}) must carry ${fixed} data bytes, this one has ${count}`);
    }
    switch (type) {
      case 0x00:
        addData(pieces, line, data, offset, segmentBase, linearBase);
        break;
      case 0x01:
        eof = line;
        break;
      case 0x02:
        segmentBase = ((data[0]! << 8) | data[1]!) * 16;
        break;
      case 0x03:
        startAddress = ((data[0]! << 8) | data[1]!) * 16 + ((data[2]! << 8) | data[3]!);
        break;
      case 0x04:
        segmentBase = undefined;
        linearBase = ((data[0]! << 24) | (data[1]! << 16)) >>> 0;
        break;
      case 0x05:
        startAddress = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
        break;
    }
  }
  if (eof === undefined) {
    const last = lines[lines.length - 1];
    throw formatError(FORMAT, options, {
      where: last === undefined ? undefined : `after line ${last.number}`,
      what: last === undefined ? 'the file holds no records, expected at least the end-of-file record :00000001FF' : 'missing end-of-file record (:00000001FF)',
      hint: 'the file is truncated (an interrupted copy or download?); re-export it from the build',
    });
  }
  return { format: FORMAT, segments: buildSegments(pieces, FORMAT, options), addressed: true, startAddress };
}

function addData(pieces: Piece[], line: TextLine, data: Uint8Array, offset: number, segmentBase: number | undefined, linearBase: number): void {
  const origin = `line ${line.number}`;
  if (segmentBase === undefined) {
    // Linear addressing: (base + offset + i) runs on past 64 KiB boundaries.
    pieces.push({ address: linearBase + offset, data, origin });
    return;
  }
  // Segment addressing: the offset wraps to 0 inside the 64 KiB segment.
  const first = Math.min(data.length, 0x10000 - offset);
  pieces.push({ address: segmentBase + offset, data: data.subarray(0, first), origin });
  if (first < data.length) pieces.push({ address: segmentBase, data: data.subarray(first), origin });
}

export interface IntelHexWriteOptions {
  /** Data bytes per record (1-255); 16 by default, as objcopy writes. */
  recordLength?: number | undefined;
  lineEnding?: '\n' | '\r\n' | undefined;
}

function record(type: number, offset: number, data: ArrayLike<number>): string {
  let sum = data.length + (offset >>> 8) + (offset & 0xff) + type;
  let out = ':' + hex8(data.length) + hex8(offset >>> 8) + hex8(offset & 0xff) + hex8(type);
  for (let i = 0; i < data.length; i++) {
    sum += data[i]!;
    out += hex8(data[i]!);
  }
  return out + hex8(-sum & 0xff);
}

/**
 * Intel HEX text for an image: 16-byte data records that never cross a
 * 64 KiB boundary, an extended linear address record (04) whenever the upper
 * 16 address bits change, a start linear address record (05) when the image
 * has a start address, and the end-of-file record.
 */
export function toIntelHex(image: FirmwareImage, options: IntelHexWriteOptions = {}): string {
  const perRecord = options.recordLength ?? 16;
  if (!Number.isInteger(perRecord) || perRecord < 1 || perRecord > 255) {
    throw new DfuFlashError('USAGE', `Intel HEX record length must be 1-255 bytes, got ${perRecord}`);
  }
  const lines: string[] = [];
  let upper = 0;
  for (const seg of image.segments) {
    if (seg.address + seg.data.length > 0x1_0000_0000) {
      throw new DfuFlashError('INTERNAL', `segment at ${hex32(seg.address)} (${seg.data.length} bytes) runs past 0xffffffff`);
    }
    let pos = 0;
    while (pos < seg.data.length) {
      const address = seg.address + pos;
      const high = Math.floor(address / 0x10000);
      if (high !== upper) {
        lines.push(record(0x04, 0, [high >>> 8, high & 0xff]));
        upper = high;
      }
      const low = address % 0x10000;
      const n = Math.min(perRecord, seg.data.length - pos, 0x10000 - low);
      lines.push(record(0x00, low, seg.data.subarray(pos, pos + n)));
      pos += n;
    }
  }
  if (image.startAddress !== undefined) {
    const s = image.startAddress >>> 0;
    lines.push(record(0x05, 0, [s >>> 24, (s >>> 16) & 0xff, (s >>> 8) & 0xff, s & 0xff]));
  }
  lines.push(record(0x01, 0, []));
  const eol = options.lineEnding ?? '\n';
  return lines.join(eol) + eol;
}
