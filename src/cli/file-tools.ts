/**
 * File tools, no device involved: describe a firmware file (`info`), add,
 * check and remove a DFU suffix (`suffix`, as dfu-suffix does), and convert
 * between formats (`convert`). The transformations are pure functions over
 * bytes and images; the use cases read the input, and write the output
 * through writeFileAtomic (a temporary file, then a rename), so a failure
 * never leaves a half-written file.
 */
import { DfuFlashError, hex16, hex32 } from '../shared/errors.js';
import type { DfuseTarget, DfuSuffixInfo, FirmwareImage, ImageSegment } from '../formats/image.js';
import { imageSize } from '../formats/image.js';
import { placeImage } from '../formats/raw.js';
import {
  addDfuSuffix,
  buildDfuseFile,
  FORMAT_NAMES,
  inspectDfuseFile,
  parseDfuSuffix,
  parseFirmware,
  removeDfuSuffix,
  toIntelHex,
  toSrec,
  type DfuSuffixFields,
  type DfuseTargetInput,
  type FirmwareFormat,
  type FormatChoice,
  type ImageSizeConvention,
} from '../formats/index.js';
import { checkOutputFile, readInputFile, writeFileAtomic } from './files.js';

/** Input format: 'auto' detects it from the content. */
export type FileFormatChoice = FormatChoice;
export type ConvertTarget = 'bin' | 'hex' | 'srec' | 'dfu';

/** A flattened binary larger than this is refused: the gaps would be mostly fill bytes. */
export const MAX_FLAT_BYTES = 64 * 1024 * 1024;

// ---------------------------------------------------------------- info

export interface SegmentInfo {
  address: number;
  length: number;
}

export interface SuffixReport extends DfuSuffixInfo {
  /** dwCRC matches the file (a suffix with a wrong CRC is a FORMAT error instead). */
  crcOk: true;
}

export interface DfuseTargetReport {
  alternateSetting: number;
  name: string;
  /** bTargetNamed as stored (0 = the name field is unused). */
  targetNamed: number;
  /** dwTargetSize as stored. */
  targetSize: number;
  /** The elements in file order, as stored (empty ones kept). */
  elements: SegmentInfo[];
}

export interface FileInfo {
  file: string;
  fileBytes: number;
  format: FirmwareFormat;
  /** 'Intel HEX', 'DfuSe'... */
  formatName: string;
  /** False for a raw binary: its address comes from the command line or the device. */
  addressed: boolean;
  segments: SegmentInfo[];
  totalBytes: number;
  startAddress?: number | undefined;
  /** S-record S0 header text. */
  header?: string | undefined;
  suffix?: SuffixReport | undefined;
  dfuse?: { imageSize: number; imageSizeConvention: ImageSizeConvention; targets: DfuseTargetReport[] } | undefined;
}

export interface FileRequest {
  /** Path of the file. */
  file: string;
  /** How to name the file in messages (defaults to `file`). */
  name?: string | undefined;
}

export interface InfoRequest extends FileRequest {
  format?: FileFormatChoice | undefined;
}

const segmentInfo = (s: ImageSegment): SegmentInfo => ({ address: s.address, length: s.data.length });

/** Everything a file says about itself, from its bytes (pure). */
export function describeFirmware(bytes: Uint8Array, options: { name: string; format?: FileFormatChoice | undefined }): Omit<FileInfo, 'file'> {
  const image = parseFirmware(bytes, { fileName: options.name, format: options.format ?? 'auto' });
  const format = image.format as FirmwareFormat;
  const info: Omit<FileInfo, 'file'> = {
    fileBytes: bytes.length,
    format,
    formatName: FORMAT_NAMES[format] ?? format,
    addressed: image.addressed,
    segments: image.segments.map(segmentInfo),
    totalBytes: imageSize(image),
  };
  if (image.startAddress !== undefined) info.startAddress = image.startAddress;
  if (image.header !== undefined) info.header = image.header;
  if (image.suffix !== undefined) info.suffix = { ...image.suffix, crcOk: true };
  if (format === 'dfuse') {
    const d = inspectDfuseFile(bytes, { fileName: options.name });
    info.dfuse = {
      imageSize: d.imageSize,
      imageSizeConvention: d.imageSizeConvention,
      targets: d.targets.map((t) => ({
        alternateSetting: t.alternateSetting,
        name: t.name,
        targetNamed: t.targetNamed,
        targetSize: t.targetSize,
        elements: t.elements.map(segmentInfo),
      })),
    };
  }
  return info;
}

