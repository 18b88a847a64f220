#!/usr/bin/env node
// List DFU devices: real ones through libusb with --usb, else two simulated boards.
//   node examples/list.mjs            node examples/list.mjs --usb
import { listDevices } from 'dfu-flash';

const backend = process.argv.includes('--usb')
  ? (await import('dfu-flash/usb')).usbBackend()
  : (await import('dfu-flash/sim')).simBackend(['stm32f4-sysboot', 'dapboot']);
try {
  for (const d of await listDevices({ backend })) {
    const id = `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
    console.log(`${id} at ${d.portPath}, ${d.mode} mode${d.serial === undefined ? '' : `, serial ${d.serial}`}`);
    for (const alt of d.alts) {
      const regions = alt.layout?.segments.map((s) => `0x${s.start.toString(16)}+${s.end - s.start}`).join(' ') ?? '';
      console.log(`  alt ${alt.alternateSetting} ${JSON.stringify(alt.name ?? null)} ${regions}`);
    }
  }
} finally {
  backend.dispose();
}
