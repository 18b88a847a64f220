/**
 * A test bench for fault runs: simulated devices that outlive one operation
 * (each run gets a fresh bus and backend over the same devices, as a second
 * command line would), a replug that keeps the flash when a device left the
 * bus, and bookkeeping of every transport opened (was it closed?).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeClock } from '../../src/transport/clock.js';
import { watchBus, watchEarlyPolls } from '../support/early-polls.js';
import { createSimDevice, SimBackend, SimBus, type SimDevice } from '../../src/sim/index.js';
import type { SimTranscriptEntry } from '../../src/sim/types.js';
import type { DfuTransport, UsbBackend } from '../../src/transport/types.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { OpContext } from '../../src/ops/types.js';
import type { CliIo } from '../../src/cli/io.js';

export class Bench {
  readonly clock = new FakeClock();
  private readonly slots: { port: string; device: SimDevice }[];
  /** Transports opened by the backends of this bench, with whether they were closed. */
  readonly transports: { closed: boolean }[] = [];
  private bus: SimBus | undefined;

  constructor(
    profiles: string[],
    readonly timeScale = 1,
  ) {
    this.slots = profiles.map((p, i) => ({ port: `1-${i + 1}`, device: watchEarlyPolls(createSimDevice(p, { clock: this.clock, timeScale })) }));
  }

  device(i = 0): SimDevice {
    return this.slots[i]!.device;
  }

  /** Put another device on slot i's port (a board that re-enumerated as something else). */
  replace(i: number, device: SimDevice): void {
    this.slots[i]!.device = device;
  }

  /** A fresh bus and backend over the bench's devices, recording every transport. */
  backend(): UsbBackend {
    this.settle();
    const bus = new SimBus(this.clock);
    watchBus(bus);
    for (const s of this.slots) bus.plug(s.device, s.port);
    this.bus = bus;
    const inner = new SimBackend(bus, this.clock);
    const transports = this.transports;
    return {
      name: 'sim',
      capabilities: inner.capabilities,
      list: () => inner.list(),
      dispose: () => inner.dispose(),
      open: async (info) => {
        const t = await inner.open(info);
        const record = { closed: false };
        transports.push(record);
        const proxy: DfuTransport = {
          info: t.info,
          controlIn: (s, o) => t.controlIn(s, o),
          controlOut: (s, d, o) => t.controlOut(s, d, o),
          claimInterface: (n) => t.claimInterface(n),
          releaseInterface: (n) => t.releaseInterface(n),
          setAltSetting: (i, a) => t.setAltSetting(i, a),
          reset: () => t.reset(),
          close: async () => {
            record.closed = true;
            await t.close();
          },
        };
        return proxy;
      },
    };
  }

  /** The device now on slot i's port of the last bus (follows re-enumeration), else the slot's. */
  current(i = 0): SimDevice {
    const a = this.bus?.port(this.slots[i]!.port);
    return a?.device ?? this.slots[i]!.device;
  }

  /**
   * Between runs: a device that re-enumerated is followed; one that left the
   * bus is plugged in again (the same board after a power cycle: flash kept,
   * DFU state fresh).
   */
  settle(): void {
    for (const [i, s] of this.slots.entries()) {
      const now = this.current(i);
      if (now !== s.device && now.connected) {
        s.device = now;
        continue;
      }
      if (s.device.connected) continue;
      const old = s.device;
      const fresh = watchEarlyPolls(createSimDevice(old.profile, { clock: this.clock, timeScale: this.timeScale, serial: old.serial }));
      fresh.restore(old.snapshot());
      if (old.definition.behaviour.kind === 'dfuse') {
        fresh.readProtected = old.readProtected;
        fresh.optionBytesReset = old.optionBytesReset;
      }
      s.device = fresh;
    }
  }

  /** Every transport opened was closed. */
  get allClosed(): boolean {
    return this.transports.every((t) => t.closed);
  }

  /** An OpContext for calling a use case directly, with its events. */
  ctx(events: FlashEvent[] = [], onEvent?: (e: FlashEvent) => void): OpContext & { backend: UsbBackend } {
    return {
      backend: this.backend(),
      clock: this.clock,
      emit: (e) => {
        events.push(e);
        onEvent?.(e);
      },
    };
  }
}

/** DFU class requests (bmRequestType 0x21/0xA1) in a transcript. */
export function dfuClass(transcript: readonly SimTranscriptEntry[]): SimTranscriptEntry[] {
  return transcript.filter((e) => (e.setup.bmRequestType & 0x7f) === 0x21);
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A scratch folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dfu-flash-faults-'));
  made.push(dir);
  return dir;
}

export function writeIn(dir: string, name: string, data: Uint8Array | string): string {
  const p = join(dir, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  return p;
}

export { pattern } from '../support/pattern.js';

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(cwd: string): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}

/** The last line of a --json run: the result, or the error with its exit code. */
export interface JsonResult {
  type: 'result';
  ok: boolean;
  error?: { code: string; message: string; hint: string | null; details: Record<string, unknown> };
  exitCode?: number;
  [key: string]: unknown;
}

export function lastJson(io: MemoryIo): JsonResult | undefined {
  const lines = io.out().trimEnd().split('\n').filter((l) => l.startsWith('{'));
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : (JSON.parse(last) as JsonResult);
}
