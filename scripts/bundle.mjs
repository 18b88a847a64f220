#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/: a few files instead of ~180
// modules, which is most of dfu-flash's start-up time (and far more under umockdev's preload).
// Commands stay lazily loaded: each dynamic import() becomes its own chunk. `usb` (native) stays external.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bundle',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['usb'],
  // maps for the developer build (the bench attributes CPU profiles with them); none in the package
  sourcemap: process.argv.includes('--no-sourcemap') ? false : 'linked',
  // CommonJS dependencies (cli-progress, …) call require() for Node built-ins: give ESM chunks a real one.
  banner: { js: "import { createRequire as __dfuCreateRequire } from 'node:module'; const require = __dfuCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
