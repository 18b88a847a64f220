/**
 * Results of several boards (`download --all`, `run`): the exit status (0 only
 * when every board succeeded, else the status of the first failure in port
 * order), the error lines per board, and the closing tally.
 */
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import { withGuidance } from './hints.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';
import { boardPrefix } from './reporters/boards.js';
import { oneLine } from './reporters/format.js';
import type { Style } from './reporters/types.js';
import type { CliResult } from './results.js';

/** The error as the use cases report it per board or step. */
export interface ReportedError {
  code: string;
  message: string;
  hint?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** One board of `download --all`. */
export interface BoardResult {
  /** Port path: the one thing that names a board across re-enumeration. */
  portPath: string;
  serial?: string | undefined;
  ok: boolean;
  result?: CliResult | undefined;
  error?: { code: string; message: string; hint?: string | undefined; details: Record<string, unknown> } | undefined;
  elapsedMs: number;
}

export interface BoardOutcome {
  portPath: string;
  ok: boolean;
  /** The error that failed the board (its failing step's, for a plan). */
  error?: ReportedError | undefined;
}

/** Port paths in the order people read them: 1-2 before 1-10. */
export function comparePorts(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A reported error as a DfuFlashError, with the platform's guidance (udev rule, WinUSB...). */
export function toDfuFlashError(e: ReportedError, platform: NodeJS.Platform): DfuFlashError {
  const error = new DfuFlashError(e.code as ErrorCode, e.message, { hint: e.hint, details: e.details ?? {} });
  return withGuidance(error, platform);
}

/** 0 when every board succeeded, else the exit status of the first failed board in port order. */
export function boardsExitStatus(boards: readonly BoardOutcome[], platform: NodeJS.Platform): number {
  const failed = [...boards].sort((a, b) => comparePorts(a.portPath, b.portPath)).find((b) => !b.ok);
  if (failed === undefined) return EXIT_OK;
  return exitCodeFor(toDfuFlashError(failed.error ?? { code: 'INTERNAL', message: `board ${failed.portPath} failed` }, platform));
}

/** "[1-2] dfu-flash: error: ..." and "[1-2]   hint: ..." (each ends with a newline). */
export function boardErrorText(portPath: string, error: DfuFlashError, style: Style, what = ''): string {
  const prefix = boardPrefix(portPath);
  let text = `${prefix}dfu-flash: ${style.error('error:')} ${what}${oneLine(error.message)}\n`;
  if (error.hint !== undefined && error.hint !== '') text += `${prefix}  ${style.hint('hint:')} ${oneLine(error.hint)}\n`;
  return text;
}

/** "4 boards: 3 ok, 1 failed (1-2)" / "4 boards: 4 ok". */
export function tallyLine(boards: readonly BoardOutcome[]): string {
  const failed = boards.filter((b) => !b.ok).map((b) => b.portPath).sort(comparePorts);
  const n = boards.length;
  const head = `${n} board${n === 1 ? '' : 's'}: ${n - failed.length} ok`;
  return failed.length === 0 ? head : `${head}, ${failed.length} failed (${failed.join(', ')})`;
}

/** The JSON form of an error reported per board or step. */
export function errorJsonOf(e: ReportedError): Record<string, unknown> {
  return { code: e.code, message: e.message, hint: e.hint ?? null };
}
