/**
 * Where a host's time went, read from the device's transcript (pure): what
 * happened outside the device session (process start-up, enumeration, exit),
 * how late the host polled after each reported bwPollTimeout, and how long it
 * took between one transfer's completion and the next request otherwise.
 */
import { WAIT_STATES } from './minimum.js';
import type { ProbeEntry } from './probe-types.js';
import { median, sum } from './stats.js';

export interface HostTiming {
  /** First request's arrival to the last completion (device clock). */
  sessionMs: number;
  /** Wall time minus the session: start-up before the first transfer and exit after the last. */
  outsideMs: number;
  /** Process start to the first request's arrival (when the process's wall-clock start is known). */
  beforeMs?: number | undefined;
  /** Last completion to process exit. */
  afterMs?: number | undefined;
  /** For each busy reply the host polled after: next arrival − reply − bwPollTimeout (ms). */
  pollLateMs: number[];
  /** Gaps between a completion and the next request when the device had asked for no wait (ms). */
  turnaroundMs: number[];
  /** GETSTATUS requests that arrived before the reported bwPollTimeout. */
  earlyPolls: number;
}

/** The process's wall-clock start and exit (ms since the epoch), from timed_run.py. */
export interface ProcessSpan {
  wallMs: number;
  startEpochMs?: number | undefined;
  endEpochMs?: number | undefined;
}

export function hostTiming(transcript: readonly ProbeEntry[], process: ProcessSpan): HostTiming {
  const wallMs = process.wallMs;
  const pollLateMs: number[] = [];
  const turnaroundMs: number[] = [];
  let earlyPolls = 0;
  for (let i = 0; i < transcript.length; i++) {
    const e = transcript[i]!;
    if (e.early) earlyPolls++;
    const next = transcript[i + 1];
    if (next === undefined) continue;
    const gap = next.t - e.doneAt;
    if (e.reply !== undefined && WAIT_STATES.has(e.reply.bState)) {
      if (next.request === 'DFU_GETSTATUS' || next.request === 'DFU_GETSTATE') pollLateMs.push(gap - e.reply.bwPollTimeout);
    } else {
      turnaroundMs.push(gap);
    }
  }
  const first = transcript[0];
  const last = transcript[transcript.length - 1];
  const sessionMs = first === undefined || last === undefined ? 0 : last.doneAt - first.t;
  const timing: HostTiming = { sessionMs, outsideMs: wallMs - sessionMs, pollLateMs, turnaroundMs, earlyPolls };
  const origin = transcript.find((e) => e.origin !== undefined)?.origin;
  if (origin !== undefined && first !== undefined && last !== undefined && process.startEpochMs !== undefined && process.endEpochMs !== undefined) {
    timing.beforeMs = origin + first.t - process.startEpochMs;
    timing.afterMs = process.endEpochMs - (origin + last.doneAt);
  }
  return timing;
}

/**
 * Why a wall time exceeds the minimum, in the words the report uses: the time
 * outside the device session, waits beyond a poll's cost, extra transfers,
 * and the per-transfer cost already counted in the minimum.
 */
export interface StackOverhead {
  /** Round trip of a GETSTATUS through the host's own USB stack, and through the minimal client. */
  stackMs: number;
  minimalMs: number;
  /** How late the host's sleep wakes up (median). */
  sleepLateMs: number;
  /** CPU per control transfer: the whole host, its USB stack alone, and the other tool (dfu-util). */
  cpuPerTransferMs?: number | undefined;
  stackCpuPerTransferMs?: number | undefined;
  minimalCpuPerTransferMs?: number | undefined;
  otherCpuPerTransferMs?: number | undefined;
}

