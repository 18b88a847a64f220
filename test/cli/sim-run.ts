/**
 * run() in-process against simulated devices on a fake clock: the command
 * line goes through the whole CLI (parse, schemas, reporters, exit table)
 * and the real use cases; the backend is ours, so tests can inject faults
 * and read the simulated flash afterwards.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import type { BackendRequest } from '../../src/cli/io.js';
import { createSimBackend, type SimBackend } from '../../src/sim/index.js';
import { FakeClock } from '../../src/transport/clock.js';
import { watchBus } from '../support/early-polls.js';
import { memoryIo, type MemoryIo } from './helpers.js';

export interface SimRun {
  code: number;
  io: MemoryIo;
  backend: SimBackend;
  clock: FakeClock;
  /** What run() asked the backend factory for. */
  requests: BackendRequest[];
}

export interface SimRunOptions {
  cwd: string;
  /** Called with the backend before the command runs (faults, unplugging...). */
  setup?: (backend: SimBackend, clock: FakeClock) => void;
  tty?: boolean;
  timeScale?: number;
}

/** Run argv with `profiles` plugged in on ports 1-1, 1-2, ... (whatever --simulate says). */
export async function simRun(argv: string[], profiles: string[], o: SimRunOptions): Promise<SimRun> {
  const clock = new FakeClock();
  const backend = createSimBackend(profiles, { clock, timeScale: o.timeScale ?? 1 });
  watchBus(backend.bus);
  o.setup?.(backend, clock);
  const requests: BackendRequest[] = [];
  const io = memoryIo({ cwd: o.cwd, stderrIsTTY: o.tty ?? false, stderrColumns: 100, env: { NO_COLOR: '1', TERM: 'xterm' } });
  const code = await run(argv, io, {
    clock,
    createBackend: async (r) => {
      requests.push(r);
      return backend;
    },
  });
  return { code, io, backend, clock, requests };
}

export { pattern } from '../support/pattern.js';

export async function withFiles<T>(files: Record<string, Uint8Array | string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dfu-flash-cli-sim-'));
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The NDJSON lines on stdout, parsed. */
export function ndjson(io: MemoryIo): Record<string, unknown>[] {
  return io
    .out()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
