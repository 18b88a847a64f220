/**
 * Which format a file is in, decided by its content (the extension is only a
 * hint), and the one entry point that turns file bytes into a FirmwareImage.
 */
import { imageSize, type FirmwareImage } from './image.js';
import { parseDfuSuffix } from './dfu-suffix.js';
import { hasDfusePrefix, parseDfuseFile } from './dfuse-file.js';
import { parseElf } from './elf.js';
import { formatError, wholeFileError, type ParseOptions } from './format-error.js';
import { parseIntelHex } from './ihex.js';
import { rawImage } from './raw.js';
import { parseSrec } from './srec.js';

export type FirmwareFormat = 'dfuse' | 'ihex' | 'srec' | 'elf' | 'bin';
export type FormatChoice = FirmwareFormat | 'auto';

export const FORMAT_NAMES: Record<FirmwareFormat, string> = {
  dfuse: 'DfuSe',
  ihex: 'Intel HEX',
  srec: 'Motorola S-record',
  elf: 'ELF',
  bin: 'raw binary',
};

const EXTENSIONS: Record<string, FirmwareFormat> = {
  hex: 'ihex',
  ihex: 'ihex',
  ihx: 'ihex',
  srec: 'srec',
  s19: 'srec',
  s28: 'srec',
  s37: 'srec',
  mot: 'srec',
  elf: 'elf',
  axf: 'elf',
  out: 'elf',
  bin: 'bin',
  dfu: 'bin',
};

/** Lower-case extension without the dot ('' when there is none). */
export function extensionOf(fileName: string | undefined): string {
  if (fileName === undefined) return '';
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

const SNIFF_BYTES = 4096;

/**
 * 'ihex' or 'srec' when the start of the file (4 KiB) is plain text whose
 * first non-blank line begins like a record (':' or 'S' and a digit). The
 * parser then checks every line; a damaged file gets a line-precise error
 * instead of being taken for raw bytes. Real binaries never start with 4 KiB
 * of printable text.
 */
function sniffText(bytes: Uint8Array): 'ihex' | 'srec' | undefined {
  let start = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const end = Math.min(bytes.length, start + SNIFF_BYTES);
  let first = -1;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1a) || b > 0x7e) return undefined;
    if (first < 0 && b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) first = i;
  }
  if (first < 0) return undefined;
  if (bytes[first] === 0x3a) return 'ihex'; // ':'
  const next = bytes[first + 1];
  if (bytes[first] === 0x53 && next !== undefined && next >= 0x30 && next <= 0x39) return 'srec'; // 'S' + digit
  return undefined;
}

/**
 * Decide the format by content: the 'DfuSe' prefix, the ELF magic, text of
 * ':' records (Intel HEX) or S-records. Content that is none of these is
 * 'bin', unless the extension names a structured format (then that format's
 * parser explains what is wrong with the file).
 */
export function detectFormat(bytes: Uint8Array, fileName?: string): FirmwareFormat {
  if (hasDfusePrefix(bytes)) return 'dfuse';
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'elf';
  const text = sniffText(bytes);
  if (text !== undefined) return text;
  return EXTENSIONS[extensionOf(fileName)] ?? 'bin';
}

export interface ParseFirmwareOptions extends ParseOptions {
  format?: FormatChoice | undefined;
}

const NO_DATA_HINT = 'check that the build produced the firmware';

/** Why a parsed image holds nothing to flash, in the words of its format. */
function emptyImageReason(image: FirmwareImage): string {
  switch (image.format) {
    case 'bin':
      return 'the file is only a DFU suffix';
    case 'dfuse': {
      const targets = image.targets ?? [];
      const elements = targets.reduce((n, t) => n + (t.elements?.length ?? 0), 0);
      if (elements === 0) return targets.length === 1 ? 'its target has no elements' : `none of its ${targets.length} targets has an element`;
      return elements === 1 ? 'its one element is empty' : `all ${elements} of its elements are empty`;
    }
    case 'ihex':
    case 'srec':
      return 'no record carries data bytes';
    default:
      return 'no data';
  }
}

/**
 * Parse a firmware file of any supported format. A DFU suffix on a raw,
 * HEX, S-record or ELF file is checked, kept as `suffix` and stripped from the
 * payload. With format 'auto', a text file of HEX or S-records named '.bin'
 * is refused (it would otherwise be flashed as ASCII), and a '.dfu' file with
 * neither a DfuSe prefix nor a DFU suffix is refused too. An empty file, and
 * a file that parses into an image without a single byte to flash, are
 * refused whatever their format: every caller gets the same answer.
 */
export function parseFirmware(bytes: Uint8Array, options: ParseFirmwareOptions = {}): FirmwareImage {
  const choice = options.format ?? 'auto';
  const parseOptions: ParseOptions = { fileName: options.fileName };
  if (bytes.length === 0) {
    throw wholeFileError(choice === 'auto' ? detectFormat(bytes, options.fileName) : choice, parseOptions, { what: 'is empty', hint: NO_DATA_HINT, details: { reason: 'empty-file' } });
  }
  const image = parseAny(bytes, choice, parseOptions);
  if (imageSize(image) === 0) {
    const name = FORMAT_NAMES[image.format as FirmwareFormat] ?? image.format;
    throw wholeFileError(image.format, parseOptions, { what: `contains no data to flash (format ${name}: ${emptyImageReason(image)})`, hint: NO_DATA_HINT, details: { reason: 'empty-image' } });
  }
  return image;
}

function parseAny(bytes: Uint8Array, choice: FormatChoice, parseOptions: ParseOptions): FirmwareImage {
  if (choice === 'dfuse' || (choice === 'auto' && hasDfusePrefix(bytes))) return parseDfuseFile(bytes, parseOptions);

  // Any other file may carry a DFU suffix: check it, keep it, and look at the payload only.
  const split = parseDfuSuffix(bytes, parseOptions);
  const payload = split?.payload ?? bytes;
  const suffix = split?.suffix;
  const ext = extensionOf(parseOptions.fileName);
  let format: FirmwareFormat;
  if (choice === 'auto') {
    format = detectFormat(payload, parseOptions.fileName);
    if ((format === 'ihex' || format === 'srec') && ext === 'bin') {
      throw formatError(format, parseOptions, {
        what: `the file is named .bin but holds ${FORMAT_NAMES[format]} text`,
        hint: `rename it to .${format === 'ihex' ? 'hex' : 'srec'} to flash what it describes, or read it as raw binary to flash its ASCII bytes as they are`,
        details: { reason: 'text-named-bin', detected: format },
      });
    }
    if (format === 'bin' && ext === 'dfu' && split === undefined) {
      throw formatError('bin', parseOptions, {
        what: "the file is named .dfu but has neither a DfuSe prefix nor a DFU suffix ('UFD' signature)",
        hint: 'this is not a DFU file (it may be encrypted or meant for another tool); read it as raw binary to flash its bytes as they are',
        details: { reason: 'dfu-named-not-dfu' },
      });
    }
  } else {
    format = choice;
  }
  let image: FirmwareImage;
  if (format === 'bin') image = rawImage(payload);
  else if (format === 'ihex') image = parseIntelHex(payload, parseOptions);
  else if (format === 'srec') image = parseSrec(payload, parseOptions);
  else if (format === 'elf') image = parseElf(payload, parseOptions);
  else image = parseDfuseFile(payload, parseOptions); // a payload that itself starts with 'DfuSe' (unreachable in practice)
  return suffix === undefined ? image : { ...image, suffix };
}
