/**
 * Figure 5, memory: peak RSS (wait4's ru_maxrss, from timed_run.py) of a
 * download of 2 MiB. No libusb-emulated profile with 2 MiB downloads cleanly
 * with both tools: the F4 ROM has 1 MiB, and the STM32H7 ROM profile (16 ×
 * 128 KiB) wedges in its second bank on purpose (dfu-flash clears it with its
 * quirk, dfu-util does not). So: 2 MiB with `--simulate stm32h7-sysboot` (the
 * simulated device lives in the same process and counts too), 2 MiB to the H7
 * through libusb under the harness (dfu-flash only), and 1 MiB to the F4 ROM
 * through libusb with dfu-util beside it. `node -e 0` and `dfu-flash list`
 * give the floor that module loading sets; in the libusb rows, mem-sampler.js
 * splits the peak into V8 heap and buffers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { firmware, MiB } from '../firmware.js';
import { benchRun } from '../harness.js';
import { localRun } from '../local-run.js';
import { formatMegabytes, type Row } from '../table.js';

const GOAL_BYTES = 100e6;
/** Memory does not depend on timing: the libusb rows run with busy times × this. */
const HARNESS_TIME_SCALE = 0.05;
const ARGS = ['-a', '0', '-s', '0x08000000:leave'];
/** Samples process.memoryUsage() in the measured process (see mem-sampler.ts). */
const SAMPLER = './dist/bench/mem-sampler.js';

/** Peaks printed by mem-sampler.js (bytes). */
export interface MemoryPeaks {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const SAMPLER_TAG = 'dfu-flash-bench-memory ';

export function parsePeaks(stderr: string): MemoryPeaks | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith(SAMPLER_TAG));
  return line === undefined ? undefined : (JSON.parse(line.slice(SAMPLER_TAG.length)) as MemoryPeaks);
}

/** "V8 heap peaked at 47.0 MB (26.7 MB in use), buffers outside the heap at 6.6 MB". */
export function describePeaks(p: MemoryPeaks): string {
  return `V8 heap peaked at ${formatMegabytes(p.heapTotal)} (${formatMegabytes(p.heapUsed)} in use), memory outside the V8 heap (buffers) at ${formatMegabytes(p.external)}`;
}

function row(figure: string, flash: number, util: number | undefined, notes: string[], floor: string, peaks?: MemoryPeaks): Row {
  const met = flash <= GOAL_BYTES;
  const split = peaks === undefined ? [] : [describePeaks(peaks)];
  return {
    figure,
    dfuFlash: formatMegabytes(flash),
    dfuUtil: util === undefined ? '' : formatMegabytes(util),
    goal: `≤ ${formatMegabytes(GOAL_BYTES)}`,
    met,
    limits: met ? undefined : [floor, ...split],
    notes: [...notes, ...split],
  };
}

export async function memory(ctx: BenchContext): Promise<Row[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'dfu-flash-bench-'));
  try {
    const file = join(scratch, 'fw-2m.bin');
    const twoMiB = firmware(2 * MiB, 5);
    writeFileSync(file, twoMiB);
    ctx.log('memory: 2 MiB to --simulate stm32h7-sysboot (sim time scale 0); node -e 0 and dfu-flash list for the floor');
    const local = localRun(
      [
        ['node', 'bin/dfu-flash', 'download', '--simulate', 'stm32h7-sysboot', '--sim-time-scale', '0', ...ARGS, file],
        ['node', '-e', '0'],
        ['node', 'bin/dfu-flash', 'list'],
      ],
      1,
    );
    const [sim, bare, list] = local.rounds[0]!.children.map((c) => c.maxRssKiB * 1024) as [number, number, number];
    const floor = `node -e 0 peaks at ${formatMegabytes(bare)}, dfu-flash list (all modules and libusb loaded, no device) at ${formatMegabytes(list)}`;
    const wedge = 'the H7 ROM profile wedges on 0x08100000 on purpose; dfu-flash clears it after 6 s (its quirk), which only adds time';
    const rows = [row('Peak RSS, 2 MiB download (--simulate stm32h7-sysboot, simulator in-process)', sim, undefined, [wedge, floor], floor)];

    const rss = async (profile: string, image: Uint8Array, command: string[]): Promise<{ rss: number; peaks: MemoryPeaks | undefined }> => {
      const r = await benchRun({ profiles: [profile], commands: [command], timeScale: HARNESS_TIME_SCALE, files: { 'fw.bin': image } });
      return { rss: r.rounds[0]!.children[0]!.maxRssKiB * 1024, peaks: parsePeaks(r.stderr) };
    };
    const flashCmd = ['node', '--import', SAMPLER, 'bin/dfu-flash', 'download', ...ARGS, '{dir}/fw.bin'];
    if (!ctx.quick) {
      ctx.log(`memory: 2 MiB to the H7 ROM through libusb (harness, time scale ${HARNESS_TIME_SCALE})`);
      const h7 = await rss('stm32h7-sysboot', twoMiB, flashCmd);
      rows.push(
        row(
          'Peak RSS, 2 MiB download to the H7 ROM through libusb (harness)',
          h7.rss,
          undefined,
          [wedge, `busy times × ${HARNESS_TIME_SCALE}; dfu-util cannot get past the wedge`],
          floor,
          h7.peaks,
        ),
      );
    }
    ctx.log(`memory: 1 MiB to the F4 ROM through libusb (harness, time scale ${HARNESS_TIME_SCALE}), both tools`);
    const oneMiB = firmware(1 * MiB, 6);
    const f4 = await rss('stm32f4-sysboot', oneMiB, flashCmd);
    const util = ctx.dfuUtil ? (await rss('stm32f4-sysboot', oneMiB, ['dfu-util', ...ARGS, '-D', '{dir}/fw.bin'])).rss : undefined;
    rows.push(row('Peak RSS, 1 MiB download to the F4 ROM through libusb (harness)', f4.rss, util, [`the F4 ROM has 1 MiB; busy times × ${HARNESS_TIME_SCALE}`], floor, f4.peaks));
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
