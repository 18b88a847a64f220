#!/usr/bin/env node
// Flash a firmware file with a progress bar of our own, then print the result.
//   node examples/download.mjs [FILE] [--usb]     (default: 64 KiB of pattern to a simulated STM32F4)
import { readFile } from 'node:fs/promises';
import { download, parseFirmware, DfuFlashError } from 'dfu-flash';

const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
const bytes = file === undefined ? Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff) : new Uint8Array(await readFile(file));
const backend = process.argv.includes('--usb')
  ? (await import('dfu-flash/usb')).usbBackend()
  : (await import('dfu-flash/sim')).simBackend(['stm32f4-sysboot'], { timeScale: 0.01 });

function bar(phase, done, total) {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
}

try {
  // a raw binary needs the address it belongs at; hex, srec, elf and .dfu files carry their own
  const image = parseFirmware(bytes, { address: 0x08000000 });
  const result = await download({
    backend,
    image,
    select: { alt: 'Internal Flash' },
    leave: true,
    onEvent(e) {
      if (e.type === 'phase-start') bar(e.phase, 0, e.totalBytes);
      else if (e.type === 'phase-progress') bar(e.phase, e.bytes, e.totalBytes);
      else if (e.type === 'phase-end') process.stderr.write(` done in ${e.elapsedMs.toFixed(0)} ms\n`);
      else if (e.type === 'warning') process.stderr.write(`warning: ${e.message}\n`);
    },
  });
  console.log(JSON.stringify({ bytes: result.bytes, verified: result.verified, end: result.end, phases: result.phases }));
} catch (e) {
  if (!(e instanceof DfuFlashError)) throw e;
  console.error(`failed (${e.code}): ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
  process.exitCode = 1;
} finally {
  backend.dispose();
}
