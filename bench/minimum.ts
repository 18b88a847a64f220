/**
 * The device-imposed minimum of a download, computed from the device's own
 * transcript (annotated by sim-probe.ts). Pure; the formula is documented in
 * bench/README.md:
 *
 *   minimum = Σ busy + Σ transfers × per-transfer cost
 *
 * - busy: for every DNLOAD the minimal protocol sends, the bwPollTimeout of
 *   each GETSTATUS reply after it that told the host to wait (dfuDNLOAD-SYNC,
 *   dfuDNBUSY, dfuMANIFEST-SYNC, dfuMANIFEST), as reported, early polls excluded;
 * - transfers: the minimal protocol's control transfers: the setup (DfuSe: the
 *   alt's string descriptor for the memory layout; SET_INTERFACE; GETSTATUS;
 *   CLRSTATUS when the device starts in dfuERROR), then for every required
 *   DNLOAD the DNLOAD itself, one GETSTATUS, and one more GETSTATUS per
 *   busy reply the device answered another poll after;
 * - required DNLOADs: every data block and the final zero-length DNLOAD; DfuSe
 *   erases of distinct pages; one SET_ADDRESS per contiguous run of blocks and
 *   the one before leave; any other DfuSe command (unprotect, mass erase);
 * - a read-back (--skip-unchanged, --verify): every UPLOAD block, one
 *   SET_ADDRESS per contiguous run, one ABORT before the next DNLOAD.
 */
import type { ProbeEntry } from './probe-types.js';

/** States in a GETSTATUS reply that mean "wait bwPollTimeout, then ask again". */
export const WAIT_STATES: ReadonlySet<number> = new Set([3, 4, 6, 7]);
const DFU_ERROR = 10;
const DFUSE_SET_ADDRESS = 0x21;
const DFUSE_ERASE = 0x41;

/** Round trip of one control transfer on the emulated bus (calibration). */
export interface TransferCost {
  /** A transfer without a data stage worth counting (GETSTATUS, commands). */
  smallMs: number;
  /** A transfer carrying `dataLength` bytes. */
  dataMs: number;
  dataLength: number;
}

/** Cost of one transfer with `payload` data bytes: linear between the two calibrated points. */
export function transferCostMs(cost: TransferCost, payload: number): number {
  if (payload <= 64 || cost.dataLength <= 0) return cost.smallMs;
  return cost.smallMs + Math.max(0, cost.dataMs - cost.smallMs) * (payload / cost.dataLength);
}

export type StepKind = 'erase' | 'set-address' | 'block' | 'leave' | 'command' | 'upload' | 'abort';

export interface RequiredStep {
  /** Index of the DNLOAD in the transcript. */
  index: number;
  kind: StepKind;
  busyMs: number;
  transfers: number;
}

export interface DeviceMinimum {
  busyMs: number;
  /** Busy replies counted. */
  busyPeriods: number;
  transfers: number;
  transferMs: number;
  minimumMs: number;
  steps: Record<StepKind, number>;
  /** Minimal transfers by request name (spec spelling). */
  minimalByRequest: Record<string, number>;
  /** Transfers the host actually made, by request name. */
  actualByRequest: Record<string, number>;
}

export interface MinimumOptions {
  protocol: 'dfu' | 'dfuse';
  /** wTransferSize (DfuSe block addresses); default: the longest block in the transcript. */
  transferSize?: number | undefined;
}

const isStatusPoll = (e: ProbeEntry): boolean => e.request === 'DFU_GETSTATUS' || e.request === 'DFU_GETSTATE';

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/**
 * Classify the transcript's DNLOADs, UPLOADs and ABORTs: the indexes the
 * minimal protocol needs, with their kind. A read-back (UPLOAD) needs its
 * SET_ADDRESS per contiguous run, like a download, and one ABORT before the
 * next DNLOAD (dfuUPLOAD-IDLE accepts no DNLOAD).
 */