/** `dfu-flash info`: read and describe a firmware file. */
export async function inspectFile(req: InfoRequest): Promise<FileInfo> {
  const bytes = await readInputFile(req.file);
  return { file: req.file, ...describeFirmware(bytes, { name: req.name ?? req.file, format: req.format }) };
}

// ---------------------------------------------------------------- suffix

export interface SuffixCheckResult {
  file: string;
  fileBytes: number;
  payloadBytes: number;
  suffix: SuffixReport;
}

export interface SuffixEditRequest extends FileRequest {
  /** Write here instead of modifying `file` in place. */
  output?: string | undefined;
  /** With `output`: replace an existing file. */
  force?: boolean | undefined;
}

export interface SuffixAddRequest extends SuffixEditRequest {
  fields: DfuSuffixFields;
}

export interface SuffixEditResult {
  file: string;
  /** The file written: `output`, or `file` itself. */
  output: string;
  inBytes: number;
  outBytes: number;
  /** The suffix added, or the one removed. */
  suffix: SuffixReport;
}

/** The suffix of a file; a FORMAT error when it has none or a damaged one (exit 65, as dfu-suffix -c). */
export function checkSuffixBytes(bytes: Uint8Array, name: string): Omit<SuffixCheckResult, 'file'> {
  const split = parseDfuSuffix(bytes, { fileName: name });
  if (split === undefined) {
    const short = bytes.length < 16;
    throw new DfuFlashError(
      'FORMAT',
      short ? `${name}: ${bytes.length} bytes is too short for a DFU suffix (16 bytes)` : `${name}: no DFU suffix (the 'UFD' signature is missing from the last 16 bytes)`,
      { hint: 'add one with: dfu-flash suffix add -v VID -p PID ' + name, details: { format: 'dfu-suffix', fileName: name } },
    );
  }
  return { fileBytes: bytes.length, payloadBytes: split.payload.length, suffix: { ...split.suffix, crcOk: true } };
}

export async function checkSuffixFile(req: FileRequest): Promise<SuffixCheckResult> {
  const bytes = await readInputFile(req.file);
  return { file: req.file, ...checkSuffixBytes(bytes, req.name ?? req.file) };
}

async function editFile(req: SuffixEditRequest, edit: (bytes: Uint8Array) => { data: Uint8Array; suffix: SuffixReport }): Promise<SuffixEditResult> {
  const bytes = await readInputFile(req.file);
  const output = req.output ?? req.file;
  const inPlace = req.output === undefined;
  if (!inPlace) await checkOutputFile(output, req.force ?? false);
  const { data, suffix } = edit(bytes);
  await writeFileAtomic(output, data, inPlace || (req.force ?? false));
  return { file: req.file, output, inBytes: bytes.length, outBytes: data.length, suffix };
}

/** `suffix add`: append a 16-byte suffix; a file that already has one is refused (as dfu-suffix -a does). */
export function addSuffixToFile(req: SuffixAddRequest): Promise<SuffixEditResult> {
  return editFile(req, (bytes) => {
    const name = req.name ?? req.file;
    const existing = parseDfuSuffix(bytes, { fileName: name });
    if (existing !== undefined) {
      throw new DfuFlashError('FORMAT', `${name} already has a DFU suffix (${suffixIds(existing.suffix)}, dwCRC ${hex32(existing.suffix.crc)})`, {
        hint: `remove it first (dfu-flash suffix remove ${name}), then add the new one; dfu-suffix refuses this too`,
        details: { format: 'dfu-suffix', fileName: name },
      });
    }
    const data = addDfuSuffix(bytes, req.fields, { fileName: name });
    const split = parseDfuSuffix(data);
    if (split === undefined) throw new DfuFlashError('INTERNAL', 'the suffix just added does not parse');
    return { data, suffix: { ...split.suffix, crcOk: true } };
  });
}

/** `suffix remove`: the payload without its suffix; a file without one is a FORMAT error. */
export function removeSuffixFromFile(req: SuffixEditRequest): Promise<SuffixEditResult> {
  return editFile(req, (bytes) => {
    const { suffix } = checkSuffixBytes(bytes, req.name ?? req.file);
    return { data: removeDfuSuffix(bytes, { fileName: req.name ?? req.file }), suffix };
  });
}

// ---------------------------------------------------------------- convert

