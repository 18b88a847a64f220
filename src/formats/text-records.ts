/**
 * Shared by the two text formats (Intel HEX, Motorola S-record): split the
 * file into numbered lines and decode the hex digits of one record.
 */
import { formatError, hex8, type ParseOptions } from './format-error.js';
import { latin1 } from './latin1.js';

export interface TextLine {
  /** 1-based line number in the file. */
  number: number;
  /** The line without its line ending and surrounding spaces/tabs; never empty. */
  text: string;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SUB = 0x1a; // DOS end-of-file marker, sometimes left at the end of old files

/** True for the blanks a line may carry around its record: space and tab. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === TAB;
}

/**
 * Non-blank lines of a text file. Lines end in `\n`, `\r\n` or a lone `\r`
 * (old Mac tools), in any mixture; a UTF-8 byte order mark and trailing ^Z
 * bytes are accepted too. Any other control or non-ASCII byte is a FORMAT
 * error naming its line and column. The work is linear in the file size.
 */
export function textLines(bytes: Uint8Array, format: string, label: string, options: ParseOptions): TextLine[] {
  let start = 0;
  let end = bytes.length;
  if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  while (end > start && bytes[end - 1] === SUB) end--;
  const lines: TextLine[] = [];
  let lineStart = start;
  let number = 1;
  for (let i = start; i <= end; i++) {
    const b = i < end ? bytes[i]! : LF;
    if (b === LF || b === CR) {
      let a = lineStart;
      let z = i;
      while (a < z && isBlank(bytes[a]!)) a++;
      while (z > a && isBlank(bytes[z - 1]!)) z--;
      if (z > a) lines.push({ number, text: latin1(bytes.subarray(a, z)) });
      number++;
      if (b === CR && i + 1 < end && bytes[i + 1] === LF) i++; // CRLF is one line ending
      lineStart = i + 1;
    } else if ((b < 0x20 && b !== TAB) || b > 0x7e) {
      throw formatError(format, options, {
        where: `line ${number}, column ${i - lineStart + 1}`,
        what: `byte 0x${hex8(b)} is not ${label} text`,
        hint: `this is not ${withArticle(label)} file (it contains binary data); choose the right format, or check that the file was not damaged`,
        details: { reason: 'wrong-format', line: number, offset: i },
      });
    }
  }
  return lines;
}

/** 'an Intel HEX', 'an S-record': the indefinite article as the label is spoken. */
export function withArticle(label: string): string {
  return (/^[aeiou]/i.test(label) || /^S-/.test(label) ? 'an ' : 'a ') + label;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The bytes spelled by `text` from character `from` on (two hex digits each).
 * A non-hex character or an odd digit count is a FORMAT error naming the line.
 */
export function recordBytes(line: TextLine, from: number, format: string, options: ParseOptions): Uint8Array {
  const { text } = line;
  const count = text.length - from;
  for (let i = from; i < text.length; i++) {
    if (hexDigit(text.charCodeAt(i)) < 0) {
      throw formatError(format, options, {
        where: `line ${line.number}, column ${i + 1}`,
        what: `${JSON.stringify(text[i])} is not a hex digit (after its start code, a record holds only hex digits)`,
        hint: 'the file is damaged or was edited by hand; re-export it from the build',
        details: { line: line.number },
      });
    }
  }
  if (count % 2 !== 0) {
    throw formatError(format, options, {
      where: `line ${line.number}`,
      what: `odd number of hex digits (${count}); each byte takes two digits`,
      hint: 'the line was cut short or a digit is missing; re-export the file from the build',
      details: { line: line.number },
    });
  }
  const out = new Uint8Array(count / 2);
  for (let k = 0; k < out.length; k++) {
    out[k] = (hexDigit(text.charCodeAt(from + 2 * k)) << 4) | hexDigit(text.charCodeAt(from + 2 * k + 1));
  }
  return out;
}
