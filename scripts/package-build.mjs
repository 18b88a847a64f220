#!/usr/bin/env node
// The build that goes into the package (npm pack, npm install from git): the library and the CLI from
// src/ only, with type declarations and without source maps (the package ships no .ts files for them to
// point at). `npm run build` is the developer build: src, test and bench, with maps.
// As `prepare`, it skips the build when npm packs or publishes: `prepack` has just run it.
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv.includes('--prepare') && ['pack', 'publish'].includes(process.env.npm_command ?? '')) process.exit(0);

for (const dir of ['dist/src', 'dist/bundle', 'dist/web']) rmSync(new URL(`../${dir}`, import.meta.url), { recursive: true, force: true });
const steps = [
  [process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json']],
  [process.execPath, [fileURLToPath(new URL('./bundle.mjs', import.meta.url)), '--no-sourcemap']],
  [process.execPath, [fileURLToPath(new URL('./bundle-web.mjs', import.meta.url)), '--no-sourcemap', '--quiet']],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
