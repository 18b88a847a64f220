/**
 * One line of the station's --log per finished board:
 *
 *   {"time":"2025-01-31T10:04:05.123Z","board":3,"port":"1-2","serial":"3276365B3138","device":"0483:df11",
 *    "files":[{"file":"/srv/fw.bin","sha256":"9f…"}],"bytes":102400,"phasesMs":{"erase":1210,"download":5120,"verify":800,"leave":6},
 *    "ms":7180,"result":"ok","end":"left-bus","verified":true,"error":null}
 *
 * A failed board has "result":"failed", "error":"<code>" and "message"; its
 * bytes are those downloaded before it failed, its phases those that ended.
 */
import type { StationCliEvent } from './words.js';
import { ids } from './words.js';
import type { FlashedFile } from './jobs.js';
import type { PhaseBook } from './board-phases.js';

type Finished = Extract<StationCliEvent, { type: 'board-finished' }>;

/** `files`: what the board was to be flashed with, for a failure that does not say (a plan step's error does). */
export function logRecord(e: Finished, seen: PhaseBook, time: Date, files: readonly FlashedFile[] = []): Record<string, unknown> {
  const b = e.board;
  const base = { time: time.toISOString(), board: b.number, port: b.portPath, serial: b.serial ?? null, device: ids(b) };
  if (e.ok) {
    const d = e.result.detail;
    const end = d?.kind === 'download' ? d.result.end : undefined;
    return {
      ...base,
      files: d?.files ?? [],
      bytes: e.result.bytes,
      phasesMs: seen.phasesMs,
      ms: e.elapsedMs,
      result: 'ok',
      ...(end !== undefined ? { end } : {}),
      ...(d?.kind === 'download' && d.result.verified !== undefined ? { verified: d.result.verified } : {}),
      error: null,
    };
  }
  const tried = (e.error.details['files'] as FlashedFile[] | undefined) ?? files;
  return { ...base, files: tried, bytes: seen.downloadedBytes, phasesMs: seen.phasesMs, ms: e.elapsedMs, result: 'failed', error: e.error.code, message: e.error.message };
}
