/** A reporter turns the use case's FlashEvent stream and its result into output. */
import type { Emit } from '../../dfu/events.js';
import type { CliResult as OperationResult } from '../results.js';
import type { ResultKind } from './format.js';

export interface Reporter {
  /** The event sink handed to the use case. */
  readonly emit: Emit;
  /** The operation succeeded: final JSON line and/or the summary. `kind` names what a download-shaped result did (erase, leave...). */
  result(result: OperationResult, kind?: ResultKind): void;
  /** Stop progress output, e.g. before an error is printed. Safe to call twice. */
  close(): void;
}

/** Where human-readable lines go: straight to stderr, or above the progress bars while they are drawn. */
export type LineSink = (line: string) => void;

/** Colours for human output; identity functions when colour is off. */
export interface Style {
  error(s: string): string;
  warning(s: string): string;
  hint(s: string): string;
  label(s: string): string;
  done(s: string): string;
  dim(s: string): string;
}
