/** Colour decisions and the chalk-backed Style (chalk is loaded only when colour is on). */
import type { CliIo } from '../io.js';
import type { Style } from './types.js';

const id = (s: string): string => s;

export const PLAIN_STYLE: Style = { error: id, warning: id, hint: id, label: id, done: id, dim: id };

/** Colour on stderr: a TTY, NO_COLOR unset or empty, and not TERM=dumb. */
export function colorEnabled(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  return io.stderrIsTTY && (noColor === undefined || noColor === '') && io.env['TERM'] !== 'dumb';
}

export async function loadStyle(enabled: boolean): Promise<Style> {
  if (!enabled) return PLAIN_STYLE;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  return {
    error: (s) => c.red.bold(s),
    warning: (s) => c.yellow.bold(s),
    hint: (s) => c.cyan(s),
    label: (s) => c.cyan(s),
    done: (s) => c.green(s),
    dim: (s) => c.dim(s),
  };
}
