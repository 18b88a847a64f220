// A program in another folder that installed the dfu-flash tarball: the example, checked step by
// step. Prints one JSON object with what it saw. With --usb it flashes the first DFU device through libusb.
import { listDevices, download, upload, parseFirmware, DfuFlashError } from 'dfu-flash';

const usb = process.argv.includes('--usb');
const backend = usb ? (await import('dfu-flash/usb')).usbBackend() : (await import('dfu-flash/sim')).simBackend(['stm32f4-sysboot', 'dapboot'], { timeScale: 0.01 });
const out = {};
try {
  const devices = await listDevices({ backend });
  out.devices = devices.map((d) => ({ id: `${d.vendorId.toString(16)}:${d.productId.toString(16)}`, mode: d.mode, serial: d.serial, portPath: d.portPath, alts: d.alts.map((a) => a.name), regions: d.alts[0]?.layout?.segments.length }));
  const bytes = Uint8Array.from({ length: 65536 }, (_, i) => (i * 13 + 5) & 0xff);
  const image = parseFirmware(bytes, { address: 0x08000000 });
  const events = [];
  const select = { device: '0483:df11', alt: 'Internal Flash' };
  const result = await download({ backend, image, select, leave: !usb, verify: true, onEvent: (e) => events.push(e.type === 'phase-progress' ? `progress:${e.phase}` : e.type === 'phase-start' || e.type === 'phase-end' ? `${e.type}:${e.phase}` : e.type) });
  out.download = { bytes: result.bytes, verified: result.verified, end: result.end, phases: result.phases.map((p) => p.phase) };
  // warning and debug may come at any time: the order is the other events'
  out.events = events.filter((e) => e !== 'debug' && e !== 'warning').filter((e, i, all) => e !== all[i - 1]);
  if (usb) {
    const back = await upload({ backend, select, address: 0x08000000, length: bytes.length });
    out.uploadSame = Buffer.compare(Buffer.from(back), Buffer.from(bytes)) === 0;
  } else {
    // the board left DFU mode after the leave; flash the second F4-less case on a fresh simulated board
    const sim = (await import('dfu-flash/sim')).simBackend(['stm32f4-sysboot'], { timeScale: 0.01 });
    await download({ backend: sim, image, select });
    const back = await upload({ backend: sim, select, address: 0x08000000, length: bytes.length });
    out.uploadSame = Buffer.compare(Buffer.from(back), Buffer.from(bytes)) === 0;
    const stop = new AbortController();
    try {
      await download({ backend: sim, image, select, signal: stop.signal, onEvent: (e) => e.type === 'phase-progress' && e.phase === 'download' && e.bytes >= 16384 && stop.abort() });
      out.aborted = 'not aborted';
    } catch (e) {
      out.aborted = e instanceof DfuFlashError ? e.code : String(e);
    }
    const again = await download({ backend: sim, image, select });
    out.afterAbort = { verified: again.verified, end: again.end };
    sim.dispose();
  }
} catch (e) {
  out.error = e instanceof DfuFlashError ? { code: e.code, message: e.message, hint: e.hint } : String(e?.stack ?? e);
} finally {
  backend.dispose();
}
console.log(JSON.stringify(out));
