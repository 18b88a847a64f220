/** In-process rigs: the use cases against simulated devices on a fake clock. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/transport/clock.js';
import { createSimBackend } from '../../src/sim/index.js';
import { watchBus } from '../support/early-polls.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { OpContext } from '../../src/ops/types.js';
import type { SimTranscriptEntry } from '../../src/sim/types.js';
import type { DfuTransport, SetupPacket, UsbBackend } from '../../src/transport/types.js';

export function rig(profiles: string[], timeScale = 1) {
  const clock = new FakeClock();
  const backend = createSimBackend(profiles, { clock, timeScale });
  watchBus(backend.bus);
  const events: FlashEvent[] = [];
  const ctx: OpContext = { backend, clock, emit: (e) => events.push(e) };
  return { clock, backend, events, ctx, device: (i = 0) => backend.bus.devices[i]! };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dfu-flash-test-'));
}

export { pattern } from '../support/pattern.js';

export function writeTemp(dir: string, name: string, data: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** DFU class requests (bmRequestType 0x21/0xA1) in a transcript. */
export function dfuRequests(transcript: readonly SimTranscriptEntry[]): SimTranscriptEntry[] {
  return transcript.filter((e) => (e.setup.bmRequestType & 0x7f) === 0x21);
}

export interface Recorded {
  setup: SetupPacket;
  data?: Uint8Array | undefined;
  t: number;
}

/** Wrap a backend so every control transfer of every opened transport is recorded with its OUT payload. */
export function recording(backend: UsbBackend, clock: { now(): number }): { backend: UsbBackend; log: Recorded[] } {
  const log: Recorded[] = [];
  const wrapped: UsbBackend = {
    name: backend.name,
    capabilities: backend.capabilities,
    list: () => backend.list(),
    dispose: () => backend.dispose(),
    open: async (info) => {
      const t = await backend.open(info);
      const proxy: DfuTransport = {
        info: t.info,
        controlIn: (setup, o) => {
          log.push({ setup, t: clock.now() });
          return t.controlIn(setup, o);
        },
        controlOut: (setup, data, o) => {
          log.push({ setup, data: data.slice(), t: clock.now() });
          return t.controlOut(setup, data, o);
        },
        claimInterface: (n) => t.claimInterface(n),
        releaseInterface: (n) => t.releaseInterface(n),
        setAltSetting: (i, a) => t.setAltSetting(i, a),
        reset: () => t.reset(),
        close: () => t.close(),
      };
      return proxy;
    },
  };
  return { backend: wrapped, log };
}

/** The DfuSe commands sent (DNLOAD block 0), as readable strings: 'ERASE 0x08000000', 'SET_ADDRESS 0x08000000'. */
export function dfuseCommandLog(log: Recorded[]): string[] {
  const out: string[] = [];
  for (const r of log) {
    if (r.setup.bRequest !== 1 || r.setup.bmRequestType !== 0x21) continue;
    if (r.setup.wValue !== 0) {
      if (r.setup.wValue >= 2) out.push(r.data!.length === 0 ? 'LEAVE' : 'DATA');
      continue;
    }
    const d = r.data!;
    const addr = d.length >= 5 ? '0x' + ((d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24)) >>> 0).toString(16).padStart(8, '0') : '';
    const name = d[0] === 0x21 ? 'SET_ADDRESS' : d[0] === 0x41 ? (d.length === 1 ? 'MASS_ERASE' : 'ERASE') : d[0] === 0x92 ? 'READ_UNPROTECT' : `CMD_${d[0]}`;
    out.push(addr ? `${name} ${addr}` : name);
  }
  // collapse runs of DATA for readability
  return out.reduce<string[]>((acc, x) => {
    const last = acc[acc.length - 1];
    if (x === 'DATA' && last?.startsWith('DATA')) acc[acc.length - 1] = `DATA×${Number(last.split('×')[1] ?? 1) + 1}`;
    else acc.push(x);
    return acc;
  }, []);
}
