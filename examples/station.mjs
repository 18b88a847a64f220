#!/usr/bin/env node
// A flashing station in a Node program: flash every board as it is plugged in, one line per board, until 3 are done.
// Here the boards are simulated and "plugged in" by the script itself; with real ones: usbBackend() from 'dfu-flash/usb'.
//   node examples/station.mjs
import { createStation, downloadJob, parseFirmware } from 'dfu-flash';
import { simBackend } from 'dfu-flash/sim';

const backend = simBackend(['stm32f4-sysboot'], { timeScale: 0.01 });
const image = parseFirmware(Uint8Array.from({ length: 32768 }, (_, i) => i & 0xff), { address: 0x08000000 });
const station = createStation({
  backend,
  select: { device: ',0483:df11', alt: 'Internal Flash' }, // DFU-mode boards only; runtime devices are never touched
  job: downloadJob({ image, leave: true }),
  count: 3,
  onEvent: (e) => {
    if (e.type === 'station-listening') backend.plug('stm32f4-sysboot', { port: '1-2' }); // a board arrives while the station runs
    if (e.type === 'board-finished') {
      console.log(`#${e.board.number} ${e.board.portPath} ${e.board.serial}: ${e.ok ? `ok, ${e.result.bytes} bytes, verified ${e.result.detail.verified}` : `${e.error.code}: ${e.error.message}`}`);
      if (e.board.number === 1) backend.plug('stm32f4-sysboot', { port: '1-3' }); // and another one later
    }
  },
});
process.once('SIGINT', () => station.stop()); // Ctrl-C: boards in flight finish; station.abort() would stop them
try {
  const totals = await station.run();
  console.log(`${totals.boards} boards: ${totals.ok} ok, ${totals.failed} failed (${totals.reason})`);
} finally {
  backend.dispose();
}
