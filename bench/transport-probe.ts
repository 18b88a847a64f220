/**
 * The per-transfer cost through dfu-flash's own USB stack (src/transport/usb:
 * Node, the usb 2.x package and its libusb), measured like calibrate_libusb.py
 * does for a minimal C-library client, and the lateness of the system clock's
 * deadline wait (sleepUntil) that the poll loop waits with. Run under the harness
 * against an idle F4 ROM; prints one JSON object:
 *   { small: [ms...], data: [ms...], dataLength, sleepLate: [ms...] }
 *
 *   node dist/bench/transport-probe.js COUNT
 */
import { DFU_ABORT, DFU_CLRSTATUS, DFU_DNLOAD, DFU_GETSTATUS, DFU_UPLOAD, DfuState } from '../src/dfu/constants.js';
import { systemClock } from '../src/transport/clock.js';
import type { DfuTransport } from '../src/transport/types.js';
import { createUsbBackend } from '../src/transport/usb/index.js';

const count = Number(process.argv[2] ?? 100);
const timeoutMs = 2000;
const OUT = 0x21;
const IN = 0xa1;

async function status(t: DfuTransport): Promise<{ state: number; pollMs: number }> {
  const b = await t.controlIn({ bmRequestType: IN, bRequest: DFU_GETSTATUS, wValue: 0, wIndex: 0, wLength: 6 }, { timeoutMs });
  return { state: b[4]!, pollMs: b[1]! | (b[2]! << 8) | (b[3]! << 16) };
}

async function out(t: DfuTransport, bRequest: number, data: Uint8Array): Promise<void> {
  await t.controlOut({ bmRequestType: OUT, bRequest, wValue: 0, wIndex: 0, wLength: data.length }, data, { timeoutMs });
}

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const backend = await createUsbBackend();
try {
  const info = (await backend.list())[0];
  if (info === undefined) throw new Error('no DFU device');
  const t = await backend.open(info);
  try {
    await t.claimInterface(0);
    await t.setAltSetting(0, 0);
    if ((await status(t)).state === DfuState.dfuERROR) await out(t, DFU_CLRSTATUS, new Uint8Array(0));
    const small = await timed(count, () => status(t));
    await out(t, DFU_DNLOAD, Uint8Array.of(0x21, 0x00, 0x00, 0x00, 0x08));
    for (let s = await status(t); s.state === DfuState.dfuDNBUSY; s = await status(t)) await systemClock.sleep(s.pollMs);
    await out(t, DFU_ABORT, new Uint8Array(0));
    const data = await timed(count, () =>
      t.controlIn({ bmRequestType: IN, bRequest: DFU_UPLOAD, wValue: 2, wIndex: 0, wLength: 2048 }, { timeoutMs }),
    );
    await out(t, DFU_ABORT, new Uint8Array(0));
    // the poll loop's wait: a deadline 5 ms after the last completion
    const sleepLate = (await timed(20, () => systemClock.sleepUntil(performance.now() + 5))).map((ms) => ms - 5);
    process.stdout.write(JSON.stringify({ small, data, dataLength: 2048, sleepLate }) + '\n');
  } finally {
    await t.close();
  }
} finally {
  backend.dispose();
}
