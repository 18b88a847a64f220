/**
 * --json: NDJSON on stdout, one line per station event; every line about a
 * board carries "board" (its port path) and "number"; a board's progress
 * events are the download's events with those two fields added. The last line:
 *
 *   {"type":"result","ok":true,"operation":"station","boards":3,"succeeded":3,"failed":0,
 *    "returnedToBootloader":0,"elapsedMs":61234,"boardsPerHour":176.4,"reason":"count","aborted":false}
 *
 * ("exitCode" too when a board failed).
 */
import { eventJson, toJsonLine } from '../reporters/json.js';
import type { CliWriter } from '../io.js';
import type { StationReporter } from './report-types.js';
import { BOOTLOADER_WARNING, returnedWords, skippedWords, type StationCliEvent } from './words.js';

function boardFields(b: { portPath: string; number: number }): { board: string; number: number } {
  return { board: b.portPath, number: b.number };
}

export function stationEventJson(e: StationCliEvent): Record<string, unknown> {
  switch (e.type) {
    case 'board-event':
      return { ...(eventJson(e.event) as Record<string, unknown>), ...boardFields(e.board) };
    case 'board-arrived':
      return { type: e.type, ...boardFields(e.board), serial: e.board.serial ?? null, vendorId: e.board.vendorId, productId: e.board.productId, deviceAddress: e.board.deviceAddress };
    case 'board-started':
      return { type: e.type, ...boardFields(e.board) };
    case 'board-finished': {
      const head = { type: e.type, ...boardFields(e.board), serial: e.board.serial ?? null, ok: e.ok, elapsedMs: e.elapsedMs };
      if (!e.ok) return { ...head, error: { code: e.error.code, message: e.error.message, hint: e.error.hint ?? null } };
      const d = e.result.detail;
      return {
        ...head,
        bytes: e.result.bytes,
        phases: e.result.phases,
        ...(d?.kind === 'download' ? { outcome: d.result.outcome ?? null, end: d.result.end ?? null, verified: d.result.verified ?? null } : {}),
        files: d?.files ?? [],
      };
    }
    case 'board-left':
      return { type: e.type, ...boardFields(e.board), why: e.why };
    case 'board-returned': {
      const w = returnedWords(e);
      return {
        type: e.type,
        ...boardFields(e.board),
        as: e.as,
        device: { vendorId: e.device.vendorId, productId: e.device.productId, serial: e.device.serial ?? null, mode: e.device.mode },
        ...(e.as === 'bootloader' ? { warning: BOOTLOADER_WARNING, message: w.message, hint: w.hint } : { message: w.message }),
      };
    }
    case 'board-skipped': {
      const w = skippedWords(e.device, e.flashedAs);
      return { type: e.type, board: e.device.portPath, serial: e.device.serial ?? null, reason: e.reason, flashedAs: e.flashedAs, message: w.message, hint: w.hint };
    }
    default:
      return { ...e };
  }
}

export class JsonStationReporter implements StationReporter {
  constructor(private readonly out: CliWriter) {}

  handle(e: StationCliEvent): void {
    this.out.write(toJsonLine(stationEventJson(e)) + '\n');
  }

  finish(s: Parameters<StationReporter['finish']>[0], _failed: Parameters<StationReporter['finish']>[1], exitCode: number): void {
    const ok = s.failed === 0;
    this.out.write(
      toJsonLine({
        type: 'result',
        ok,
        operation: 'station',
        boards: s.boards,
        succeeded: s.ok,
        failed: s.failed,
        returnedToBootloader: s.returnedToBootloader,
        elapsedMs: s.elapsedMs,
        boardsPerHour: Math.round(s.boardsPerHour * 10) / 10,
        reason: s.reason,
        aborted: s.aborted,
        ...(ok ? {} : { exitCode }),
      }) + '\n',
    );
  }

  close(): void {}
}
