/**
 * Test helper: run a real command (the built CLI, dfu-util, a probe script)
 * against emulated USB devices, and get back its exit code, output and the
 * final state of every simulated device.
 *
 *   const r = await runWithDevices({ profiles: ['stm32f4-sysboot'], command: ['dfu-util', '-l'] });
 *
 * Under the hood: /usr/bin/python3 umockdev_host.py (plays the kernel through
 * umockdev) + node sim-bridge.js (runs src/sim devices). See test/e2e/README.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from './hex.js';
import type { BusChange, DeviceSpec, MemoryRange, StateDump, WireDeviceState } from './protocol.js';
import type { SimTiming } from '../../../src/sim/timing-variants.js';

export type { BusChange, DeviceSpec, MemoryRange, PlugAnchor, UnplugTrigger } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/test/e2e/harness
/** The repository root (where package.json and bin/ live). */
export const REPO_ROOT = resolve(here, '../../../..');
export const PYTHON = '/usr/bin/python3';
const HOST_PY = join(REPO_ROOT, 'test/e2e/harness/umockdev_host.py');
const BRIDGE_JS = join(here, 'sim-bridge.js');
const SIM_JS = join(REPO_ROOT, 'dist/src/sim/index.js');
const TMP_ROOT = join(REPO_ROOT, '.e2e-tmp');

export interface RunOptions {
  /** Profiles to plug in, on ports 1, 2, … of bus 1 (or full DeviceSpecs). */
  profiles: (string | DeviceSpec)[];
  /** Multiplies every simulated busy time (default 0.05: fast, order preserved). */
  timeScale?: number;
  /** The devices' timing set (default 'typical'; a DeviceSpec's own `timing` wins). */
  timing?: SimTiming;
  /** argv; `{dir}` in any argument becomes the run's scratch directory (where `files` are). */
  command: string[];
  /** Deadline for the command; it is killed (process group) after this (default 30000). */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Files to create in the scratch directory before the run (name → contents). */
  files?: Record<string, string | Uint8Array>;
  /** Working directory of the command (default: the repository root). */
  cwd?: string;
  /** Memory ranges to read from every device after the run. */
  dumpRanges?: MemoryRange[];
  /** Text fed to the command's stdin. */
  stdin?: string | Uint8Array;
  /** Log every ioctl in the host log. */
  verbose?: boolean;
  /** Keep the scratch directory (also: E2E_KEEP=1). */
  keep?: boolean;
  /**
   * Every run checks that no device saw a GETSTATUS before the bwPollTimeout of the reply before it
   * (dated by the host's own URB times) and throws if one did; a test that polls early on purpose says so.
   */
  allowEarlyPolls?: boolean;
}

