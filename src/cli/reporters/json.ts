/**
 * Machine output on stdout: one JSON object per line (NDJSON), one line per
 * FlashEvent, then a final `{"type":"result","ok":...}` line. Binary payloads
 * (the plan's write data) are replaced by their length.
 */
import type { FlashEvent } from '../../dfu/events.js';
import type { DfuFlashError } from '../../shared/errors.js';
import type { CliResult as OperationResult } from '../results.js';

/** Numbers people read in hex: memory addresses (0x%08x) and USB ids and versions (0x%04x). */
const ADDRESS_KEYS = new Set(['address', 'start', 'end', 'at', 'leaveAddress', 'jumpAddress']);
const ID_KEYS = new Set(['vendorId', 'productId', 'idVendor', 'idProduct', 'bcdDevice', 'bcdUSB', 'bcdDFU', 'bcdDFUVersion', 'suffixVendorId', 'suffixProductId']);

/** The hex spelling beside an address or id: `"address": 134217728, "addressHex": "0x08000000"`. */
function hexOf(key: string, v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return undefined;
  if (ADDRESS_KEYS.has(key)) return '0x' + v.toString(16).padStart(8, '0');
  if (ID_KEYS.has(key)) return '0x' + v.toString(16).padStart(4, '0');
  return undefined;
}

/**
 * JSON.stringify that survives bigint, byte arrays, Maps, Sets, Errors and
 * cycles (shared objects are fine), and gives every address and USB id a
 * `…Hex` string beside its number.
 */
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
    for (const [k, x] of Object.entries(v)) {
      out[k] = jsonSafe(x, ancestors);
      const hex = hexOf(k, x);
      if (hex !== undefined && !(`${k}Hex` in v)) out[`${k}Hex`] = hex;
    }
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
