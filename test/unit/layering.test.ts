/**
 * The layering of src/ (STYLE.md), checked on the sources and their import
 * graph: the protocol core and the formats load without `usb`, node:fs,
 * node:zlib or `process`; nothing below src/cli prints; `usb` is imported
 * only by src/transport/usb, `navigator.usb` used only by the WebUSB backend;
 * the public entry 'dfu-flash' reaches neither `usb` nor the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const ALL = sources();
const rel = (p: string) => relative(SRC, p).replaceAll('\\', '/');
/** Code without comments, so a word in a doc comment is not an import or a call. */
const code = (p: string) => readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every module a file imports (static and dynamic; type-only imports are erased and do not count). */
function imports(file: string): string[] {
  const text = code(file);
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)) out.push(m[2]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
}

/** The files and bare modules reachable from `entry`. */
function reach(entry: string): { files: Set<string>; modules: Set<string> } {
  const files = new Set<string>();
  const modules = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of imports(f)) {
      const local = resolveLocal(f, spec);
      if (local === undefined) modules.add(spec);
      else todo.push(local);
    }
  }
  return { files, modules };
}

const FORBIDDEN_IN_CORE = ['usb', 'node:fs', 'node:fs/promises', 'node:zlib', 'fs', 'zlib'];

test('src/dfu and src/formats load without usb, node:fs, node:zlib or process', () => {
  for (const file of ALL.filter((f) => /^(dfu|formats)\//.test(rel(f)))) {
    const { files, modules } = reach(file);
    assert.deepEqual([...modules].filter((m) => FORBIDDEN_IN_CORE.includes(m)), [], `${rel(file)} reaches them`);
    for (const f of files) assert.doesNotMatch(code(f), /\bprocess\./, `${rel(f)} (reached from ${rel(file)}) uses process`);
  }
});

test('nothing below src/cli prints', () => {
  for (const file of ALL.filter((f) => !rel(f).startsWith('cli/'))) {
    assert.doesNotMatch(code(file), /\bconsole\.(log|error|warn|info|debug)\(|process\.(stdout|stderr)\.write/, rel(file));
  }
});

test('usb is imported only by src/transport/usb; navigator.usb is used only by the WebUSB backend', () => {
  for (const file of ALL) {
    if (imports(file).some((m) => m === 'usb' || m.startsWith('usb/'))) assert.match(rel(file), /^transport\/usb\//, rel(file));
    if (/\bnavigator\.usb\b/.test(code(file))) assert.match(rel(file), /^(transport\/webusb|web)\//, rel(file));
  }
});

test("the public entry 'dfu-flash' reaches neither usb nor the CLI (its frameworks included)", () => {
  const { files, modules } = reach(join(SRC, 'index.ts'));
  assert.deepEqual([...files].map(rel).filter((f) => f.startsWith('cli/') || f.startsWith('transport/usb/')), []);
  assert.deepEqual([...modules].filter((m) => ['usb', 'commander', 'chalk', 'cli-progress', 'zod'].includes(m)), []);
});

test('the layers below the CLI do not import the CLI, and the core does not import the use cases', () => {
  for (const file of ALL) {
    const r = rel(file);
    for (const spec of imports(file)) {
      const target = resolveLocal(file, spec);
      if (target === undefined) continue;
      const t = rel(target);
      if (!r.startsWith('cli/')) assert.ok(!t.startsWith('cli/'), `${r} imports ${t}`);
      if (/^(dfu|formats|transport|shared)\//.test(r)) assert.ok(!/^(ops|api|cli|station|web)\//.test(t), `${r} imports ${t}`);
    }
  }
});
