/** Helpers for the quirk tests: the integration rig, file-backed requests, and transcript checks. */
import assert from 'node:assert/strict';
import { download, upload, type OperationResult } from '../support/file-ops.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import { isDfuFlashError, type DfuFlashError } from '../../src/shared/errors.js';
import type { DownloadRequest, UploadRequest } from '../../src/cli/requests.js';
import type { UsbBackend } from '../../src/transport/types.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { Quirks } from '../../src/dfu/quirks.js';
import type { SimTranscriptEntry } from '../../src/sim/types.js';
import type { SimFlashSnapshot } from '../../src/sim/index.js';
import { dfuRequests, rig, tempDir, writeTemp } from '../integration/helpers.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

export { dfuRequests, dfuseCommandLog, pattern, recording, rig, tempDir, writeTemp } from '../integration/helpers.js';

export type Rig = ReturnType<typeof rig>;

/** Download `image` (a raw file) with a DfuSe `-s` string (or none) through the use case. */
export function flash(
  r: Rig,
  image: Uint8Array,
  dfuse: string | undefined,
  extra: Partial<DownloadRequest> = {},
  backend: UsbBackend = r.backend,
): Promise<OperationResult> {
  const file = writeTemp(tempDir(), 'fw.bin', image);
  const req: DownloadRequest = { selector: {}, file, reset: false, ...extra };
  if (dfuse !== undefined) req.dfuse = parseDfuseAddress(dfuse);
  return download(req, { ...r.ctx, backend });
}

/** Upload through the use case; returns the result and the bytes written to the file. */
export async function readBack(r: Rig, dfuse: string | undefined, extra: Partial<UploadRequest> = {}): Promise<{ result: OperationResult; bytes: Uint8Array }> {
  const file = join(tempDir(), 'up.bin');
  const req: UploadRequest = { selector: {}, file, force: false, reset: false, ...extra };
  if (dfuse !== undefined) req.dfuse = parseDfuseAddress(dfuse);
  const result = await upload(req, r.ctx);
  return { result, bytes: new Uint8Array(readFileSync(file)) };
}

/** `quirks` for a request: the flags that turn one quirk off. */
export function without(flags: Partial<Quirks>): { quirks: Partial<Quirks> } {
  return { quirks: flags };
}

/** Assert a promise rejects with a DfuFlashError of `code`; returns the error for more checks. */
export async function rejectsWith(p: Promise<unknown>, code: DfuFlashError['code']): Promise<DfuFlashError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return true;
  });
  assert.ok(isDfuFlashError(caught), `expected a DfuFlashError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

export function warnings(events: readonly FlashEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
}

/**
 * Every DFU_CLRSTATUS in a transcript, with the state the device was left in by
 * the DFU request before it (the state CLRSTATUS found) and how it was answered.
 */
export function clrStatusContext(transcript: readonly SimTranscriptEntry[]): { before: string; result: string }[] {
  const dfu = dfuRequests(transcript);
  return dfu.flatMap((e, i) => (e.request === 'DFU_CLRSTATUS' ? [{ before: dfu[i - 1]?.state ?? 'power-on', result: e.result }] : []));
}

/** A flash snapshot of `data` in pages of `pageSize` from `address` (old firmware already on the chip). */
export function snapshotOf(profile: string, address: number, data: Uint8Array, pageSize: number): SimFlashSnapshot {
  const pages: SimFlashSnapshot['pages'] = [];
  for (let off = 0; off < data.length; off += pageSize) {
    pages.push({ address: address + off, data: Buffer.from(data.subarray(off, off + pageSize)).toString('base64') });
  }
  return { format: 'dfu-flash-sim-flash', version: 1, profile, pages };
}