export function explainExcess(
  wallMs: number,
  minimum: { minimumMs: number; transfers: number; transferMs: number },
  timing: HostTiming,
  transferMs: number,
  extra: Record<string, number>,
  stack?: StackOverhead,
): string[] {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const excess = wallMs - minimum.minimumMs;
  const lines = [`${s(excess)} over the minimum of ${s(minimum.minimumMs)} (wall ${s(wallMs)})`];
  const split =
    timing.beforeMs !== undefined && timing.afterMs !== undefined
      ? ` (${s(timing.beforeMs)} from process start to the first transfer: node, module loading, libusb init, enumeration, open; ${s(timing.afterMs)} from the last transfer to exit)`
      : ' (process start-up, module loading, libusb init and enumeration, exit)';
  lines.push(`outside the device session: ${s(timing.outsideMs)}${split}`);
  if (timing.pollLateMs.length > 0) {
    const { beyond, atMedian } = excessOver(timing.pollLateMs, transferMs);
    lines.push(
      `polls after bwPollTimeout: +${median(timing.pollLateMs).toFixed(2)} ms median after the reported time (one transfer costs ${transferMs.toFixed(2)} ms): ` +
        `${s(beyond)} beyond that over ${timing.pollLateMs.length} waits (${s(atMedian)} at the median, ${s(beyond - atMedian)} in slower outliers)`,
    );
  }
  if (timing.turnaroundMs.length > 0) {
    const { beyond, atMedian } = excessOver(timing.turnaroundMs, transferMs);
    lines.push(
      `next request ${median(timing.turnaroundMs).toFixed(2)} ms median after a completion: ${s(beyond)} beyond one transfer's cost over ` +
        `${timing.turnaroundMs.length} transfers (${s(atMedian)} at the median, ${s(beyond - atMedian)} in slower outliers)`,
    );
  }
  const extraCount = sum(Object.values(extra));
  if (extraCount > 0) lines.push(`transfers beyond the minimal protocol: ${describeCounts(extra)} ≈ ${s(extraCount * transferMs)}`);
  if (timing.earlyPolls > 0) lines.push(`early polls (before bwPollTimeout): ${timing.earlyPolls}`);
  if (stack !== undefined) {
    const per = stack.stackMs - stack.minimalMs;
    const n = timing.turnaroundMs.length + timing.pollLateMs.length;
    lines.push(
      `dfu-flash's USB stack (src/transport/usb: Node, usb 2.x, its libusb): a GETSTATUS round trip takes ${stack.stackMs.toFixed(2)} ms against ${stack.minimalMs.toFixed(2)} ms for the minimal libusb client (${per >= 0 ? '+' : ''}${per.toFixed(2)} ms per transfer${per > 0 ? `, ≈ ${s(per * n)} over ${n} transfers` : ''}); ` +
        `its poll wait (sleepUntil) wakes ${stack.sleepLateMs.toFixed(2)} ms late (median), ≈ ${s(stack.sleepLateMs * timing.pollLateMs.length)} over ${timing.pollLateMs.length} waits`,
    );
    if (stack.cpuPerTransferMs !== undefined) {
      const parts = [`CPU per transfer beyond start-up: dfu-flash ${stack.cpuPerTransferMs.toFixed(2)} ms`];
      if (stack.stackCpuPerTransferMs !== undefined) parts.push(`of which src/transport/usb with the usb package ${stack.stackCpuPerTransferMs.toFixed(2)} ms`);
      if (stack.otherCpuPerTransferMs !== undefined) parts.push(`dfu-util ${stack.otherCpuPerTransferMs.toFixed(2)} ms`);
      if (stack.minimalCpuPerTransferMs !== undefined) parts.push(`the minimal libusb client ${stack.minimalCpuPerTransferMs.toFixed(2)} ms (all include their share of the emulation)`);
      lines.push(parts.join(', '));
    }
  }
  lines.push(
    `emulation cost ${(minimum.transferMs / minimum.transfers).toFixed(2)} ms per transfer × ${minimum.transfers} transfers = ${s(minimum.transferMs)} counted in the minimum`,
  );
  return lines;
}

/**
 * How much a list of gaps exceeds `costMs` in total, and how much of that a gap of the median
 * length would account for (the rest is in outliers: scheduling delays, other load).
 */
export function excessOver(gapsMs: readonly number[], costMs: number): { beyond: number; atMedian: number } {
  const beyond = sum(gapsMs.map((x) => Math.max(0, x - costMs)));
  const atMedian = Math.max(0, median(gapsMs) - costMs) * gapsMs.length;
  return { beyond, atMedian: Math.min(beyond, atMedian) };
}

/** One line per tool for the notes: where the time outside the device's busy periods went. */
export function summarizeTiming(h: HostTiming): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
  const parts = [
    h.beforeMs !== undefined && h.afterMs !== undefined
      ? `start to first transfer ${s(h.beforeMs)}, last transfer to exit ${s(h.afterMs)}`
      : `outside the device session ${s(h.outsideMs)}`,
  ];
  if (h.pollLateMs.length > 0) parts.push(`polls ${median(h.pollLateMs).toFixed(2)} ms after bwPollTimeout (median)`);
  if (h.turnaroundMs.length > 0) parts.push(`next request ${median(h.turnaroundMs).toFixed(2)} ms after a completion (median)`);
  return parts.join('; ');
}

/** "GET_DESCRIPTOR ×7, DFU_ABORT ×1" (or "none"). */
export function describeCounts(counts: Record<string, number>): string {
  const list = Object.entries(counts).filter(([, n]) => n > 0);
  return list.length === 0 ? 'none' : list.map(([name, n]) => `${name} ×${n}`).join(', ');
}
