/**
 * Figure 2, incremental re-flash: the F4 ROM already holds a 512 KiB image
 * (loaded into the simulated flash before the run, as a previous download
 * would have left it); the same image with one sector changed is flashed by
 * `dfu-flash download --skip-unchanged` and by dfu-util (full download).
 * Measured twice: a 16 KiB sector changed (sector 1) and a 128 KiB sector
 * changed (sector 6), since the sector size decides what must be rewritten.
 */
import type { BenchContext } from '../context.js';
import { changeRange, firmware, KiB } from '../firmware.js';
import { explainExcess, hostTiming } from '../analysis.js';
import { benchRun, type BenchResult, type ChildTiming } from '../harness.js';
import { deviceMinimum, extraTransfers, transferCostMs } from '../minimum.js';
import { formatSeconds, formatSpeedup, type Row } from '../table.js';

const BASE = 0x08000000;
const SIZE = 512 * KiB;
const GOAL = 8;

interface Variant {
  label: string;
  offset: number;
  length: number;
}

const VARIANTS: Variant[] = [
  { label: '16 KiB sector 1 changed', offset: 0x4000, length: 16 * KiB },
  { label: '128 KiB sector 6 changed', offset: 0x40000, length: 128 * KiB },
];

const FLASH = ['node', 'bin/dfu-flash', 'download', '--skip-unchanged', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];
const UTIL = ['dfu-util', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'];

async function run(
  command: string[],
  before: Uint8Array,
  after: Uint8Array,
  ctx: BenchContext,
): Promise<{ wallMs: number; child: ChildTiming; result: BenchResult }> {
  const result = await benchRun({
    profiles: ['stm32f4-sysboot'],
    commands: [command],
    timeScale: ctx.timeScale,
    files: { 'fw.bin': after },
    preload: [{ profile: 'stm32f4-sysboot', address: BASE, data: before }],
    dumpRanges: [{ address: BASE, length: after.length }],
  });
  const got = result.devices[0]?.ranges[0]?.data;
  if (got === undefined || Buffer.compare(Buffer.from(got), Buffer.from(after)) !== 0) {
    throw new Error(`${command.join(' ')}: the device's flash does not hold the changed image after the run`);
  }
  const child = result.rounds[0]!.children[0]!;
  return { wallMs: child.wallMs, child, result };
}

/** Did the CLI refuse the option (usage error)? Then the row says so instead of failing the bench. */
function rejected(e: unknown): boolean {
  return e instanceof Error && /exited with 64\b/.test(e.message);
}

export async function incremental(ctx: BenchContext): Promise<Row[]> {
  const original = firmware(SIZE, 7);
  const variants = ctx.quick ? VARIANTS.slice(0, 1) : VARIANTS;
  let utilMs: number | undefined;
  if (ctx.dfuUtil) {
    ctx.log('incremental: dfu-util full download of the changed 512 KiB image');
    const v = variants[0]!;
    utilMs = (await run(UTIL, original, changeRange(original, v.offset, v.length), ctx)).wallMs;
  }
  const rows: Row[] = [];
  for (const v of variants) {
    const changed = changeRange(original, v.offset, v.length);
    ctx.log(`incremental: dfu-flash --skip-unchanged, ${v.label}`);
    const figure = `Incremental re-flash, 512 KiB on the F4 ROM, ${v.label} (dfu-util: full download)`;
    try {
      const { wallMs, child, result } = await run(FLASH, original, changed, ctx);
      const device = result.devices[0]!;
      const written = device.writeLog.reduce((a, w) => a + w.length, 0);
      const speedup = utilMs === undefined ? undefined : utilMs / wallMs;
      const met = speedup === undefined ? undefined : speedup >= GOAL;
      const min = deviceMinimum(result.transcripts[0]!, ctx.cost, { protocol: 'dfuse', transferSize: 2048 });
      const best = utilMs === undefined ? '' : `; a host with no overhead at all would be ${formatSpeedup(utilMs / min.minimumMs)} faster than dfu-util's run`;
      const minimumNote = `device minimum of this re-flash ${formatSeconds(min.minimumMs)}: busy ${formatSeconds(min.busyMs)} (${min.steps.erase} erase, ${min.steps.block} blocks, ${min.steps['set-address']} SET_ADDRESS) + ${min.transfers} transfers (${min.steps.upload} read-back UPLOADs) ${formatSeconds(min.transferMs)}${best}`;
      const erased = device.eraseLog.map((a) => `0x${a.toString(16).padStart(8, '0')}`).join(', ');
      rows.push({
        figure,
        dfuFlash: `${formatSeconds(wallMs)}${speedup === undefined ? '' : ` (${formatSpeedup(speedup)} faster)`}`,
        dfuUtil: utilMs === undefined ? '' : formatSeconds(utilMs),
        goal: `≥ ${GOAL}× faster`,
        met,
        limits:
          met === false
            ? [
                minimumNote,
                ...explainExcess(
                  wallMs,
                  min,
                  hostTiming(result.transcripts[0]!, child),
                  transferCostMs(ctx.cost, 0),
                  extraTransfers(min),
                  ctx.stack ? { stackMs: ctx.stack.smallMs, minimalMs: ctx.cost.smallMs, sleepLateMs: ctx.stack.sleepLateMs } : undefined,
                ),
              ]
            : undefined,
        notes: [
          `the device starts with the original image in flash (loaded into the simulated flash before the run); dfu-flash erased ${erased || 'nothing'} and wrote ${written / KiB} KiB; both tools end with :leave; dfu-util's time does not depend on the content (one run serves both rows)`,
          minimumNote,
        ],
      });
    } catch (e) {
      if (!rejected(e)) throw e;
      rows.push({
        figure,
        dfuFlash: '--skip-unchanged not accepted by the CLI yet',
        dfuUtil: utilMs === undefined ? '' : formatSeconds(utilMs),
        goal: `≥ ${GOAL}× faster`,
        met: undefined,
      });
    }
  }
  return rows;
}
