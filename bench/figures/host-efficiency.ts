/**
 * Figure 1, host efficiency: wall time ÷ device-imposed minimum, dfu-flash and
 * dfu-util on the same emulated devices, runs interleaved. The minimum comes
 * from the device's transcript of the dfu-flash run (minimum.ts).
 */
import { describeCounts, explainExcess, hostTiming, summarizeTiming, type HostTiming } from '../analysis.js';
import type { BenchContext } from '../context.js';
import { firmware, KiB, MiB } from '../firmware.js';
import { benchRun, type BenchResult, type ChildTiming } from '../harness.js';
import { deviceMinimum, extraTransfers, transferCostMs } from '../minimum.js';
import type { ProbeEntry } from '../probe-types.js';
import { median, medianBy } from '../stats.js';
import { formatRatio, formatSeconds, type Row } from '../table.js';

export interface EfficiencyCase {
  label: string;
  profile: string;
  protocol: 'dfu' | 'dfuse';
  size: number;
  transferSize: number;
  /** Where the image lands (for the read-back check). */
  address: number;
  dfuFlash: string[];
  dfuUtil: string[];
  /** Exit statuses of dfu-util that still mean "flashed" (dapboot resets before dfu-util's last GETSTATUS). */
  dfuUtilOk: number[];
  /** Ratio goal, if any; every case also has "better than dfu-util". */
  goal?: number | undefined;
  runs: number;
}

