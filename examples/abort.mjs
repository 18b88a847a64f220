#!/usr/bin/env node
// Abort a download half way (as a Stop button or Ctrl-C would), then flash again: the device was left in dfuIDLE.
//   node examples/abort.mjs
import { download, isDfuFlashError } from 'dfu-flash';
import { simBackend } from 'dfu-flash/sim';

const backend = simBackend(['stm32f4-sysboot'], { timeScale: 0.01 });
const image = Uint8Array.from({ length: 65536 }, (_, i) => i & 0xff);
try {
  const stop = new AbortController();
  const first = download({
    backend,
    image,
    address: 0x08000000,
    signal: stop.signal,
    onEvent: (e) => {
      if (e.type === 'phase-progress' && e.phase === 'download' && e.bytes >= e.totalBytes / 2) stop.abort();
    },
  });
  try {
    await first;
    console.log('finished before the abort took effect');
  } catch (e) {
    if (!isDfuFlashError(e, 'ABORTED')) throw e;
    console.log(`aborted: ${e.message}`);
  }
  const again = await download({ backend, image, address: 0x08000000 });
  console.log(`second download: ${again.bytes} bytes, verified ${again.verified}`);
} finally {
  backend.dispose();
}
