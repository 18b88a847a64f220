/**
 * Machine output on stdout: one JSON object per line (NDJSON), one line per
 * FlashEvent, then a final `{"type":"result","ok":...}` line. Binary payloads
 * (the plan's write data) are replaced by their length.
 */
import type { FlashEvent } from '../../dfu/events.js';
import type { DfuFlashError } from '../../shared/errors.js';
import type { CliResult as OperationResult } from '../results.js';

/** JSON.stringify that survives bigint, byte arrays, Maps, Sets, Errors and cycles (shared objects are fine). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(jsonSafe(value, new Set()));
}

function jsonSafe(v: unknown, ancestors: Set<object>): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return { bytes: v.byteLength };
  if (ancestors.has(v)) return '[circular]';
  ancestors.add(v);
  try {
    if (v instanceof Map) return jsonSafe(Object.fromEntries(v), ancestors);
    if (v instanceof Set) return [...v].map((x) => jsonSafe(x, ancestors));
    if (v instanceof Error) return { name: v.name, message: v.message };
    if (Array.isArray(v)) return v.map((x) => jsonSafe(x, ancestors) ?? null);
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return jsonSafe(toJSON.call(v), ancestors);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonSafe(x, ancestors);
    return out;
  } finally {
    ancestors.delete(v);
  }
}

/** The JSON form of one event (plan writes carry `length` instead of their bytes). */
export function eventJson(e: FlashEvent): unknown {
  if (e.type !== 'plan-ready') return e;
  const { writes, ...plan } = e.plan;
  return {
    type: e.type,
    plan: { ...plan, writes: writes.map((w) => ({ address: w.address, length: w.data.length, blocks: w.blocks })) },
  };
}

/** The final line of a successful operation; `kind` replaces `operation: 'command'` with mass-erase, unprotect, leave or reset. */
export function resultJson(result: OperationResult, kind?: string): unknown {
  return { type: 'result', ok: true, ...result, ...(kind === undefined ? {} : { operation: kind }) };
}

export function errorJson(error: DfuFlashError, exitCode: number): unknown {
  return {
    type: 'result',
    ok: false,
    error: { code: error.code, message: error.message, hint: error.hint ?? null, details: error.details },
    exitCode,
  };
}