const F4_FLASH = ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];
const F4_UTIL = ['dfu-util', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'];
const DAPBOOT_FLASH = ['node', 'bin/dfu-flash', 'download', '{dir}/fw.bin'];
const DAPBOOT_UTIL = ['dfu-util', '-D', '{dir}/fw.bin'];

export function efficiencyCases(ctx: Pick<BenchContext, 'quick' | 'runs'>): EfficiencyCase[] {
  const f4 = (size: number, goal: number, runs: number, label: string): EfficiencyCase => ({
    label,
    profile: 'stm32f4-sysboot',
    protocol: 'dfuse',
    size,
    transferSize: 2048,
    address: 0x08000000,
    dfuFlash: F4_FLASH,
    dfuUtil: F4_UTIL,
    dfuUtilOk: [0],
    goal,
    runs,
  });
  const dapboot = (size: number, label: string): EfficiencyCase => ({
    label,
    profile: 'dapboot',
    protocol: 'dfu',
    size,
    transferSize: 1024,
    address: 0x08002000,
    dfuFlash: DAPBOOT_FLASH,
    dfuUtil: DAPBOOT_UTIL,
    dfuUtilOk: [0, 74],
    runs: ctx.runs,
  });
  const cases = [f4(100 * KiB, 1.06, ctx.runs, 'F4 ROM, 100 KiB'), dapboot(40 * KiB, 'dapboot, 40 KiB')];
  if (!ctx.quick) {
    cases.splice(1, 0, f4(1 * MiB, 1.03, 1, 'F4 ROM, 1 MiB'));
    cases.push(dapboot(56 * KiB, 'dapboot, 56 KiB (all of its flash)'));
  }
  return cases;
}

interface Measured {
  wallMs: number;
  child: ChildTiming;
  result: BenchResult;
}

/** Wall time of the one command, and a check that the image really landed. */
async function measure(c: EfficiencyCase, command: string[], image: Uint8Array, timeScale: number, okCodes: number[]): Promise<Measured> {
  const result = await benchRun({
    profiles: [c.profile],
    commands: [command],
    timeScale,
    files: { 'fw.bin': image },
    dumpRanges: [{ address: c.address, length: image.length }],
    okCodes,
  });
  const got = result.devices[0]?.ranges[0]?.data;
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

export interface EfficiencyResult {
  c: EfficiencyCase;
  /** The device's transcript of the median dfu-flash run (the minimum is computed from it). */
  transcript: ProbeEntry[];
  flashWallMs: number;
  utilWallMs: number | undefined;
  flashTiming: HostTiming;
  utilTiming: HostTiming | undefined;
  /** CPU time (user + system) of the median runs. */
  flashCpuMs: number;
  utilCpuMs: number | undefined;
  /** CPU per control transfer beyond start-up. */
  flashCpuPerTransferMs: number | undefined;
  utilCpuPerTransferMs: number | undefined;
}

export async function measureCase(c: EfficiencyCase, ctx: BenchContext): Promise<EfficiencyResult> {
  const image = firmware(c.size, c.size);
  const flash: Measured[] = [];
  const util: Measured[] = [];
  for (let i = 0; i < c.runs; i++) {
    ctx.log(`host efficiency: ${c.label}: dfu-flash run ${i + 1}/${c.runs}`);
    flash.push(await measure(c, c.dfuFlash, image, ctx.timeScale, [0]));
    if (ctx.dfuUtil) {
      ctx.log(`host efficiency: ${c.label}: dfu-util run ${i + 1}/${c.runs}`);
      util.push(await measure(c, c.dfuUtil, image, ctx.timeScale, c.dfuUtilOk));
    }
  }
  const typical = medianBy(flash, (m) => m.wallMs);
  const baseline = await listBaseline(c, ctx);
  const typicalUtil = util.length > 0 ? medianBy(util, (m) => m.wallMs) : undefined;
  return {
    c,
    transcript: typical.result.transcripts[0]!,
    flashWallMs: median(flash.map((m) => m.wallMs)),
    utilWallMs: util.length > 0 ? median(util.map((m) => m.wallMs)) : undefined,
    flashCpuMs: typical.child.cpuMs,
    utilCpuMs: typicalUtil?.child.cpuMs,
    flashCpuPerTransferMs: cpuPerTransfer({ cpuMs: typical.child.cpuMs, transfers: typical.result.transcripts[0]!.length }, baseline.flash),
    utilCpuPerTransferMs:
      typicalUtil && baseline.util
        ? cpuPerTransfer({ cpuMs: typicalUtil.child.cpuMs, transfers: typicalUtil.result.transcripts[0]!.length }, baseline.util)
        : undefined,
    flashTiming: hostTiming(typical.result.transcripts[0]!, typical.child),
    utilTiming: typicalUtil ? hostTiming(typicalUtil.result.transcripts[0]!, typicalUtil.child) : undefined,
  };
}

export function efficiencyRow(r: EfficiencyResult, ctx: BenchContext): Row {
  const { c } = r;
  const minimum = deviceMinimum(r.transcript, ctx.cost, { protocol: c.protocol, transferSize: c.transferSize });
  const flashRatio = r.flashWallMs / minimum.minimumMs;
  const utilRatio = r.utilWallMs === undefined ? undefined : r.utilWallMs / minimum.minimumMs;
  const beatsUtil = utilRatio === undefined ? undefined : flashRatio < utilRatio;
  const underGoal = c.goal === undefined ? true : flashRatio <= c.goal;
  const met = beatsUtil === undefined ? (c.goal === undefined ? undefined : underGoal) : underGoal && beatsUtil;
  const goal = c.goal === undefined ? '< dfu-util' : `≤ ${c.goal.toFixed(2)} and < dfu-util`;
  const perTransfer = transferCostMs(ctx.cost, 0);
  const extra = extraTransfers(minimum);
  const runs = c.runs > 1 ? `median of ${c.runs} runs per tool, interleaved` : 'one run per tool';
  const notes = [
    `minimum ${formatSeconds(minimum.minimumMs)} = busy ${formatSeconds(minimum.busyMs)} (${minimum.busyPeriods} reported waits) + ${minimum.transfers} transfers (${minimum.steps.erase} erases, ${minimum.steps['set-address']} SET_ADDRESS, ${minimum.steps.block} blocks, leave/manifest) costing ${formatSeconds(minimum.transferMs)}; ${runs}`,
  ];
  if (c.profile === 'dapboot') {
    notes.push('dapboot has 64 KiB of flash (56 KiB above its bootloader): 40 KiB and 56 KiB stand in for 100 KiB and 1 MiB');
    if (c.dfuUtilOk.includes(74)) notes.push('dfu-util exits 74 on dapboot (the device resets before its last GETSTATUS); the flash is checked and complete');
  }
  const cpu = (total: number, per: number | undefined): string =>
    `CPU ${formatSeconds(total)}${per === undefined ? '' : ` (${per.toFixed(2)} ms per transfer beyond start-up)`}`;
  notes.push(`dfu-flash: ${summarizeTiming(r.flashTiming)}; ${cpu(r.flashCpuMs, r.flashCpuPerTransferMs)}; transfers beyond the minimal protocol ${describeCounts(extra)}`);
  if (r.utilTiming) notes.push(`dfu-util: ${summarizeTiming(r.utilTiming)}; ${cpu(r.utilCpuMs ?? NaN, r.utilCpuPerTransferMs)}`);
  const stack = ctx.stack
    ? {
        stackMs: ctx.stack.smallMs,
        minimalMs: ctx.cost.smallMs,
        sleepLateMs: ctx.stack.sleepLateMs,
        cpuPerTransferMs: r.flashCpuPerTransferMs,
        stackCpuPerTransferMs: ctx.stack.cpuPerTransferMs,
        minimalCpuPerTransferMs: ctx.cost.cpuPerTransferMs,
        otherCpuPerTransferMs: r.utilCpuPerTransferMs,
      }
    : undefined;
  const limits = met === false ? explainExcess(r.flashWallMs, minimum, r.flashTiming, perTransfer, extra, stack) : undefined;
  if (limits && beatsUtil === false && utilRatio !== undefined) {
    limits.unshift(`dfu-util is faster here: ${formatRatio(utilRatio)} against ${formatRatio(flashRatio)}`);
  }
  return {
    figure: `Host efficiency (wall ÷ device minimum), ${c.label}`,
    dfuFlash: `${formatRatio(flashRatio)} (${formatSeconds(r.flashWallMs)})`,
    dfuUtil: utilRatio === undefined || r.utilWallMs === undefined ? '' : `${formatRatio(utilRatio)} (${formatSeconds(r.utilWallMs)})`,
    goal,
    met,
    limits,
    notes,
  };
}

/** Measure every case; the rows are made later (efficiencyRow), once the calibration is final. */
export async function measureEfficiency(ctx: BenchContext): Promise<EfficiencyResult[]> {
  const results: EfficiencyResult[] = [];
  for (const c of efficiencyCases(ctx)) results.push(await measureCase(c, ctx));
  return results;
}
