/**
 * Where a short-lived process spends its time, from a V8 CPU profile
 * (`node --cpu-prof`): each sample's self time is charged to where its
 * function comes from — a package (`zod`, `commander`, `usb`), a folder of
 * src/ (through the bundle's source maps), node's own internals, the garbage
 * collector, native calls, or idle (waiting). Pure apart from `loadProfile`
 * and `sourceMapLookup`, which read files.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

/** The parts of a .cpuprofile the breakdown needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Origin ("zod", "src/cli", …) of a bundled position through its source map, or undefined when unknown. */
export type SourceLookup = (url: string, line: number, column: number) => string | undefined;

/** The origin of a source path: "zod", "src/cli", … */
export function originOf(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  const nm = parts.lastIndexOf('node_modules');
  if (nm >= 0 && parts[nm + 1] !== undefined) {
    const pkg = parts[nm + 1]!;
    return pkg.startsWith('@') && parts[nm + 2] !== undefined ? `${pkg}/${parts[nm + 2]}` : pkg;
  }
  const src = parts.lastIndexOf('src');
  if (src >= 0 && parts[src + 1] !== undefined && src + 2 < parts.length) return `src/${parts[src + 1]}`;
  return parts.slice(-2).join('/');
}

/** Category of one profile node. */
export function categorize(frame: CpuProfile['nodes'][number]['callFrame'], lookup: SourceLookup): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(idle)') return 'idle (waiting for I/O or timers)';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)' || functionName === '(root)') return 'V8 / native (compiling, bootstrap)';
    return 'native calls (file system, dlopen, …)';
  }
  if (url.startsWith('node:')) return 'node internals (loading and compiling modules, streams, …)';
  return lookup(url, frame.lineNumber, frame.columnNumber) ?? originOf(url.startsWith('file:') ? fileURLToPath(url) : url);
}

/** Self time (ms) per category for one profile. */
export function breakdown(profile: CpuProfile, lookup: SourceLookup): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const category = new Map<number, string>();
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    let name = category.get(id);
    if (name === undefined) {
      const node = byId.get(id);
      name = node === undefined ? 'unknown' : categorize(node.callFrame, lookup);
      category.set(id, name);
    }
    out.set(name, (out.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

/** Median of each category over several profiles (a missing category counts as 0), largest first. */
export function medianBreakdown(all: readonly Map<string, number>[]): [string, number][] {
  const names = new Set(all.flatMap((m) => [...m.keys()]));
  return [...names].map((n): [string, number] => [n, median(all.map((m) => m.get(n) ?? 0))]).sort((a, b) => b[1] - a[1]);
}

export function loadProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Looks positions up in the `.map` file next to each bundled file (`sourcemap: 'linked'`); cached. */
export function sourceMapLookup(): SourceLookup {
  const maps = new Map<string, SourceMap | null>();
  return (url, line, column) => {
    if (!url.startsWith('file:') || !url.includes('/dist/bundle/')) return undefined;
    let map = maps.get(url);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(fileURLToPath(url) + '.map', 'utf8')));
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    if (map === null) return undefined;
    const entry = map.findEntry(line, column) as { originalSource?: string };
    if (entry.originalSource !== undefined) return originOf(entry.originalSource);
    // a chunk's top-level code (its module body) maps nowhere: charge it to the chunk's sources
    const origins = [...new Set(((map.payload as { sources?: string[] }).sources ?? []).map(originOf))];
    return origins.length === 1 ? origins[0] : `module top level of ${origins.join(' + ')}`;
  };
}

/** Per category, how much more `profile` spends than `baseline` (only what it adds), largest first. */
export function added(profile: readonly [string, number][], baseline: readonly [string, number][]): [string, number][] {
  const base = new Map(baseline);
  return profile
    .map(([name, ms]): [string, number] => [name, ms - (base.get(name) ?? 0)])
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
}