export interface ConvertOptions {
  to: ConvertTarget;
  /** Where a raw binary input starts. */
  address?: number | undefined;
  /** DfuSe input: keep only this target. Other input: the alt setting of the .dfu target (default 0). */
  alt?: number | undefined;
  /** Bytes between segments of a flattened binary (default 0xff). */
  gapFill?: number | undefined;
  /** .dfu suffix fields; default: the input's suffix, else 0483:df11, bcdDevice 0x0000. */
  idVendor?: number | undefined;
  idProduct?: number | undefined;
  bcdDevice?: number | undefined;
  /** .dfu target name for a non-DfuSe input; default: the S-record header, else 'ST...' (as dfuse-pack). */
  targetName?: string | undefined;
  /** .dfu DFUImageSize convention; default: the input's (DfuSe), else 'st'. */
  imageSizeConvention?: ImageSizeConvention | undefined;
}

export interface ConvertOutput {
  data: Uint8Array;
  /** Data bytes carried over (without fill, headers, records). */
  dataBytes: number;
  segments: SegmentInfo[];
  /** .dfu output: the targets written. */
  targets?: { alternateSetting: number; name: string; elements: number; bytes: number }[] | undefined;
}

function usage(message: string, hint: string): DfuFlashError {
  return new DfuFlashError('USAGE', message, { hint });
}

/** The image to write and, for a DfuSe input, its selected targets. */
function selectSource(image: FirmwareImage, o: ConvertOptions, name: string): { image: FirmwareImage; targets?: DfuseTarget[] } {
  if (image.targets !== undefined) {
    if (o.address !== undefined) {
      throw usage(`${name} is a DfuSe file: its addresses come from the file, so --address ${hex32(o.address)} does not apply`, 'drop --address');
    }
    const targets = o.alt === undefined ? image.targets : image.targets.filter((t) => t.alternateSetting === o.alt);
    const alts = image.targets.map((t) => t.alternateSetting).join(', ');
    if (targets.length === 0) throw usage(`${name} has no target for alt ${o.alt} (its targets are for alt ${alts})`, `choose one of them with --alt, or drop --alt`);
    if (o.to !== 'dfu' && targets.length > 1) {
      throw usage(`${name} has ${targets.length} targets (alt ${alts}); a ${o.to} file holds one memory image`, `choose the target with --alt, e.g. --alt ${image.targets[0]!.alternateSetting}`);
    }
    const segments = targets.length === 1 ? targets[0]!.segments : image.segments;
    if (segments.length === 0) {
      throw new DfuFlashError('FORMAT', `${name} contains no data to convert for alt ${o.alt} (its elements for that target are empty)`, {
        hint: `choose a target with data with --alt (its targets are for alt ${alts}), or drop --alt`,
        details: { format: 'dfuse', fileName: name },
      });
    }
    return { image: { ...image, segments }, targets };
  }
  if (!image.addressed) {
    if (o.address !== undefined) {
      if (o.address + imageSize(image) > 0x1_0000_0000) {
        throw usage(`${imageSize(image)} bytes at ${hex32(o.address)} run past the end of the 32-bit address space`, 'give a lower --address');
      }
      return { image: placeImage(image, o.address) };
    }
    if (o.to !== 'bin') {
      throw usage(`${name} is a raw binary: it has no addresses, and a ${o.to === 'dfu' ? '.dfu' : o.to} file needs them`, 'give the address of its first byte with --address, e.g. --address 0x08000000');
    }
    return { image };
  }
  if (o.address !== undefined) {
    throw usage(`${name} (${FORMAT_NAMES[image.format as FirmwareFormat] ?? image.format}) carries its own addresses, so --address does not apply`, 'drop --address');
  }
  return { image };
}

/** Every segment in one buffer from the lowest address, gaps filled. */
export function flattenSegments(segments: readonly ImageSegment[], fill: number): Uint8Array {
  if (segments.length === 0) return new Uint8Array(0);
  if (segments.length === 1) return segments[0]!.data;
  const lo = segments[0]!.address;
  const last = segments[segments.length - 1]!;
  const span = last.address + last.data.length - lo;
  if (span > MAX_FLAT_BYTES) {
    throw usage(
      `a binary from ${hex32(lo)} to ${hex32(last.address + last.data.length - 1)} would be ${span} bytes, mostly fill between segments`,
      'convert to hex or srec (they keep the gaps), or select one memory with --alt',
    );
  }
  const out = new Uint8Array(span).fill(fill);
  for (const s of segments) out.set(s.data, s.address - lo);
  return out;
}

