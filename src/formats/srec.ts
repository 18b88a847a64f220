/**
 * Motorola S-records:
 *
 *   S<t><count><address><data><checksum>
 *
 * count = bytes of address + data + checksum; checksum = ones' complement of
 * the low byte of the sum of count, address and data bytes.
 * S0 header (2-byte address 0000), S1/S2/S3 data with 2/3/4-byte addresses,
 * S5/S6 count of the data records so far (2/3-byte), S7/S8/S9 start address
 * (4/3/2-byte) that also ends the file. S4 is reserved.
 */
import { DfuFlashError, hex32 } from '../shared/errors.js';
import type { FirmwareImage } from './image.js';
import { formatError, hex8, type ParseOptions } from './format-error.js';
import { buildSegments, type Piece } from './segments.js';
import { latin1 } from './latin1.js';
import { recordBytes, textLines, type TextLine } from './text-records.js';

const FORMAT = 'srec';
const LABEL = 'S-record';
const DAMAGED = 'the file is damaged or was edited by hand; re-export it from the build (objcopy -O srec)';

type Kind = 'header' | 'data' | 'count' | 'start';
/** Address width and role of each record type; S4 is reserved. */
const TYPES: Record<string, { addressLength: number; kind: Kind } | undefined> = {
  '0': { addressLength: 2, kind: 'header' },
  '1': { addressLength: 2, kind: 'data' },
  '2': { addressLength: 3, kind: 'data' },
  '3': { addressLength: 4, kind: 'data' },
  '5': { addressLength: 2, kind: 'count' },
  '6': { addressLength: 3, kind: 'count' },
  '7': { addressLength: 4, kind: 'start' },
  '8': { addressLength: 3, kind: 'start' },
  '9': { addressLength: 2, kind: 'start' },
};

export function parseSrec(bytes: Uint8Array, options: ParseOptions = {}): FirmwareImage {
  const fail = (line: TextLine | undefined, what: string, hint = DAMAGED) =>
    formatError(FORMAT, options, { where: line === undefined ? undefined : `line ${line.number}`, what, hint, details: line === undefined ? {} : { line: line.number } });

  const lines = textLines(bytes, FORMAT, LABEL, options);
  const pieces: Piece[] = [];
  let dataRecords = 0;
  let header: string | undefined;
  let startAddress: number | undefined;
  let end: TextLine | undefined;

  for (const line of lines) {
    if (end !== undefined) {
      throw fail(line, `a record follows the S${end.text[1]!} termination record of line ${end.number}`, 'the file holds more than one image or was damaged; keep everything up to the first S7/S8/S9 record');
    }
    if (line.text[0] !== 'S' || line.text.length < 2) {
      throw fail(line, `expected a record starting with 'S' and a type digit, found ${JSON.stringify(line.text.slice(0, 2))}`);
    }
    const typeChar = line.text[1]!;
    const type = TYPES[typeChar];
    if (type === undefined) {
      throw fail(
        line,
        typeChar === '4' ? 'record type S4 is reserved, expected S0-S3 or S5-S9' : `unknown record type ${JSON.stringify('S' + typeChar)}, expected S0-S3 or S5-S9`,
      );
    }
    const rec = recordBytes(line, 2, FORMAT, options);
    if (rec.length === 0) throw fail(line, 'record has no byte count');
    const count = rec[0]!;
    if (rec.length !== count + 1) {
      throw fail(line, `byte count says ${count} bytes follow, but the record holds ${rec.length - 1}`);
    }
    if (count < type.addressLength + 1) {
      throw fail(line, `byte count ${count} is too small for an S${typeChar} record, expected at least ${type.addressLength + 1} (${type.addressLength}-byte address and checksum)`);
    }
    let sum = 0;
    for (let i = 0; i < rec.length - 1; i++) sum += rec[i]!;
    const expected = ~sum & 0xff;
    const found = rec[rec.length - 1]!;
    if (found !== expected) throw fail(line, `checksum is 0x${hex8(found)}, expected 0x${hex8(expected)}`);
    let address = 0;
    for (let i = 1; i <= type.addressLength; i++) address = address * 256 + rec[i]!;
    const data = rec.subarray(1 + type.addressLength, rec.length - 1);

    switch (type.kind) {
      case 'header':
        header ??= latin1(withoutTrailingNuls(data));
        break;
      case 'data':
        dataRecords++;
        pieces.push({ address, data, origin: `line ${line.number}` });
        break;
      case 'count':
        if (address !== dataRecords) {
          throw fail(line, `S${typeChar} record counts ${address} data records, but ${dataRecords} precede it`, 'records were lost or duplicated; re-export the file from the build');
        }
        break;
      case 'start':
        startAddress = address;
        end = line;
        break;
    }
  }
  if (end === undefined) {
    const last = lines[lines.length - 1];
    throw formatError(FORMAT, options, {
      where: last === undefined ? undefined : `after line ${last.number}`,
      what: last === undefined ? 'the file holds no records, expected at least a termination record (S7, S8 or S9)' : 'missing termination record (S7, S8 or S9)',
      hint: 'the file is truncated (an interrupted copy or download?); re-export it from the build',
    });
  }
  return { format: FORMAT, segments: buildSegments(pieces, FORMAT, options), addressed: true, startAddress, header };
}

