/**
 * DFU 1.1 engine (plain DFU, no DfuSe extension): download in wTransferSize
 * blocks, the zero-length block, manifestation as bmAttributes say, upload
 * until a short frame.
 */
import { DfuState, DfuStatus } from './constants.js';
import { DfuFlashError, isDfuFlashError } from '../shared/errors.js';
import { getStatusSettled, pollWhileBusy } from './poll.js';
import { PhaseTracker, checkAbort, inSessionPhase, statusError, type DfuSession } from './session.js';
import { describeState, type DfuStatusReply } from './status.js';
import { looksGone, probeGone } from './gone.js';

/** How a download ended. */
export type ManifestOutcome =
  /** Manifestation tolerant device back in dfuIDLE. */
  | 'idle'
  /** The device left the bus during or after manifestation, as it said it would. */
  | 'left-bus'
  /** We reset the device after dfuMANIFEST-WAIT-RESET. */
  | 'reset';

const BLOCK_DEADLINE_MS = 10_000;
const MANIFEST_DEADLINE_MS = 30_000;
/** Manifestation may copy or check the whole image: a busy device gets 10 s before it counts as stuck. */
const MANIFEST_FLOOR_MS = 10_000;
const MANIFEST_BUSY: ReadonlySet<number> = new Set([DfuState.dfuMANIFEST_SYNC, DfuState.dfuMANIFEST, DfuState.dfuDNBUSY]);

/** Send `data` in blocks of session.transferSize, wBlockNum 0, 1, 2… (wrapping at 0xFFFF). */
export async function dfu11Download(session: DfuSession, data: Uint8Array): Promise<ManifestOutcome> {
  const { req, transferSize } = session;
  const tracker = new PhaseTracker(session, 'download', data.length);
  let block = 0;
  for (let offset = 0; offset < data.length; offset += transferSize) {
    const chunk = data.subarray(offset, Math.min(data.length, offset + transferSize));
    const what = `download of block ${block} (byte offset ${offset})`;
    checkAbort(session, 'download');
    await inSessionPhase(session, 'download', undefined, what, async () => {
      await req.dnload(block & 0xffff, chunk);
      const reply = await getStatusSettled(session, { deadlineMs: BLOCK_DEADLINE_MS, what });
      if (reply.status !== DfuStatus.OK) throw statusError('download', what, reply);
      if (reply.state !== DfuState.dfuDNLOAD_IDLE) {
        throw new DfuFlashError('DFU_STATE', `${what}: device went to ${describeState(reply.state)} instead of dfuDNLOAD-IDLE`, {
          hint: 'replug the device and try again',
        });
      }
    });
    block++;
    tracker.add(chunk.length);
  }
  tracker.end();
  return dfu11Manifest(session, block & 0xffff);
}

/**
 * The zero-length DNLOAD and manifestation. A device that leaves the bus here
 * after saying it would (bitWillDetach, or not manifestation tolerant) has
 * succeeded: that is how it starts its new firmware.
 */
export async function dfu11Manifest(session: DfuSession, blockNum: number): Promise<ManifestOutcome> {
  const { req, functional, clock } = session;
  const leavingExpected = functional.willDetach || !functional.manifestationTolerant;
  const tracker = new PhaseTracker(session, 'manifest', 0);
  const left = async (e: unknown): Promise<ManifestOutcome> => {
    if (!looksGone(e)) throw e;
    // a stall or a timeout is also what a device that is still there and refused looks like: ask once more
    const probe = await probeGone(session, e);
    if (probe !== 'gone') {
      if (probe !== 'stalled' && (probe.state === DfuState.dfuERROR || probe.status !== DfuStatus.OK)) throw statusError('manifest', 'manifestation', probe);
      throw e;
    }
    session.emit({ type: 'debug', message: `device left the bus during manifestation (${(e as Error).message})` });
    if (!leavingExpected) {
      session.emit({
        type: 'warning',
        message: 'the device left the bus during manifestation although it says it is manifestation tolerant',
      });
    }
    tracker.end();
    return 'left-bus';
  };
  try {
    await req.dnload(blockNum, new Uint8Array(0));
  } catch (e) {
    return await left(e);
  }
  const start = clock.now();
  let pending: DfuStatusReply | undefined;
  for (;;) {
    let reply: DfuStatusReply;
    try {
      reply = pending ?? (await req.getStatus());
      pending = undefined;
    } catch (e) {
      return await left(e);
    }
    if (reply.state === DfuState.dfuERROR || reply.status !== DfuStatus.OK) throw statusError('manifest', 'manifestation', reply);
    switch (reply.state) {
      case DfuState.dfuIDLE:
        tracker.end();
        return 'idle';
      case DfuState.dfuMANIFEST_WAIT_RESET:
        if (functional.willDetach) {
          tracker.end();
          return 'left-bus';
        }
        session.emit({ type: 'debug', message: 'dfuMANIFEST-WAIT-RESET: resetting the device' });
        await req.transport.reset().catch(() => undefined);
        tracker.end();
        return 'reset';
      case DfuState.dfuMANIFEST_SYNC:
      case DfuState.dfuMANIFEST:
      case DfuState.dfuDNBUSY: {
        let settled;
        try {
          settled = await pollWhileBusy(session, reply, {
            deadlineMs: Math.max(0, MANIFEST_DEADLINE_MS - (clock.now() - start)),
            stuckAfterMs: MANIFEST_FLOOR_MS,
            what: 'manifestation',
            busyStates: MANIFEST_BUSY,
          });
        } catch (e) {
          if (isDfuFlashError(e, 'TIMEOUT') && e.details['stuck'] === true) {
            throw new DfuFlashError('TIMEOUT', e.message, {
              hint: `${e.hint ?? 'power-cycle the board'}; its firmware may or may not have been installed`,
              cause: e,
              details: { ...e.details, phase: 'manifest' },
            });
          }
          return await left(e);
        }
        pending = settled;
        break;
      }
      default:
        throw new DfuFlashError('DFU_STATE', `manifestation: unexpected state ${describeState(reply.state)}`, {
          hint: 'replug the device and try again',
        });
    }
  }
}

/**
 * Read the firmware until the device sends a short frame, or until `maxBytes`
 * (then DFU_ABORT). `expectedBytes` only sizes the progress total.
 */
export async function dfu11Upload(session: DfuSession, options: { maxBytes?: number; expectedBytes?: number } = {}): Promise<Uint8Array> {
  const { req, transferSize } = session;
  const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const tracker = new PhaseTracker(session, 'upload', options.expectedBytes ?? (Number.isFinite(max) ? max : 0));
  const parts: Uint8Array[] = [];
  let got = 0;
  let block = 0;
  for (;;) {
    const want = Math.min(transferSize, max - got);
    checkAbort(session, 'upload');
    if (want <= 0) {
      await req.abort();
      break;
    }
    const bytes = await inSessionPhase(session, 'upload', undefined, `upload of block ${block} (byte offset ${got})`, () => req.upload(block & 0xffff, want));
    parts.push(bytes);
    got += bytes.length;
    tracker.add(bytes.length);
    block++;
    if (bytes.length < want) break; // short frame: end of firmware, device is back in dfuIDLE
  }
  tracker.end();
  return concat(parts, got);
}

export function concat(parts: Uint8Array[], total?: number): Uint8Array {
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
