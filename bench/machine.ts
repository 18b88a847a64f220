/** Facts about the machine and the checkout a bench run happened on. */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface MachineFacts {
  date: string;
  nproc: number;
  cpu: string;
  node: string;
  dfuUtil: string;
  commit: string;
  loadBefore: number[];
  loadAfter?: number[] | undefined;
}

function tryRun(cmd: string, args: string[], cwd: string): string | undefined {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

export function machineFacts(repo: string): MachineFacts {
  const head = tryRun('git', ['rev-parse', '--short=12', 'HEAD'], repo) ?? 'unknown';
  const dirty = (tryRun('git', ['status', '--porcelain', '--untracked-files=no'], repo) ?? '') !== '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    dfuUtil: tryRun('dfu-util', ['-V'], repo)?.split('\n')[0] ?? 'not installed',
    commit: dirty ? `${head} (with uncommitted changes)` : head,
    loadBefore: loadavg(),
  };
}

export function describeMachine(m: MachineFacts): string {
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  return [
    `date ${m.date}; commit ${m.commit}`,
    `${m.nproc} CPUs (${m.cpu}); node ${m.node}; ${m.dfuUtil}`,
    `load average (1/5/15 min) before ${load(m.loadBefore)}${m.loadAfter ? `, after ${load(m.loadAfter)}` : ''}`,
  ].join('\n');
}
