#!/usr/bin/env node
// Bundles the browser modules into dist/web/ (run by `npm run build`, after tsc):
//   dfu-flash.js   `dfu-flash/web`: src/web/index.ts as one ES module (add exports there, not here)
//   sim.js         the fake navigator.usb over the simulated devices (src/sim/webusb), ES module
//   sim-inject.js  the same as a classic script (global DfuFlashSim) for evaluateOnNewDocument / addInitScript
// Each must import no Node built-in and no `usb` (scripts/web-bundle-rules.mjs); sizes are printed.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync } from 'node:fs';
import { browserBuildOptions, checkBrowserCode } from './web-bundle-rules.mjs';

const OUT = 'dist/web';
const BUNDLES = [
  { file: 'dfu-flash.js', entry: 'dist/src/web/index.js', format: 'esm' },
  { file: 'sim.js', entry: 'dist/src/sim/webusb/index.js', format: 'esm' },
  { file: 'sim-inject.js', entry: 'dist/src/sim/webusb/index.js', format: 'iife', globalName: 'DfuFlashSim' },
];

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
rmSync(OUT, { recursive: true, force: true });
const quiet = process.argv.includes('--quiet');
for (const b of BUNDLES) {
  const outfile = `${OUT}/${b.file}`;
  await build({ ...browserBuildOptions, entryPoints: [b.entry], outfile, format: b.format, globalName: b.globalName, sourcemap: process.argv.includes('--no-sourcemap') ? false : 'linked' });
  const code = readFileSync(outfile, 'utf8');
  checkBrowserCode(b.file, code);
  if (!quiet) {
    const min = await build({ ...browserBuildOptions, entryPoints: [b.entry], format: b.format, globalName: b.globalName, minify: true, write: false });
    const minified = min.outputFiles[0].contents;
    console.log(`${outfile}: ${kib(code.length)} (minified ${kib(minified.length)}, gzip ${kib(gzipSync(minified).length)})`);
  }
}
