/**
 * One style for every message and hint of the library (everything below
 * src/cli), as a check any test can run on an error or on a piece of text.
 * The rule is what most of the library already wrote (src/dfu, src/formats,
 * src/ops, src/api; src/transport was the exception and now follows it):
 *
 * - a message or a hint starts with a lower-case letter, a digit, a quote, a
 *   bracket, a modifier (':leave') or (in the CLI) a flag, or with a name that keeps its capitals
 *   (ELF, DfuSe, USB, STM32, Windows…); so does each of its "where: what"
 *   parts ("fw.hex: line 3: checksum is 0x12, expected 0x34");
 * - it does not end with a full stop, and sentences are joined with ";" or
 *   ":", not ". " (so no capital after a full stop inside it either);
 * - "an" before Intel HEX / ELF / S-record, "a" before DfuSe / DFU / raw;
 * - no prefix repeated ("ERASE at 0x08009000: ERASE at 0x08009000: …");
 * - a hint names no CLI flag (-s, --format) and no dfu-flash command: the
 *   library says what to change, the CLI (src/cli/hints.ts, keyed by the
 *   error's details.reason) which flag changes it. Another tool's command
 *   line (objcopy -O ihex, readelf -l, udevadm) is not a CLI word of ours.
 * Text a device, a file or a browser wrote is quoted and not checked.
 */
import assert from 'node:assert/strict';
import type { DfuFlashError } from '../../src/shared/errors.js';

/** Single-capital words that are names; any word with two capitals or a digit (USB, DfuSe, STM32, S5, PT_LOAD) is one too. */
const PROPER_NOUNS = new Set(['Intel', 'Motorola', 'Windows', 'Linux', 'Zadig', 'Chrome', 'Chromium', 'Edge', 'Firefox', 'Safari', 'Node', 'Electron', 'S-record']);
const WRONG_ARTICLE = /\ba (Intel HEX|ELF|S-record|S[0-9]\b)|\ban (DfuSe|DFU|raw|Motorola)\b/;

/** Quoted text (device strings, file contents) may hold anything. */
function unquoted(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/`[^`]*`/g, '`…`');
}

function isName(word: string): boolean {
  return PROPER_NOUNS.has(word) || (word.match(/[A-Z]/g) ?? []).length >= 2 || /^[A-Z][A-Za-z]*[0-9_]/.test(word);
}

/** Whether a text (or one of its parts) starts as the style wants. */
export function startsWell(text: string): boolean {
  if (/^[a-z0-9"'(`[{\u2026.<~/@*:-]/.test(text)) return true;
  const word = /^[A-Za-z][A-Za-z0-9_-]*/.exec(text)?.[0];
  return word !== undefined && (isName(word) || isName(word.replace(/-.*$/, '')));
}

/** What breaks the style in one message or hint ('' when nothing). */
export function styleProblems(text: string, what = 'text'): string[] {
  const problems: string[] = [];
  if (text.length === 0 || text.trim() !== text) return [`${what} is empty or has blanks around it: ${JSON.stringify(text)}`];
  const plain = unquoted(text);
  const parts = plain.split(': ');
  for (const part of parts) if (part !== '' && !startsWell(part)) problems.push(`${what} part ${JSON.stringify(part.slice(0, 30))} starts with a capital letter: ${text}`);
  for (let i = 1; i < parts.length; i++) if (parts[i] === parts[i - 1]) problems.push(`${what} repeats a prefix: ${text}`);
  if (/[^.]\.$/.test(plain)) problems.push(`${what} ends with a full stop: ${text}`);
  for (const m of plain.matchAll(/(?<!\b(?:e\.g|i\.e|etc|vs|cf))\.\s+([A-Z][A-Za-z0-9_-]*)/g)) {
    if (!isName(m[1]!) && !isName(m[1]!.replace(/-.*$/, ''))) problems.push(`${what} has a sentence break (". ${m[1]}"): ${text}`);
  }
  if (WRONG_ARTICLE.test(plain)) problems.push(`${what} has a wrong article: ${text}`);
  return problems;
}

/** The CLI words in a library hint: flags (-s, -a, --format), dfu-flash commands. */
export function cliWords(text: string): string[] {
  // another tool's command line: its flags are not ours
  text = text.replace(/\b(?:objcopy|readelf|udevadm)\b[^\n;,)&]*/g, '');
  const found = [
    ...text.matchAll(/(?:^|[\s(`'"])(-[a-zA-Z])\b/g),
    ...text.matchAll(/(?:^|[\s(`'"])(--[a-z][a-z-]*)/g),
    ...text.matchAll(/\b(dfu-flash (?:list|download|upload|detach|erase|unprotect|leave|reset|run|info|suffix|convert|udev-rules|doctor|completion))\b/g),
    ...text.matchAll(/\b(dfu-util -[a-zA-Z])\b/g),
  ].map((m) => m[1]!);
  return [...new Set(found)];
}

export interface StyleOptions {
  /** The message starts with this file name (the parsers' messages do). */
  fileName?: string | undefined;
  /** A hint is required (the parsers give one with every error). */
  hintRequired?: boolean;
  /** The hint is the library's own: it names no CLI flag or command (default true). */
  libraryHint?: boolean;
}

/** Assert the style on one error's message and hint. */
export function assertErrorStyle(e: DfuFlashError, o: StyleOptions = {}): void {
  const { message } = e;
  const hint = e.hint ?? '';
  if (o.hintRequired === true) assert.ok(hint !== '', `no hint on: ${message}`);
  let rest = message;
  if (o.fileName !== undefined && o.fileName !== '') {
    assert.ok(message.startsWith(o.fileName + ': ') || message.startsWith(o.fileName + ' '), `the message starts with the file name: ${message}`);
    rest = message.slice(o.fileName.length + 1).trimStart();
    assert.ok(!rest.includes(o.fileName + ':'), `the file name is not repeated: ${message}`);
  }
  const problems = [...styleProblems(rest, 'message'), ...(hint === '' ? [] : styleProblems(hint, 'hint'))];
  if (o.libraryHint !== false && hint !== '') {
    const words = cliWords(hint);
    if (words.length > 0) problems.push(`the hint names CLI words (${words.join(', ')}): ${hint}`);
  }
  assert.deepEqual(problems, [], `${e.code}: ${message}`);
}

/** The parsers' rule: every FORMAT error has a hint, in the style; the message starts with the file name when there is one. */
export function assertMessageStyle(e: DfuFlashError, fileName?: string): void {
  assertErrorStyle(e, { fileName, hintRequired: true });
}
