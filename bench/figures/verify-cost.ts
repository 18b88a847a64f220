/**
 * The cost of read-back verification, as its own figure: the same 100 KiB
 * download to the F4 ROM by dfu-flash with and without verification, runs
 * interleaved, on typical timing. The extra wall time, against the read-back's
 * own device-imposed minimum (UPLOAD of every block, its SET_ADDRESS and
 * ABORTs: bus-bound, no busy time). dfu-util cannot verify.
 */
import type { BenchContext } from '../context.js';
import { firmware, KiB } from '../firmware.js';
import { benchRun } from '../harness.js';
import { deviceMinimum } from '../minimum.js';
import type { ProbeEntry } from '../probe-types.js';
import { median, medianBy } from '../stats.js';
import { formatSeconds, type Row } from '../table.js';
import type { VerifyFlags } from '../cli-flags.js';

const SIZE = 100 * KiB;
const base = (extra: string[]): string[] => ['node', 'bin/dfu-flash', 'download', ...extra, '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];

export async function verifyCost(ctx: BenchContext, flags: VerifyFlags): Promise<Row[]> {
  const image = firmware(SIZE, 7);
  const runs: Record<'with' | 'without', { wallMs: number; transcript: ProbeEntry[] }[]> = { with: [], without: [] };
  for (let i = 0; i < ctx.runs; i++) {
    for (const [kind, extra] of [['with', flags.verify], ['without', flags.noVerify]] as const) {
      ctx.log(`verification cost: dfu-flash ${kind} verification, run ${i + 1}/${ctx.runs}`);
      const r = await benchRun({ profiles: ['stm32f4-sysboot'], commands: [base(extra)], timeScale: ctx.timeScale, files: { 'fw.bin': image } });
      runs[kind].push({ wallMs: r.rounds[0]!.children[0]!.wallMs, transcript: r.transcripts[0]! });
    }
  }
  const withWall = median(runs.with.map((r) => r.wallMs));
  const withoutWall = median(runs.without.map((r) => r.wallMs));
  const options = { protocol: 'dfuse' as const, transferSize: 2048 };
  const min = (t: ProbeEntry[]): number => deviceMinimum(t, ctx.cost, options).minimumMs;
  const readBackMin = min(medianBy(runs.with, (r) => r.wallMs).transcript) - min(medianBy(runs.without, (r) => r.wallMs).transcript);
  const uploads = medianBy(runs.with, (r) => r.wallMs).transcript.filter((e) => e.request === 'DFU_UPLOAD').length;
  const extra = withWall - withoutWall;
  return [
    {
      figure: 'Read-back verification: extra time, F4 ROM, 100 KiB',
      dfuFlash: `+${formatSeconds(extra)} (${((extra / withoutWall) * 100).toFixed(1)} % of ${formatSeconds(withoutWall)})`,
      dfuUtil: 'cannot verify',
      goal: '—',
      met: 'no goal',
      notes: [
        `median of ${ctx.runs} runs each, interleaved: ${formatSeconds(withWall)} with verification (${flags.verify.length > 0 ? flags.verify.join(' ') : 'the default'}), ${formatSeconds(withoutWall)} without (${flags.noVerify.length > 0 ? flags.noVerify.join(' ') : 'the default'})`,
        `the read-back's device-imposed minimum: ${formatSeconds(readBackMin)} (${uploads} UPLOADs of 2048 bytes with their SET_ADDRESS and ABORTs, bus time only)`,
      ],
    },
  ];
}