export function requiredSteps(transcript: readonly ProbeEntry[], options: MinimumOptions): Map<number, StepKind> {
  const required = new Map<number, StepKind>();
  const dfuse = options.protocol === 'dfuse';
  const size =
    options.transferSize ??
    Math.max(1, ...transcript.filter((e) => (e.dnload?.block ?? 0) >= 2).map((e) => e.dnload!.length));
  const erased = new Set<number>();
  let pointer: { address: number; index: number } | undefined;
  const next: { dnload?: number; upload?: number } = {};
  let uploadedSince = false; // an UPLOAD happened since the last required DNLOAD
  let lastAbort: number | undefined;
  const startRun = (kind: 'dnload' | 'upload', block: number, length: number): void => {
    if (!dfuse) return;
    const address = (pointer?.address ?? 0) + (block - 2) * size;
    if (pointer !== undefined && address !== next[kind]) required.set(pointer.index, 'set-address');
    next[kind] = address + length;
  };
  const dnloadRequired = (i: number, kind: StepKind): void => {
    required.set(i, kind);
    if (uploadedSince && lastAbort !== undefined) required.set(lastAbort, 'abort');
    uploadedSince = false;
  };
  transcript.forEach((e, i) => {
    if (e.request === 'DFU_UPLOAD' && (!dfuse || e.setup.wValue >= 2)) {
      required.set(i, 'upload');
      startRun('upload', e.setup.wValue, e.length);
      uploadedSince = true;
      return;
    }
    if (e.request === 'DFU_ABORT') {
      lastAbort = i;
      return;
    }
    const d = e.dnload;
    if (e.request !== 'DFU_DNLOAD' || d === undefined) return;
    if (!dfuse) {
      dnloadRequired(i, d.length === 0 ? 'leave' : 'block');
    } else if (d.length === 0) {
      dnloadRequired(i, 'leave');
      // the address the device jumps to is set just before; keep that SET_ADDRESS
      if (pointer !== undefined && pointer.index > (lastBlockIndex(transcript, i) ?? -1)) required.set(pointer.index, 'set-address');
    } else if (d.block >= 2) {
      dnloadRequired(i, 'block');
      startRun('dnload', d.block, d.length);
    } else if (d.block === 0 && d.command === DFUSE_SET_ADDRESS && d.address !== undefined) {
      pointer = { address: d.address, index: i };
    } else if (d.block === 0 && d.command === DFUSE_ERASE && d.address !== undefined) {
      if (!erased.has(d.address)) dnloadRequired(i, 'erase');
      erased.add(d.address);
    } else if (d.block === 0) {
      dnloadRequired(i, 'command'); // mass erase, read unprotect, get commands: asked for explicitly
    }
  });
  return required;
}

function lastBlockIndex(transcript: readonly ProbeEntry[], before: number): number | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const d = transcript[i]!.dnload;
    if (d !== undefined && d.block >= 2 && d.length > 0) return i;
  }
  return undefined;
}

/** Busy time and status polls the device demanded after the DNLOAD at `index`. */
function afterDnload(transcript: readonly ProbeEntry[], index: number): { busyMs: number; busyReplies: number; polls: number } {
  let busyMs = 0;
  let busyReplies = 0;
  let polls = 1; // one GETSTATUS after every DNLOAD starts (or confirms) the operation
  for (let j = index + 1; j < transcript.length && isStatusPoll(transcript[j]!); j++) {
    const e = transcript[j]!;
    if (e.reply === undefined || e.early || !WAIT_STATES.has(e.reply.bState)) continue;
    busyMs += e.reply.bwPollTimeout;
    busyReplies++;
    const next = transcript[j + 1];
    if (next !== undefined && isStatusPoll(next)) polls++; // the device answered one more poll after this wait
  }
  return { busyMs, busyReplies, polls };
}

/** The device-imposed minimum of the session recorded in `transcript`. */
export function deviceMinimum(transcript: readonly ProbeEntry[], cost: TransferCost, options: MinimumOptions): DeviceMinimum {
  const minimal: Record<string, number> = {};
  const actual: Record<string, number> = {};
  for (const e of transcript) bump(actual, e.request);
  let transferMs = 0;
  const add = (request: string, n = 1, payload = 0): void => {
    bump(minimal, request, n);
    transferMs += n * transferCostMs(cost, payload);
  };
  // setup
  if (options.protocol === 'dfuse') add('GET_DESCRIPTOR');
  add('SET_INTERFACE');
  add('DFU_GETSTATUS');
  const first = transcript.find((e) => e.request === 'DFU_GETSTATUS');
  if (first?.reply?.bState === DFU_ERROR) add('DFU_CLRSTATUS');

  const steps: Record<StepKind, number> = { erase: 0, 'set-address': 0, block: 0, leave: 0, command: 0, upload: 0, abort: 0 };
  let busyMs = 0;
  let busyPeriods = 0;
  for (const [index, kind] of [...requiredSteps(transcript, options)].sort((a, b) => a[0] - b[0])) {
    const entry = transcript[index]!;
    steps[kind]++;
    if (kind === 'upload' || kind === 'abort') {
      add(entry.request, 1, kind === 'upload' ? entry.length : 0);
      continue;
    }
    add('DFU_DNLOAD', 1, entry.dnload?.length ?? 0);
    const after = afterDnload(transcript, index);
    add('DFU_GETSTATUS', after.polls);
    busyMs += after.busyMs;
    busyPeriods += after.busyReplies;
  }
  const transfers = Object.values(minimal).reduce((a, b) => a + b, 0);
  return {
    busyMs,
    busyPeriods,
    transfers,
    transferMs,
    minimumMs: busyMs + transferMs,
    steps,
    minimalByRequest: minimal,
    actualByRequest: actual,
  };
}

/** Extra transfers the host made beyond the minimal protocol, by request name (only positive counts). */
export function extraTransfers(m: DeviceMinimum): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [name, n] of Object.entries(m.actualByRequest)) {
    const more = n - (m.minimalByRequest[name] ?? 0);
    if (more > 0) extra[name] = more;
  }
  return extra;
}
