/**
 * `dfu-flash station` in-process, on simulated boards (FakeClock): the whole
 * CLI (parse, validation, reporters, exit table, the log) over our own sim
 * backend, so a test can plug boards in while it runs — in answer to the
 * station's own --json lines — and press Ctrl-C through injected interrupts.
 */
import { run } from '../../src/cli/main.js';
import { createSimBackend, type SimBackend } from '../../src/sim/index.js';
import { FakeClock } from '../../src/transport/clock.js';
import { memoryIo, type MemoryIo } from './helpers.js';

export interface StationCtl {
  backend: SimBackend;
  /** Press Ctrl-C. */
  interrupt(): void;
}

export interface StationRun {
  code: number;
  io: MemoryIo;
  backend: SimBackend;
  /** stdout's JSON lines (with --json). */
  lines: Record<string, unknown>[];
  /** Backends the CLI asked for (0: refused before it made one). */
  backends: number;
}

export async function stationRun(
  argv: string[],
  profiles: string[],
  o: { cwd: string; tty?: boolean; timeScale?: number; onLine?: (line: Record<string, unknown>, ctl: StationCtl) => void; setup?: (backend: SimBackend) => void },
): Promise<StationRun> {
  const clock = new FakeClock();
  const backend = createSimBackend(profiles, { clock, timeScale: o.timeScale ?? 0.01 });
  o.setup?.(backend);
  const handlers = new Set<(signal: string) => void>();
  const ctl: StationCtl = { backend, interrupt: () => queueMicrotask(() => handlers.forEach((h) => h('SIGINT'))) };
  const lines: Record<string, unknown>[] = [];
  const base = memoryIo({ cwd: o.cwd, stderrIsTTY: o.tty ?? false, stderrColumns: 110, env: { NO_COLOR: '1', TERM: 'xterm' } });
  let partial = '';
  const io: MemoryIo = {
    ...base,
    stdout: {
      write: (s: string) => {
        base.stdout.write(s);
        partial += s;
        let nl: number;
        while ((nl = partial.indexOf('\n')) >= 0) {
          const text = partial.slice(0, nl);
          partial = partial.slice(nl + 1);
          if (!text.startsWith('{')) continue;
          const line = JSON.parse(text) as Record<string, unknown>;
          lines.push(line);
          o.onLine?.(line, ctl);
        }
      },
    },
  };
  let backends = 0;
  const code = await run(argv, io, {
    clock,
    createBackend: async () => {
      backends++;
      return backend;
    },
    interrupts: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  });
  return { code, io, backend, lines, backends };
}
