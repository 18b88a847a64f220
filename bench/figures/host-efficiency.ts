/**
 * Figure 1, host efficiency: wall time ÷ the best device-imposed minimum, for
 * dfu-flash and dfu-util on the same emulated devices, runs interleaved, on
 * datasheet-typical timing (the cases: efficiency-cases.ts). The minimum comes
 * from the device's transcript of the dfu-flash run (minimum.ts); the
 * per-transfer host overhead of each tool from its own transcript
 * (host-overhead.ts).
 */
import { describeCounts, explainExcess, hostTiming, summarizeTiming, type HostTiming } from '../analysis.js';
import type { BenchContext } from '../context.js';
import { firmware } from '../firmware.js';
import { benchRun, type BenchResult, type ChildTiming } from '../harness.js';
import { hostOverhead, type HostOverhead } from '../host-overhead.js';
import { deviceMinimum, extraTransfers, transferCostMs, type DeviceMinimum } from '../minimum.js';
import type { ProbeEntry } from '../probe-types.js';
import { median, medianBy } from '../stats.js';
import { formatRatio, formatSeconds, type Row } from '../table.js';
import { efficiencyCases, type EfficiencyCase } from './efficiency-cases.js';

export { efficiencyCases, type EfficiencyCase } from './efficiency-cases.js';

interface Measured {
  wallMs: number;
  child: ChildTiming;
  result: BenchResult;
}

/** Wall time of the one command, and a check that the image really landed (on the last device: the flashed one). */
async function measure(c: EfficiencyCase, command: string[], image: Uint8Array, ctx: BenchContext, okCodes: number[], allowEarlyPolls: boolean): Promise<Measured> {
  const result = await benchRun({
    profiles: [c.profile],
    commands: [command],
    timeScale: ctx.timeScale,
    files: { 'fw.bin': image },
    dumpRanges: [{ address: c.address, length: image.length }],
    okCodes,
    allowEarlyPolls,
  });
  const got = result.devices.at(-1)?.ranges[0]?.data;
  if (got === undefined || Buffer.compare(Buffer.from(got), Buffer.from(image)) !== 0) {
    throw new Error(`${command.join(' ')}: the device's flash does not hold the image after the run`);
  }
  const child = result.rounds[0]!.children[0]!;
  return { wallMs: child.wallMs, child, result };
}

/** CPU time and transfers of `list` on the same device: the start-up share, to get CPU per transfer. */
interface ListBaseline {
  flash: { cpuMs: number; transfers: number };
  util?: { cpuMs: number; transfers: number } | undefined;
}

const baselines = new Map<string, ListBaseline>();

/** Transfers of the device's transcript that fall within one process's lifetime. */
function transfersDuring(transcript: readonly ProbeEntry[], child: ChildTiming): number {
  return transcript.filter((e) => e.origin !== undefined && e.origin + e.t >= child.startEpochMs && e.origin + e.t <= child.endEpochMs).length;
}

async function listBaseline(c: EfficiencyCase, ctx: BenchContext): Promise<ListBaseline> {
  const known = baselines.get(c.profile);
  if (known) return known;
  ctx.log(`host efficiency: ${c.profile}: dfu-flash list${ctx.dfuUtil ? ' and dfu-util -l' : ''} (start-up CPU)`);
  const r = await benchRun({
    profiles: [c.profile],
    commands: [['node', 'bin/dfu-flash', 'list'], ...(ctx.dfuUtil ? [['dfu-util', '-l']] : [])],
    timeScale: ctx.timeScale,
    repeat: Math.max(3, c.runs),
    oneByOne: true,
  });
  const pick = (i: number): { cpuMs: number; transfers: number } => ({
    cpuMs: median(r.rounds.map((round) => round.children[i]!.cpuMs)),
    transfers: median(r.rounds.map((round) => transfersDuring(r.transcripts[0]!, round.children[i]!))),
  });
  const baseline: ListBaseline = { flash: pick(0), util: ctx.dfuUtil ? pick(1) : undefined };
  baselines.set(c.profile, baseline);
  return baseline;
}

/** Below this many transfers beyond `list`, the run-to-run spread of start-up CPU hides the per-transfer share. */
const MIN_TRANSFERS_FOR_CPU = 1000;

/**
 * CPU per control transfer beyond start-up: (download CPU − list CPU) / (download transfers − list
 * transfers); undefined when the download has too few transfers for the difference to mean anything.
 */