function suffixDefaults(o: ConvertOptions, suffix: DfuSuffixInfo | undefined): { idVendor?: number; idProduct?: number; bcdDevice?: number } {
  const pick = (given: number | undefined, fromFile: number | undefined): number | undefined => given ?? fromFile;
  const ids: { idVendor?: number; idProduct?: number; bcdDevice?: number } = {};
  const v = pick(o.idVendor, suffix?.idVendor);
  const p = pick(o.idProduct, suffix?.idProduct);
  const d = pick(o.bcdDevice, suffix?.bcdDevice);
  if (v !== undefined) ids.idVendor = v;
  if (p !== undefined) ids.idProduct = p;
  if (d !== undefined) ids.bcdDevice = d;
  return ids;
}

/**
 * Convert a parsed image (pure). `convention` is the DfuSe input's own
 * image-size convention, kept for a .dfu output unless the options say otherwise.
 */
export function convertImage(image: FirmwareImage, o: ConvertOptions, name: string, convention?: ImageSizeConvention): ConvertOutput {
  if (o.gapFill !== undefined && o.to !== 'bin') throw usage(`--gap-fill applies to --to bin only (this is --to ${o.to})`, 'drop --gap-fill');
  const { image: src, targets } = selectSource(image, o, name);
  const segments = src.segments.map(segmentInfo);
  const dataBytes = imageSize(src);
  switch (o.to) {
    case 'bin':
      return { data: flattenSegments(src.segments, o.gapFill ?? 0xff), dataBytes, segments };
    case 'hex':
      return { data: new TextEncoder().encode(toIntelHex(src)), dataBytes, segments };
    case 'srec':
      return { data: new TextEncoder().encode(toSrec(src)), dataBytes, segments };
    case 'dfu': {
      const inputs: DfuseTargetInput[] =
        targets !== undefined
          ? targets.map((t) => ({ alternateSetting: t.alternateSetting, name: t.name, segments: t.segments, elements: t.elements }))
          : [{ alternateSetting: o.alt ?? 0, name: o.targetName ?? (src.header !== undefined && src.header !== '' ? src.header : undefined), segments: src.segments }];
      const data = buildDfuseFile(inputs, { ...suffixDefaults(o, image.suffix), imageSizeConvention: o.imageSizeConvention ?? convention ?? 'st' });
      const report = inputs.map((t) => {
        const elements = t.elements ?? t.segments;
        return { alternateSetting: t.alternateSetting, name: t.name ?? 'ST...', elements: elements.length, bytes: elements.reduce((n, e) => n + e.data.length, 0) };
      });
      return { data, dataBytes, segments, targets: report };
    }
  }
}

export interface ConvertRequest extends ConvertOptions {
  input: string;
  output: string;
  /** Input format (default 'auto'). */
  format?: FileFormatChoice | undefined;
  /** Replace an existing output file. */
  force: boolean;
  /** How to name the input in messages. */
  name?: string | undefined;
}

export interface ConvertResult {
  input: string;
  output: string;
  from: FirmwareFormat;
  to: ConvertTarget;
  inBytes: number;
  outBytes: number;
  dataBytes: number;
  segments: SegmentInfo[];
  targets?: ConvertOutput['targets'];
}

/** `dfu-flash convert`: read, parse, convert, write atomically (refusing to replace a file without `force`). */
export async function convertFile(req: ConvertRequest): Promise<ConvertResult> {
  const name = req.name ?? req.input;
  const bytes = await readInputFile(req.input);
  await checkOutputFile(req.output, req.force);
  const image = parseFirmware(bytes, { fileName: name, format: req.format ?? 'auto' });
  const convention = image.format === 'dfuse' ? inspectDfuseFile(bytes, { fileName: name }).imageSizeConvention : undefined;
  const out = convertImage(image, req, name, convention);
  await writeFileAtomic(req.output, out.data, req.force);
  const result: ConvertResult = {
    input: req.input,
    output: req.output,
    from: image.format as FirmwareFormat,
    to: req.to,
    inBytes: bytes.length,
    outBytes: out.data.length,
    dataBytes: out.dataBytes,
    segments: out.segments,
  };
  if (out.targets !== undefined) result.targets = out.targets;
  return result;
}

/** 'ffff:ffff' style, for summaries. */
export function suffixIds(s: { idVendor: number; idProduct: number }): string {
  return `${hex16(s.idVendor)}:${hex16(s.idProduct)}`;
}
