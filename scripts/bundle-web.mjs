#!/usr/bin/env node
// Bundles the browser modules into dist/web/ (run by `npm run build`, after tsc):
//   dfu-flash.js   `dfu-flash/web`: src/web/index.ts as one ES module (add exports there, not here)
//   sim.js         the fake navigator.usb over the simulated devices (src/sim/webusb), ES module
//   sim-inject.js  the same as a classic script (global DfuFlashSim) for evaluateOnNewDocument / addInitScript
//   page/          the flasher page of `dfu-flash web`: index.html, flasher.css and flasher.js (src/web/page, bundled
//                  from its TypeScript: the main tsconfig leaves it out), which imports ./dfu-flash.js beside it
// Each must import no Node built-in and no `usb` (scripts/web-bundle-rules.mjs); sizes are printed.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { browserBuildOptions, checkBrowserCode, pageClientOnly } from './web-bundle-rules.mjs';

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

// the flasher page: its script shares dfu-flash.js with any other page of the site (it is not bundled into it)
const PAGE_SRC = 'src/web/page';
const PAGE_OUT = `${OUT}/page`;
mkdirSync(PAGE_OUT, { recursive: true });
const pageOptions = { ...browserBuildOptions, plugins: [pageClientOnly(PAGE_SRC, './dfu-flash.js'), ...browserBuildOptions.plugins], entryPoints: [`${PAGE_SRC}/main.ts`], format: 'esm' };
await build({ ...pageOptions, outfile: `${PAGE_OUT}/flasher.js`, minify: true, sourcemap: false });
checkBrowserCode('page/flasher.js', readFileSync(`${PAGE_OUT}/flasher.js`, 'utf8'));
for (const f of ['index.html', 'flasher.css']) copyFileSync(`${PAGE_SRC}/${f}`, `${PAGE_OUT}/${f}`);
if (!quiet) {
  const sizes = ['index.html', 'flasher.css', 'flasher.js'].map((f) => {
    const bytes = readFileSync(`${PAGE_OUT}/${f}`);
    return `${f} ${kib(bytes.length)} (gzip ${kib(gzipSync(bytes).length)})`;
  });
  console.log(`${PAGE_OUT}: ${sizes.join(', ')}`);
}