export interface DeviceState extends Omit<WireDeviceState, 'ranges'> {
  /** Where it was plugged in (absent if it never arrived on the bus). */
  bus?: number;
  port?: string;
  devnum?: number;
  /** When it arrived and left, in ms since the command started (see RunResult.timeline). */
  arrivedAtMs?: number;
  leftAtMs?: number;
  ranges: (MemoryRange & { data?: Uint8Array; error?: string })[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Every simulated device, in creation order (re-enumerated and re-plugged devices included). */
  devices: DeviceState[];
  /** Every plug and unplug on the emulated bus, in the order it happened. */
  timeline: BusChange[];
  /** Add to a transcript entry's `t` to get wall-clock ms, comparable with the timeline's epochMs. */
  transcriptEpochOffsetMs?: number | undefined;
  elapsedMs: number;
  timedOut: boolean;
  /** The scratch directory (deleted after the run unless `keep`). */
  dir: string;
  /** The host's and bridge's log. */
  log: string;
}

let availability: { ok: boolean; reason?: string } | undefined;

/** Can this machine run the harness? (Linux, umockdev + python3-gi, the sim built.) */
export function umockdevAvailable(): { ok: boolean; reason?: string } {
  if (availability) return availability;
  const check = (): { ok: boolean; reason?: string } => {
    if (process.platform !== 'linux') return { ok: false, reason: 'umockdev runs on Linux only' };
    if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
    const probe = spawnSync(
      PYTHON,
      [
        '-c',
        "import gi, ctypes.util; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev\n" +
          "assert ctypes.util.find_library('umockdev-preload'), 'libumockdev-preload not found'",
      ],
      { encoding: 'utf8', timeout: 20000 },
    );
    if (probe.status !== 0) {
      const why = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
      return { ok: false, reason: `umockdev is not usable from ${PYTHON} (apt-get install umockdev gir1.2-umockdev-1.0 python3-gi): ${why}` };
    }
    if (!existsSync(SIM_JS)) return { ok: false, reason: 'src/sim is not built (dist/src/sim/index.js missing): run npx tsc -p .' };
    if (!existsSync(BRIDGE_JS)) return { ok: false, reason: 'the sim bridge is not built: run npx tsc -p .' };
    return { ok: true };
  };
  availability = check();
  return availability;
}

/** Is dfu-util installed (the reference peer)? */
export function dfuUtilAvailable(): { ok: boolean; reason?: string } {
  const r = spawnSync('dfu-util', ['-V'], { encoding: 'utf8', timeout: 10000 });
  return r.status === 0 ? { ok: true } : { ok: false, reason: 'dfu-util is not installed (apt-get install dfu-util)' };
}

/** Process groups of runs still going, killed if the test process exits early. */
const live = new Set<number>();
process.on('exit', () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function killGroup(pgid: number | undefined): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function runWithDevices(opts: RunOptions): Promise<RunResult> {
  const available = umockdevAvailable();
  if (!available.ok) throw new Error(`umockdev harness unavailable: ${available.reason}`);
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TMP_ROOT, 'run-'));
  for (const [name, contents] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), contents);
  }
  const timeoutMs = opts.timeoutMs ?? 30000;
  const paths = {
    config: join(dir, '.host-config.json'),
    state: join(dir, '.state.json'),
    result: join(dir, '.result.json'),
    log: join(dir, '.host.log'),
    pid: join(dir, '.child.pid'),
  };
  const devices: DeviceSpec[] = opts.profiles.map((p) => (typeof p === 'string' ? { profile: p } : p));
  const config = {
    bridge: [process.execPath, BRIDGE_JS, '--time-scale', String(opts.timeScale ?? 0.05), ...(opts.timing ? ['--timing', opts.timing] : [])],
    devices,
    command: opts.command.map((a) => a.split('{dir}').join(dir)),
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? {},
    timeoutMs,
    stateFile: paths.state,
    resultFile: paths.result,
    logFile: paths.log,
    pidFile: paths.pid,
    scratchDir: dir,
    dump: { ranges: opts.dumpRanges ?? [] },
    verbose: opts.verbose ?? false,
  };
  writeFileSync(paths.config, JSON.stringify(config, null, 2));

  const started = performance.now();
  const host = spawn(PYTHON, [HOST_PY, '--config', paths.config], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (host.pid) live.add(host.pid);
  if (opts.stdin !== undefined) host.stdin!.end(opts.stdin);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  host.stdout!.on('data', (b: Buffer) => out.push(b));
  host.stderr!.on('data', (b: Buffer) => err.push(b));

  let watchdogFired = false;
  const watchdog = setTimeout(() => {
    watchdogFired = true;
    const childPid = Number(readFileSync(paths.pid, { encoding: 'utf8', flag: 'a+' }).trim()) || undefined;
    killGroup(childPid);
    killGroup(host.pid);
  }, timeoutMs + 20000);

  const exitCode = await new Promise<number>((resolveExit) => {
    host.on('close', (code, signal) => resolveExit(code ?? (signal ? 128 : 1)));
    host.on('error', () => resolveExit(127));
  });
  clearTimeout(watchdog);
  if (host.pid) live.delete(host.pid);
  const elapsedMs = performance.now() - started;

  const log = existsSync(paths.log) ? readFileSync(paths.log, 'utf8') : '';
  const result = readJson<{
    exitCode: number;
    timedOut: boolean;
    elapsedMs: number;
    bridgeError: string | null;
    devices: { sim: number; bus: number; port: string; devnum: number }[];
    timeline?: BusChange[];
  }>(paths.result);
  const dump = readJson<StateDump>(paths.state);
  const keep = opts.keep || process.env.E2E_KEEP === '1';
  if (!keep) rmSync(dir, { recursive: true, force: true });

  const stderr = Buffer.concat(err).toString('utf8');
  if (watchdogFired || !result || result.bridgeError) {
    const why = watchdogFired ? 'the harness itself hung and was killed' : (result?.bridgeError ?? `the host exited with ${exitCode} without a result`);
    throw new Error(`umockdev harness failure: ${why}\n--- stderr ---\n${stderr}\n--- host log ---\n${log}`);
  }
  const early = (dump?.devices ?? []).filter((d) => d.earlyPolls > 0);
  if (early.length > 0 && opts.allowEarlyPolls !== true) {
    const what = early.map((d) => `${d.profile} (dev ${d.dev}): ${d.earlyPolls} early GETSTATUS, first at t=${d.transcript.find((e) => e.early)?.t}`);
    throw new Error(`early poll: a GETSTATUS came before the bwPollTimeout of the reply before it: ${what.join('; ')} — command: ${opts.command.join(' ')}`);
  }
  const placed = new Map(result.devices.map((d) => [d.sim, d]));
  const timeline = result.timeline ?? [];
  const states: DeviceState[] = (dump?.devices ?? []).map((d) => {
    const where = placed.get(d.dev);
    const arrived = timeline.find((c) => c.dev === d.dev && c.type === 'plug');
    const left = timeline.find((c) => c.dev === d.dev && c.type === 'unplug');
    return {
      ...d,
      ...(where ? { bus: where.bus, port: where.port, devnum: where.devnum } : {}),
      ...(arrived ? { arrivedAtMs: arrived.atMs } : {}),
      ...(left ? { leftAtMs: left.atMs } : {}),
      ranges: d.ranges.map((r) => ({ ...r, data: r.data !== undefined ? fromHex(r.data) : undefined })),
    };
  });
  return {
    code: result.exitCode,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr,
    devices: states,
    timeline,
    transcriptEpochOffsetMs: dump?.timeOriginMs,
    elapsedMs: result.elapsedMs || elapsedMs,
    timedOut: result.timedOut,
    dir,
    log,
  };
}