export function cpuPerTransfer(download: { cpuMs: number; transfers: number }, list: { cpuMs: number; transfers: number }): number | undefined {
  const transfers = download.transfers - list.transfers;
  return transfers < MIN_TRANSFERS_FOR_CPU ? undefined : (download.cpuMs - list.cpuMs) / transfers;
}

/** One tool's median run of a case. */
export interface ToolResult {
  wallMs: number;
  cpuMs: number;
  cpuPerTransferMs: number | undefined;
  /** Every device's transcript of the median run (a detached app first, then its bootloader). */
  transcripts: ProbeEntry[][];
  /** Host timing on the flashed device's transcript. */
  timing: HostTiming;
  overhead: HostOverhead;
  earlyPolls: number;
}

export interface EfficiencyResult {
  c: EfficiencyCase;
  flash: ToolResult;
  util: ToolResult | undefined;
}

function toolResult(runs: Measured[], list: { cpuMs: number; transfers: number } | undefined): ToolResult {
  const typical = medianBy(runs, (m) => m.wallMs);
  const transcripts = typical.result.transcripts;
  const flashed = transcripts.at(-1)!;
  const transfers = transcripts.reduce((n, t) => n + t.length, 0);
  return {
    wallMs: median(runs.map((m) => m.wallMs)),
    cpuMs: typical.child.cpuMs,
    cpuPerTransferMs: list === undefined ? undefined : cpuPerTransfer({ cpuMs: typical.child.cpuMs, transfers }, list),
    transcripts,
    timing: hostTiming(transcripts.length > 1 ? transcripts.flat() : flashed, typical.child),
    overhead: hostOverhead(transcripts),
    earlyPolls: runs.reduce((n, m) => n + m.result.devices.reduce((k, d) => k + d.earlyPolls, 0), 0),
  };
}

export async function measureCase(c: EfficiencyCase, ctx: BenchContext): Promise<EfficiencyResult> {
  const image = firmware(c.size, c.size);
  const flash: Measured[] = [];
  const util: Measured[] = [];
  for (let i = 0; i < c.runs; i++) {
    ctx.log(`host efficiency: ${c.label}: dfu-flash run ${i + 1}/${c.runs}`);
    flash.push(await measure(c, c.dfuFlash, image, ctx, [0], false)); // dfu-flash must never poll early: the harness throws
    if (ctx.dfuUtil) {
      ctx.log(`host efficiency: ${c.label}: dfu-util run ${i + 1}/${c.runs}`);
      util.push(await measure(c, c.dfuUtil, image, ctx, c.dfuUtilOk, true));
    }
  }
  const baseline = await listBaseline(c, ctx);
  return { c, flash: toolResult(flash, baseline.flash), util: util.length > 0 ? toolResult(util, baseline.util) : undefined };
}

/**
 * The best minimum of a case: the flashed device's minimum from dfu-flash's transcript, plus for a
 * detached application its DETACH and the USB reset (two transfers) and the re-enumeration delay.
 */
export function caseMinimum(c: EfficiencyCase, transcripts: readonly ProbeEntry[][], ctx: Pick<BenchContext, 'cost'>): DeviceMinimum {
  const m = deviceMinimum(transcripts.at(-1)!, ctx.cost, { protocol: c.protocol, transferSize: c.transferSize });
  if (c.detachReenumerateMs === undefined) return m;
  const detach = 2 * transferCostMs(ctx.cost, 0);
  return { ...m, transfers: m.transfers + 2, transferMs: m.transferMs + detach, minimumMs: m.minimumMs + detach + c.detachReenumerateMs };
}

/** From the reset of a detached application to the bootloader's first request (the device's share: its re-enumeration delay). */
function reenumerationMs(transcripts: readonly ProbeEntry[][]): number | undefined {
  if (transcripts.length < 2) return undefined;
  const reset = transcripts[0]!.filter((e) => e.request === 'BUS_RESET').at(-1) ?? transcripts[0]!.at(-1);
  const first = transcripts.at(-1)![0];
  return reset === undefined || first === undefined ? undefined : first.t - reset.doneAt;
}

const ms = (x: number): string => `${x.toFixed(2)} ms`;

