/**
 * Parse errors for every firmware format: one DfuFlashError('FORMAT') whose
 * message reads `<file>: <where>: <what was found, what was expected>`.
 */
import { DfuFlashError } from '../shared/errors.js';

/** What every parser accepts besides the bytes. */
export interface ParseOptions {
  /** Used only to make messages point at the file ("app.hex: line 12: ..."). */
  fileName?: string | undefined;
}

export interface FormatErrorInput {
  /** 'line 12', 'target 0 element 1 at offset 293', 'program header 2'... */
  where?: string | undefined;
  /** The facts: what was found and what was expected. */
  what: string;
  hint?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export function formatError(format: string, options: ParseOptions, input: FormatErrorInput): DfuFlashError {
  const parts: string[] = [];
  if (options.fileName !== undefined && options.fileName !== '') parts.push(options.fileName);
  if (input.where !== undefined) parts.push(input.where);
  parts.push(input.what);
  return new DfuFlashError('FORMAT', parts.join(': '), {
    hint: input.hint,
    details: { format, ...(options.fileName === undefined ? {} : { fileName: options.fileName }), ...input.details },
  });
}

/**
 * A FORMAT error about the file as a whole, with the file as its subject:
 * "fw.bin is empty" ("the file is empty" when no name is given).
 */
export function wholeFileError(format: string, options: ParseOptions, input: { what: string; hint: string; details?: Record<string, unknown> | undefined }): DfuFlashError {
  const subject = options.fileName !== undefined && options.fileName !== '' ? options.fileName : 'the file';
  return new DfuFlashError('FORMAT', `${subject} ${input.what}`, {
    hint: input.hint,
    details: { format, ...(options.fileName === undefined ? {} : { fileName: options.fileName }), ...input.details },
  });
}

const HEX8 = Array.from({ length: 256 }, (_, n) => n.toString(16).toUpperCase().padStart(2, '0'));

/** Two hex digits, upper case: 0x3f → '3F' (the writers call this once per byte). */
export function hex8(n: number): string {
  return HEX8[n] ?? n.toString(16).toUpperCase().padStart(2, '0');
}
