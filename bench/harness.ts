/**
 * The bench's way into the umockdev harness: runWithDevices (test/e2e/harness)
 * with the bench's device module (sim-probe.js: annotated transcripts, flash
 * preloading) in place of plain src/sim, and every command started and timed
 * by timed_run.py inside the harness (wall time from fork to exit, peak RSS).
 * The harness's own elapsedMs also counts its state dump after the command.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runWithDevices, type DeviceSpec, type MemoryRange, type RunResult } from '../test/e2e/harness/run.js';
import { PRELOAD_ENV, type PreloadSpec, type ProbeEntry } from './probe-types.js';

export { REPO_ROOT, dfuUtilAvailable, umockdevAvailable } from '../test/e2e/harness/run.js';

const PROBE_JS = join(dirname(fileURLToPath(import.meta.url)), 'sim-probe.js');
export const TIMED_RUN = join(REPO_ROOT, 'bench/timed_run.py');
export const PYTHON = '/usr/bin/python3';

export interface BenchRun {
  profiles: (string | DeviceSpec)[];
  /** Commands started at once (each an argv; `{dir}` is the scratch directory with `files`). */
  commands: string[][];
  timeScale: number;
  /** Run the set of commands this many times in a row, in one harness session (default 1). */
  repeat?: number | undefined;
  /** Run the commands one after another instead of at once (repeated rounds then interleave them). */
  oneByOne?: boolean | undefined;
  files?: Record<string, Uint8Array> | undefined;
  /** Flash contents the devices start with. */
  preload?: { profile: string; serial?: string; address: number; data: Uint8Array }[] | undefined;
  dumpRanges?: MemoryRange[] | undefined;
  /** Exit statuses that count as success (default [0]). */
  okCodes?: number[] | undefined;
  /** Early polls are an error (the harness throws) unless allowed (a reference tool's runs: counted instead). */
  allowEarlyPolls?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface ChildTiming {
  code: number;
  wallMs: number;
  maxRssKiB: number;
  /** CPU time of the process (user + system). */
  cpuMs: number;
  /** Wall-clock start and exit (ms since the epoch), comparable with ProbeEntry.origin + t. */
  startEpochMs: number;
  endEpochMs: number;
}

export interface BenchResult extends RunResult {
  rounds: { wallMs: number; children: ChildTiming[] }[];
  /** Annotated transcript of each simulated device, in creation order. */
  transcripts: ProbeEntry[][];
}

/** Run commands against emulated devices; throws when a command failed. */
export async function benchRun(run: BenchRun): Promise<BenchResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'dfu-flash-bench-'));
  const saved = { module: process.env.SIM_BRIDGE_MODULE, preload: process.env[PRELOAD_ENV] };
  try {
    process.env.SIM_BRIDGE_MODULE = PROBE_JS;
    if (run.preload !== undefined && run.preload.length > 0) {
      const specs: PreloadSpec[] = run.preload.map((p, i) => {
        const file = join(scratch, `preload-${i}.bin`);
        writeFileSync(file, p.data);
        return { profile: p.profile, serial: p.serial, address: p.address, file };
      });
      const list = join(scratch, 'preload.json');
      writeFileSync(list, JSON.stringify(specs));
      process.env[PRELOAD_ENV] = list;
    } else {
      delete process.env[PRELOAD_ENV];
    }
    const timings = join(scratch, 'timings.json');
    const command = [
      PYTHON,
      TIMED_RUN,
      '--repeat',
      String(run.repeat ?? 1),
      ...(run.oneByOne ? ['--one-by-one'] : []),
      timings,
      ...joinCommands(run.commands),
    ];
    const r = await runWithDevices({
      profiles: run.profiles,
      command,
      timeScale: run.timeScale,
      files: run.files ?? {},
      dumpRanges: run.dumpRanges ?? [],
      timeoutMs: run.timeoutMs ?? 300_000,
      allowEarlyPolls: run.allowEarlyPolls ?? false,
    });
    const what = run.commands.map((c) => c.join(' ')).join(' & ');
    if (r.timedOut) throw new Error(`${what}: timed out\n${r.stderr.slice(-2000)}`);
    let parsed: { rounds: BenchResult['rounds'] };
    try {
      parsed = JSON.parse(readFileSync(timings, 'utf8')) as { rounds: BenchResult['rounds'] };
    } catch {
      throw new Error(`${what}: no timings (exit ${r.code})\n${r.stderr.slice(-2000)}\n${r.log.slice(-2000)}`);
    }
    const ok = run.okCodes ?? [0];
    const bad = parsed.rounds.flatMap((round) => round.children).find((c) => !ok.includes(c.code));
    if (bad !== undefined) throw new Error(`${what}: exited with ${bad.code}\n${r.stderr.slice(-2000)}`);
    return { ...r, rounds: parsed.rounds, transcripts: r.devices.map((d) => d.transcript as ProbeEntry[]) };
  } finally {
    restoreEnv('SIM_BRIDGE_MODULE', saved.module);
    restoreEnv(PRELOAD_ENV, saved.preload);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** timed_run.py's argv for several commands: separated by a lone `::`. */
export function joinCommands(commands: string[][]): string[] {
  return commands.flatMap((c, i) => (i === 0 ? c : ['::', ...c]));
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
