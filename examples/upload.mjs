#!/usr/bin/env node
// Read 4 KiB back from the start of the flash and print its first bytes.
//   node examples/upload.mjs [--usb]
import { upload, download } from 'dfu-flash';

const usb = process.argv.includes('--usb');
const backend = usb ? (await import('dfu-flash/usb')).usbBackend() : (await import('dfu-flash/sim')).simBackend(['stm32f4-sysboot'], { timeScale: 0 });
try {
  if (!usb) await download({ backend, image: new TextEncoder().encode('hello from the simulated flash'), address: 0x08000000 });
  const data = await upload({ backend, select: { alt: 0 }, address: 0x08000000, length: 4096 });
  console.log(`read ${data.length} bytes:`, Buffer.from(data.subarray(0, 32)).toString('latin1').replace(/\xff+$/, ''));
} finally {
  backend.dispose();
}
