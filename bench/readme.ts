/**
 * `--write-readme`: the bench replaces the marked section of bench/README.md
 * with what it printed. The text between the markers is the bench's; the rest
 * of the file is people's.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export const BEGIN_MARKER = '<!-- bench:results:begin (written by `npm run bench -- --write-readme`; do not edit by hand) -->';
export const END_MARKER = '<!-- bench:results:end -->';

/** `text` with everything between the markers replaced by `section` (pure). Throws when the markers are missing. */
export function replaceMarkedSection(text: string, section: string): string {
  const begin = text.indexOf(BEGIN_MARKER);
  const end = text.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin) {
    throw new Error(`bench/README.md needs the markers ${BEGIN_MARKER} and ${END_MARKER}, in that order`);
  }
  const body = section.endsWith('\n') ? section : section + '\n';
  return text.slice(0, begin + BEGIN_MARKER.length) + '\n' + body + text.slice(end);
}

/** Rewrite the marked section of the file at `path` (through a temporary file, then rename). */
export function writeReadmeSection(path: string, section: string): void {
  const next = replaceMarkedSection(readFileSync(path, 'utf8'), section);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, next);
  renameSync(tmp, path);
}
