/**
 * The per-transfer cost of the emulated bus, measured in the same bench run:
 * a minimal libusb client (calibrate_libusb.py: Debian's libusb through
 * ctypes, synchronous calls, nothing else) times GETSTATUS round trips and
 * wTransferSize UPLOADs against an idle F4 ROM device under the harness.
 * Also the CPU time per transfer of that client, for comparison with the
 * hosts' own (their share of the emulation's work is in both).
 */
import { join } from 'node:path';
import { benchRun, REPO_ROOT, type ChildTiming } from './harness.js';
import type { TransferCost } from './minimum.js';
import { median } from './stats.js';

export interface Calibration extends TransferCost {
  /** CPU time per transfer of the minimal client (its share of the emulation included). */
  cpuPerTransferMs: number;
  samples: { small: number[]; data: number[]; cpuPerTransfer: number[] };
}

/**
 * Run a client twice in one harness session, with `count` and count / 5 transfers of each kind; the
 * first run's JSON line and the CPU per transfer from the difference between the two runs.
 */
async function twice(client: (n: number) => string[], count: number, timeScale: number): Promise<{ json: string; cpuPerTransferMs: number }> {
  const few = Math.max(1, Math.floor(count / 5));
  const r = await benchRun({ profiles: ['stm32f4-sysboot'], commands: [client(count), client(few)], timeScale, oneByOne: true, timeoutMs: 120_000 });
  const [many, less] = r.rounds[0]!.children as [ChildTiming, ChildTiming];
  return { json: r.stdout.split('\n')[0]!, cpuPerTransferMs: (many.cpuMs - less.cpuMs) / (2 * (count - few)) };
}

export async function calibrate(count: number, timeScale: number): Promise<Calibration> {
  const client = (n: number): string[] => ['/usr/bin/python3', join(REPO_ROOT, 'bench/calibrate_libusb.py'), '0483', 'df11', String(n), '2048'];
  const { json, cpuPerTransferMs } = await twice(client, count, timeScale);
  const out = JSON.parse(json) as { small: number[]; data: number[]; dataLength: number };
  return {
    smallMs: median(out.small),
    dataMs: median(out.data),
    dataLength: out.dataLength,
    cpuPerTransferMs,
    samples: { small: out.small, data: out.data, cpuPerTransfer: [cpuPerTransferMs] },
  };
}

/** Combine calibrations (start and end of a run): medians over all samples. */
export function combine(list: readonly Calibration[]): Calibration {
  const small = list.flatMap((c) => c.samples.small);
  const data = list.flatMap((c) => c.samples.data);
  const cpuPerTransfer = list.flatMap((c) => c.samples.cpuPerTransfer);
  return {
    smallMs: median(small),
    dataMs: median(data),
    dataLength: list[0]!.dataLength,
    cpuPerTransferMs: median(cpuPerTransfer),
    samples: { small, data, cpuPerTransfer },
  };
}

/**
 * The same round trips through dfu-flash's own stack (src/transport/usb), the system clock's sleep
 * lateness, and the CPU time per control transfer of that stack: the probe runs twice in one harness
 * session, with `count` and with count / 5 transfers of each kind, and the CPU difference is divided
 * by the difference in transfers.
 */
export interface StackCost {
  smallMs: number;
  dataMs: number;
  sleepLateMs: number;
  cpuPerTransferMs: number;
  samples: { small: number[]; data: number[]; sleepLate: number[]; cpuPerTransfer: number[] };
}

export async function measureStack(count: number, timeScale: number): Promise<StackCost> {
  const probe = (n: number): string[] => ['node', join(REPO_ROOT, 'dist/bench/transport-probe.js'), String(n)];
  const { json, cpuPerTransferMs: cpuPerTransfer } = await twice(probe, count, timeScale);
  const out = JSON.parse(json) as { small: number[]; data: number[]; sleepLate: number[] };
  return {
    smallMs: median(out.small),
    dataMs: median(out.data),
    sleepLateMs: median(out.sleepLate),
    cpuPerTransferMs: cpuPerTransfer,
    samples: { ...out, cpuPerTransfer: [cpuPerTransfer] },
  };
}

export function combineStack(list: readonly StackCost[]): StackCost {
  const small = list.flatMap((c) => c.samples.small);
  const data = list.flatMap((c) => c.samples.data);
  const sleepLate = list.flatMap((c) => c.samples.sleepLate);
  const cpuPerTransfer = list.flatMap((c) => c.samples.cpuPerTransfer);
  return {
    smallMs: median(small),
    dataMs: median(data),
    sleepLateMs: median(sleepLate),
    cpuPerTransferMs: median(cpuPerTransfer),
    samples: { small, data, sleepLate, cpuPerTransfer },
  };
}
