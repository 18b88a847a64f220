/** What the station's output says, shared by its line, table and JSON reporters and by the log. */
import { hex16 } from '../../shared/errors.js';
import type { DeviceSeen, StationBoard, StationEvent, StationStopReason, StationSummary } from '../../station/index.js';
import { serialIsNotUnique } from '../../dfu/device-mode.js';
import { formatSeconds, oneLine, summaryLine } from '../reporters/format.js';
import type { StationDetail } from './jobs.js';

export type StationCliEvent = StationEvent<StationDetail>;

/** "[1-2 #3] " */
export function boardTag(board: Pick<StationBoard, 'portPath' | 'number'>): string {
  return `[${board.portPath} #${board.number}] `;
}

export function ids(d: { vendorId: number; productId: number }): string {
  return `${hex16(d.vendorId)}:${hex16(d.productId)}`;
}

export function deviceWords(d: { vendorId: number; productId: number; serial?: string | undefined }): string {
  return `${ids(d)}${d.serial === undefined ? '' : ` serial ${d.serial}`}`;
}

/** The one-line result of a board that succeeded. */
export function okWords(detail: StationDetail | undefined, cwd: string): string {
  if (detail === undefined) return 'done';
  if (detail.kind === 'download') return summaryLine(detail.result, cwd);
  const steps = detail.steps.length;
  const last = detail.steps.at(-1)?.result;
  return `${steps} step${steps === 1 ? '' : 's'} done${last?.outcome !== undefined && last.outcome !== '' ? `; ${oneLine(last.outcome)}` : ''}`;
}

/** A short result for the table's column: 'ok, verified; left DFU mode'. */
export function shortOk(detail: StationDetail | undefined): string {
  if (detail === undefined) return 'ok';
  if (detail.kind === 'plan') return `ok, ${detail.steps.length} steps`;
  const r = detail.result;
  const parts = ['ok'];
  if (r.verified === true) parts.push('verified');
  if (r.end !== undefined && r.end !== 'idle') parts.push(r.end === 'left-bus' || r.end === 'leave-acknowledged' ? 'left DFU mode' : r.end);
  return parts.join(', ');
}

export const BOOTLOADER_WARNING = 'came back to the bootloader';

export function returnedWords(e: Extract<StationCliEvent, { type: 'board-returned' }>): { message: string; hint?: string } {
  if (e.as === 'bootloader') {
    return {
      message: `${BOOTLOADER_WARNING} (${deviceWords(e.device)}) instead of starting the application: not flashed again`,
      hint: 'BOOT0 may still be high (or the option bytes or the firmware send it back): fix that and replug the board; the station flashes a replugged board again only with --again',
    };
  }
  return { message: `came back as its application (${deviceWords(e.device)}): left alone` };
}

export function skippedWords(device: DeviceSeen, flashedAs: number): { message: string; hint: string } {
  const shared = serialIsNotUnique(device.serial) ? ` (serial ${device.serial ?? 'none'} is the same on every board of this kind)` : '';
  return {
    message: `${deviceWords(device)} on ${device.portPath}: flashed already as board #${flashedAs} (same port and serial): not flashed again`,
    hint: `if this is another board${shared}, or it needs flashing again, run the station with --again`,
  };
}

const STOP_WORDS: Record<StationStopReason, string> = {
  count: 'the count of boards is reached',
  timeout: 'the timeout has passed',
  stopped: 'interrupted',
};

export function stoppingWords(e: Extract<StationCliEvent, { type: 'station-stopping' }>, interactive: boolean): string {
  const inFlight = e.inFlight === 0 ? '' : `; ${e.inFlight} board${e.inFlight === 1 ? '' : 's'} in flight finish${e.inFlight === 1 ? 'es' : ''}${interactive && e.reason === 'stopped' ? ' (Ctrl-C again aborts them)' : ''}`;
  return `station: stopping: ${STOP_WORDS[e.reason]}, no new boards${inFlight}`;
}

/** "5 boards in 2m10s: 4 ok, 1 failed (#3 1-2); 1 came back to the bootloader; 138 boards/hour" */
export function totalsLine(s: StationSummary, failed: readonly Pick<StationBoard, 'number' | 'portPath'>[]): string {
  const head = `station: ${s.boards} board${s.boards === 1 ? '' : 's'} in ${formatDuration(s.elapsedMs)}: ${s.ok} ok, ${s.failed} failed`;
  const which = failed.length === 0 ? '' : ` (${failed.map((b) => `#${b.number} ${b.portPath}`).join(', ')})`;
  const back = s.returnedToBootloader === 0 ? '' : `; ${s.returnedToBootloader} came back to the bootloader`;
  return `${head}${which}${back}; ${formatRatePerHour(s.boardsPerHour)}`;
}

export function formatRatePerHour(perHour: number): string {
  return `${perHour >= 10 ? Math.round(perHour) : perHour.toFixed(1)} boards/hour`;
}

/** 950 → '0.95 s', 130000 → '2m10s', 4000000 → '1h06m40s'. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return formatSeconds(ms);
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(s % 60).padStart(2, '0')}s`;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${rest}` : `${m}m${rest}`;
}
