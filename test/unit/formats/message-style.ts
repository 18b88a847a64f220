/**
 * The message style of src/formats, as a check any test can run on an error:
 * messages and hints start with a lower-case letter (or a digit, a quote, or
 * a name such as ELF, DfuSe, DFUImageSize, S5), end without a full stop, use
 * "an" before Intel HEX / ELF / S-record and never repeat a prefix.
 */
import assert from 'node:assert/strict';
import type { DfuFlashError } from '../../../src/shared/errors.js';

/** Words that keep their capitals at the start of a message, a hint or one of its "where: " parts. */
const NAMES = /^(ELF|DfuSe|DFU|DFUImageSize|Intel HEX|Motorola|S-record|S[0-9]|PT_LOAD|EI_[A-Z]+|ET_REL|PN_XNUM)\b/;
const WRONG_ARTICLE = /\ba (Intel HEX|ELF|S-record|S[0-9]\b)|\ban (DfuSe|DFU|raw|Motorola)\b/;

function startsWell(text: string): boolean {
  return /^[a-z0-9"'(]/.test(text) || NAMES.test(text);
}

/** Assert the style rules on one FORMAT error; `fileName` is the name the parser was given. */
export function assertMessageStyle(e: DfuFlashError, fileName?: string): void {
  const { message } = e;
  const hint = e.hint ?? '';
  assert.ok(hint !== '', `no hint on: ${message}`);
  let rest = message;
  if (fileName !== undefined && fileName !== '') {
    assert.ok(message.startsWith(fileName + ': ') || message.startsWith(fileName + ' '), `the message starts with the file name: ${message}`);
    rest = message.slice(fileName.length + 1).trimStart();
    assert.ok(!rest.includes(fileName + ':'), `the file name is not repeated: ${message}`);
  }
  const parts = rest.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').split(': '); // quoted file contents may hold anything
  for (const part of parts) assert.ok(startsWell(part), `${JSON.stringify(part)} starts with a capital letter, in: ${message}`);
  for (let i = 1; i < parts.length; i++) assert.notEqual(parts[i], parts[i - 1], `repeated prefix in: ${message}`);
  assert.ok(startsWell(hint), `the hint starts with a capital letter: ${hint}`);
  for (const text of [message, hint]) {
    assert.ok(!/[^.]\.$/.test(text), `ends with a full stop: ${text}`);
    assert.doesNotMatch(text, WRONG_ARTICLE, `wrong article in: ${text}`);
    assert.ok(text.trim() === text && text.length > 0, `blank around: ${JSON.stringify(text)}`);
  }
}
