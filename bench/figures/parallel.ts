/**
 * Figure 3, parallel: four F4 ROM boards flashed at once against one board,
 * wall-time ratio. Preferred form: one command, `dfu-flash download --all`.
 * If the CLI does not accept --all, four dfu-flash processes (one per serial,
 * -S) run concurrently in one harness session instead; the row says which.
 * dfu-util has no multi-board mode: four concurrent processes, one per serial.
 */
import { availableParallelism } from 'node:os';
import type { BenchContext } from '../context.js';
import { firmware, KiB } from '../firmware.js';
import { benchRun } from '../harness.js';
import { formatSeconds, type Row } from '../table.js';

const SIZE = 100 * KiB;
const GOAL = 1.3;
const SERIALS = ['315A28A0B956', '315A28A0B957', '315A28A0B958', '315A28A0B959'];
const ARGS = ['-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];

function boards(n: number): { profile: string; serial: string }[] {
  return SERIALS.slice(0, n).map((serial) => ({ profile: 'stm32f4-sysboot', serial }));
}

interface Timed {
  /** From the first process start to the last exit. */
  wallMs: number;
  /** CPU time of all the processes together. */
  cpuMs: number;
}

/** Run the commands at once; every board is checked for the image. */
async function wall(n: number, commands: string[][], image: Uint8Array, ctx: BenchContext): Promise<Timed> {
  const r = await benchRun({
    profiles: boards(n),
    commands,
    timeScale: ctx.timeScale,
    files: { 'fw.bin': image },
    dumpRanges: [{ address: 0x08000000, length: image.length }],
  });
  const flashed = r.devices.filter((d) => {
    const got = d.ranges[0]?.data;
    return got !== undefined && Buffer.compare(Buffer.from(got), Buffer.from(image)) === 0;
  });
  if (flashed.length !== n) throw new Error(`${commands[0]!.join(' ')}: ${flashed.length} of ${n} boards hold the image`);
  const round = r.rounds[0]!;
  return { wallMs: round.wallMs, cpuMs: round.children.reduce((a, c) => a + c.cpuMs, 0) };
}

const isUsageError = (e: unknown): boolean => e instanceof Error && /exited with 64\b/.test(e.message);

/** The first error line the CLI printed (for the row), e.g. "[1-1] dfu-flash: error: … Device is not open". */
function firstErrorLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').find((l) => l.includes('error:')) ?? text.split('\n')[0] ?? '';
  return line.trim().slice(0, 300);
}

export async function parallel(ctx: BenchContext): Promise<Row[]> {
  const image = firmware(SIZE, 3);
  const all = ['node', 'bin/dfu-flash', 'download', '--all', ...ARGS];
  const perSerial = (serials: string[]): string[][] => serials.map((s) => ['node', 'bin/dfu-flash', 'download', '-S', s, ...ARGS]);
  let how: string;
  let one: Timed;
  let four: Timed;
  let fallback: string | undefined;
  try {
    ctx.log('parallel: dfu-flash download --all, one board');
    one = await wall(1, [all], image, ctx);
    ctx.log('parallel: dfu-flash download --all, four boards');
    four = await wall(4, [all], image, ctx);
    how = 'one command: dfu-flash download --all';
  } catch (e) {
    fallback = isUsageError(e)
      ? 'the CLI does not accept --all yet'
      : `dfu-flash download --all failed (${firstErrorLine(e)})`;
    ctx.log(`parallel: ${fallback}; four concurrent dfu-flash processes instead`);
    one = await wall(1, perSerial(SERIALS.slice(0, 1)), image, ctx);
    four = await wall(4, perSerial(SERIALS), image, ctx);
    how = `${fallback}: four concurrent dfu-flash processes (-S serial) in one harness session`;
  }
  let util: { one: Timed; four: Timed } | undefined;
  if (ctx.dfuUtil) {
    const cmd = (s: string): string[] => ['dfu-util', '-S', s, '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'];
    ctx.log('parallel: dfu-util, one board, then four concurrent processes');
    util = { one: await wall(1, [cmd(SERIALS[0]!)], image, ctx), four: await wall(4, SERIALS.map(cmd), image, ctx) };
  }
  const ratio = four.wallMs / one.wallMs;
  const met = ratio <= GOAL;
  const cpus = availableParallelism();
  const cpu = `CPU time: dfu-flash ${formatSeconds(four.cpuMs)} for four boards, ${formatSeconds(one.cpuMs)} for one` + (util ? `; dfu-util ${formatSeconds(util.four.cpuMs)} and ${formatSeconds(util.one.cpuMs)}` : '');
  return [
    {
      figure: 'Parallel: four F4 boards ÷ one board (100 KiB each, wall time)',
      dfuFlash: `${ratio.toFixed(2)}× (${formatSeconds(four.wallMs)} / ${formatSeconds(one.wallMs)})`,
      dfuUtil: util ? `${(util.four.wallMs / util.one.wallMs).toFixed(2)}× (${formatSeconds(util.four.wallMs)} / ${formatSeconds(util.one.wallMs)}, 4 processes)` : '',
      goal: `≤ ${GOAL.toFixed(1)}×`,
      met,
      limits: met
        ? undefined
        : [
            `${formatSeconds(four.wallMs - one.wallMs)} more for four boards than for one (${how})`,
            `${cpu}, on ${cpus} CPUs shared with the emulation (one Python host and one Node bridge serve every board's transfers)`,
          ],
      notes: [`measured: ${how}`, cpu],
    },
  ];
}