export function efficiencyRows(r: EfficiencyResult, ctx: BenchContext): Row[] {
  const { c, flash, util } = r;
  const minimum = caseMinimum(c, flash.transcripts, ctx);
  const flashRatio = flash.wallMs / minimum.minimumMs;
  const utilRatio = util === undefined ? undefined : util.wallMs / minimum.minimumMs;
  const met = flashRatio <= c.goal;
  const perTransfer = transferCostMs(ctx.cost, 0);
  const extra = extraTransfers(minimum);
  const runs = c.runs > 1 ? `median of ${c.runs} runs per tool, interleaved` : 'one run per tool';
  const notes = [
    `best minimum ${formatSeconds(minimum.minimumMs)} = busy ${formatSeconds(minimum.busyMs)} (${minimum.busyPeriods} reported waits) + ${minimum.transfers} transfers (${minimum.steps.erase} erases, ${minimum.steps['set-address']} SET_ADDRESS, ${minimum.steps.block} blocks, leave/manifest${c.detachReenumerateMs === undefined ? '' : ', DETACH and the reset'}) costing ${formatSeconds(minimum.transferMs)}${c.detachReenumerateMs === undefined ? '' : ` + the re-enumeration the device takes, ${formatSeconds(c.detachReenumerateMs)}`}; ${runs}`,
  ];
  if (c.profile.startsWith('dapboot') && c.dfuUtilOk.includes(74)) notes.push('dfu-util exits 74 on dapboot (the device resets before its last GETSTATUS); the flash is checked and complete');
  const reenum = reenumerationMs(flash.transcripts);
  if (reenum !== undefined) {
    const u = util === undefined ? undefined : reenumerationMs(util.transcripts);
    notes.push(`reset → the bootloader's first request: dfu-flash ${formatSeconds(reenum)}${u === undefined ? '' : `, dfu-util ${formatSeconds(u)}`} (the device comes back after ${formatSeconds(c.detachReenumerateMs!)})`);
  }
  const cpu = (t: ToolResult): string => `CPU ${formatSeconds(t.cpuMs)}${t.cpuPerTransferMs === undefined ? '' : ` (${t.cpuPerTransferMs.toFixed(2)} ms per transfer beyond start-up)`}`;
  notes.push(`dfu-flash: ${summarizeTiming(flash.timing)}; ${cpu(flash)}; transfers beyond the minimal protocol ${describeCounts(extra)}`);
  if (util) notes.push(`dfu-util: ${summarizeTiming(util.timing)}; ${cpu(util)}${util.earlyPolls > 0 ? `; early polls: ${util.earlyPolls}` : ''}`);
  const stack = ctx.stack
    ? {
        stackMs: ctx.stack.smallMs,
        minimalMs: ctx.cost.smallMs,
        sleepLateMs: ctx.stack.sleepLateMs,
        cpuPerTransferMs: flash.cpuPerTransferMs,
        stackCpuPerTransferMs: ctx.stack.cpuPerTransferMs,
        minimalCpuPerTransferMs: ctx.cost.cpuPerTransferMs,
        otherCpuPerTransferMs: util?.cpuPerTransferMs,
      }
    : undefined;
  const limits = met ? undefined : explainExcess(flash.wallMs, minimum, flash.timing, perTransfer, extra, stack);
  const efficiency: Row = {
    figure: `Host efficiency (wall ÷ best minimum), ${c.label}`,
    dfuFlash: `${formatRatio(flashRatio)} (${formatSeconds(flash.wallMs)})`,
    dfuUtil: utilRatio === undefined || util === undefined ? '' : `${formatRatio(utilRatio)} (${formatSeconds(util.wallMs)})`,
    goal: `≤ ${c.goal.toFixed(2)}`,
    met,
    limits,
    notes,
  };
  const o = (h: HostOverhead): string => `${ms(h.meanMs)} (median ${ms(h.medianMs)})`;
  const overhead: Row = {
    figure: `Host time per control transfer above the device's, ${c.label}`,
    dfuFlash: o(flash.overhead),
    dfuUtil: util === undefined ? '' : o(util.overhead),
    goal: '—',
    met: 'no goal',
    notes: [
      `from the completion of each transfer to the host's next request, minus the bwPollTimeout the device asked for, both ends dated by the harness from the host's own URB submit and completion; mean over ${flash.overhead.transfers} transfers (dfu-util ${util?.overhead.transfers ?? '—'}); the emulated bus's own share of each gap is the same for both tools`,
    ],
  };
  return [efficiency, overhead];
}

/** Measure every case; the rows are made later (efficiencyRows), once the calibration is final. */
export async function measureEfficiency(ctx: BenchContext, noVerify: string[]): Promise<EfficiencyResult[]> {
  const results: EfficiencyResult[] = [];
  for (const c of efficiencyCases({ quick: ctx.quick, runs: ctx.runs, noVerify })) results.push(await measureCase(c, ctx));
  return results;
}