function withoutTrailingNuls(data: Uint8Array): Uint8Array {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return data.subarray(0, end);
}

export interface SrecWriteOptions {
  /** S0 header text; defaults to the image's own header, else empty. */
  header?: string | undefined;
  /** Data bytes per S3 record (1-250); 16 by default, as objcopy writes. */
  recordLength?: number | undefined;
  lineEnding?: '\n' | '\r\n' | undefined;
}

function record(type: number, address: number, addressLength: number, data: ArrayLike<number>): string {
  const count = addressLength + data.length + 1;
  let sum = count;
  let out = 'S' + type + hex8(count);
  for (let i = addressLength - 1; i >= 0; i--) {
    const b = Math.floor(address / 256 ** i) & 0xff;
    sum += b;
    out += hex8(b);
  }
  for (let i = 0; i < data.length; i++) {
    sum += data[i]!;
    out += hex8(data[i]!);
  }
  return out + hex8(~sum & 0xff);
}

/** S-record text: an S0 header, S3 data records (32-bit addresses), and an S7 with the start address (0 when the image has none). */
export function toSrec(image: FirmwareImage, options: SrecWriteOptions = {}): string {
  const perRecord = options.recordLength ?? 16;
  if (!Number.isInteger(perRecord) || perRecord < 1 || perRecord > 250) {
    throw new DfuFlashError('USAGE', `S-record length must be 1-250 data bytes, got ${perRecord}`);
  }
  const headerText = options.header ?? image.header ?? '';
  const headerBytes = Array.from(headerText, (c) => c.charCodeAt(0));
  if (headerBytes.length > 252 || headerBytes.some((b) => b > 0xff)) {
    throw new DfuFlashError('USAGE', `S-record header must be at most 252 Latin-1 characters, got ${JSON.stringify(headerText)}`);
  }
  const lines = [record(0, 0, 2, headerBytes)];
  for (const seg of image.segments) {
    if (seg.address + seg.data.length > 0x1_0000_0000) {
      throw new DfuFlashError('INTERNAL', `segment at ${hex32(seg.address)} (${seg.data.length} bytes) runs past 0xffffffff`);
    }
    for (let pos = 0; pos < seg.data.length; pos += perRecord) {
      lines.push(record(3, seg.address + pos, 4, seg.data.subarray(pos, pos + perRecord)));
    }
  }
  lines.push(record(7, (image.startAddress ?? 0) >>> 0, 4, []));
  const eol = options.lineEnding ?? '\n';
  return lines.join(eol) + eol;
}
