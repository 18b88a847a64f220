/**
 * Figure 4, start-up: `dfu-flash --version` and `dfu-flash list` with no
 * device (plain, and under the harness with zero emulated devices), medians
 * of several runs, with node's bare start-up (`node -e 0`, and an empty ES
 * module) beside them, and `list` without the bundle for comparison. The
 * commands of each set run one after another, round after round, so load
 * changes on the machine hit them alike. For a goal not met, a CPU profile of
 * the same command (cpu-profile.ts) says where the time goes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { added, breakdown, loadProfile, medianBreakdown, sourceMapLookup } from '../cpu-profile.js';
import { benchRun, type ChildTiming } from '../harness.js';
import { localRun } from '../local-run.js';
import { median } from '../stats.js';
import { formatSeconds, type Row } from '../table.js';

const VERSION_GOAL_MS = 150;
const LIST_GOAL_MS = 300;
/** An empty ES module: node's start-up with its ESM loader, as any `bin` of an ESM package pays. */
const EMPTY_MODULE = 'bench/empty.mjs';

/** Profiles written by `node --cpu-prof` into `dir`, as medians per category. */
function profiled(dir: string): [string, number][] {
  const lookup = sourceMapLookup();
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return medianBreakdown(files.map((f) => breakdown(loadProfile(join(dir, f)), lookup)));
}

/**
 * "an empty ES module takes 0.14 s (process spawn, node's own boot, exit); against its CPU profile,
 * the command's (median of 7) adds: node internals 0.12 s, zod 0.02 s, … — of the 0.41 s".
 * `categories` are what the command adds per category over the empty module's profile.
 */
export function describeProfile(categories: readonly [string, number][], totalMs: number, baseMs: number, runs: number, top = 8): string {
  const shown = categories.slice(0, top).filter(([, ms]) => ms >= 0.5);
  const rest = categories.slice(shown.length).reduce((a, [, ms]) => a + ms, 0);
  const parts = shown.map(([name, ms]) => `${name} +${formatSeconds(ms)}`);
  if (rest >= 0.5) parts.push(`other +${formatSeconds(rest)}`);
  return (
    `an empty ES module takes ${formatSeconds(baseMs)} (process spawn, node's own boot, exit); against its CPU profile, the command's ` +
    `(median of ${runs}, sampled self time; profiled runs are slower) adds: ${parts.join(', ')} — of the ${formatSeconds(totalMs)}`
  );
}

/** Median wall time of the i-th command over the rounds. */
function column(rounds: { children: ChildTiming[] }[], i: number): number {
  return median(rounds.map((r) => r.children[i]!.wallMs));
}

export async function startup(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.startupRuns;
  const scratch = mkdtempSync(join(tmpdir(), 'dfu-flash-bench-prof-'));
  try {
    const profiledList = (dir: string): string[] => ['node', '--cpu-prof', `--cpu-prof-dir=${dir}`, 'bin/dfu-flash', 'list'];
    const profiledEmpty = (dir: string): string[] => ['node', '--cpu-prof', `--cpu-prof-dir=${dir}`, EMPTY_MODULE];
    const dirs = { plain: join(scratch, 'plain'), plainBase: join(scratch, 'plain-base'), harness: join(scratch, 'harness'), harnessBase: join(scratch, 'harness-base') };
    const util = ctx.dfuUtil ? [['dfu-util', '-l']] : [];
    ctx.log(`start-up: node -e 0, an empty ES module, dfu-flash --version, dfu-flash list (bundled, unbundled, profiled)${ctx.dfuUtil ? ', dfu-util -l' : ''} (${n} rounds, no harness)`);
    const plain = localRun(
      [
        ['node', '-e', '0'],
        ['node', EMPTY_MODULE],
        ['node', 'bin/dfu-flash', '--version'],
        ['node', 'bin/dfu-flash', 'list'],
        ['env', 'DFU_FLASH_NO_BUNDLE=1', 'node', 'bin/dfu-flash', 'list'],
        profiledList(dirs.plain),
        profiledEmpty(dirs.plainBase),
        ...util,
      ],
      n,
    );
    const [bare, esm, version, listPlain, unbundled] = [0, 1, 2, 3, 4].map((i) => column(plain.rounds, i)) as [number, number, number, number, number];
    const utilPlain = ctx.dfuUtil ? column(plain.rounds, 7) : undefined;

    ctx.log(`start-up: node -e 0, dfu-flash list (plain, profiled)${ctx.dfuUtil ? ', dfu-util -l' : ''} under the harness with zero devices (${n} rounds)`);
    const h = await benchRun({
      profiles: [],
      commands: [['node', '-e', '0'], ['node', EMPTY_MODULE], ['node', 'bin/dfu-flash', 'list'], profiledList(dirs.harness), profiledEmpty(dirs.harnessBase), ...util],
      timeScale: ctx.timeScale,
      repeat: n,
      oneByOne: true,
    });
    const [bareH, esmH, listH] = [0, 1, 2].map((i) => column(h.rounds, i)) as [number, number, number];
    const utilH = ctx.dfuUtil ? column(h.rounds, 5) : undefined;

    type Profiles = { dir: string; base: string; baseMs: number };
    const row = (figure: string, ms: number, goalMs: number, nodeMs: number, utilMs: number | undefined, prof: Profiles | undefined): Row => {
      const met = ms <= goalMs;
      return {
        figure,
        dfuFlash: `${formatSeconds(ms)} (node -e 0: ${formatSeconds(nodeMs)})`,
        dfuUtil: utilMs === undefined ? '' : formatSeconds(utilMs),
        goal: `≤ ${formatSeconds(goalMs)}`,
        met,
        limits: met || prof === undefined ? undefined : [describeProfile(added(profiled(prof.dir), profiled(prof.base)), ms, prof.baseMs, n)],
        notes: [`median of ${n} rounds, wall time from fork to exit`],
      };
    };
    const versionRow = row('Start-up: dfu-flash --version', version, VERSION_GOAL_MS, bare, undefined, undefined);
    versionRow.notes!.push(`node running an empty ES module (${EMPTY_MODULE}): ${formatSeconds(esm)}`);
    if (versionRow.met === false) {
      versionRow.limits = [
        `node's own start-up: ${formatSeconds(bare)} for node -e 0, ${formatSeconds(esm)} for an empty ES module (the ESM loader), of the ${formatSeconds(version)}`,
      ];
    }
    const listRow = row('Start-up: dfu-flash list, no device (plain)', listPlain, LIST_GOAL_MS, bare, utilPlain, { dir: dirs.plain, base: dirs.plainBase, baseMs: esm });
    listRow.notes!.push(`the same without the bundle (DFU_FLASH_NO_BUNDLE=1, ~200 modules): ${formatSeconds(unbundled)}`);
    const harnessRow = row('Start-up: dfu-flash list, no device (harness, zero devices)', listH, LIST_GOAL_MS, bareH, utilH, {
      dir: dirs.harness,
      base: dirs.harnessBase,
      baseMs: esmH,
    });
    return [versionRow, listRow, harnessRow];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
