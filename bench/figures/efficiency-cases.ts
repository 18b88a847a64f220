/**
 * The host-efficiency cases of the issue "Speed to the limit on realistic
 * device timings" (pure): one per row of its table, on the simulated
 * devices' datasheet-typical timing. Every case counts the whole process,
 * start-up included (wall time from fork to exit).
 */
import { KiB, MiB } from '../firmware.js';
import { runtimeAppReset } from '../../src/sim/profiles/runtime-app.js';
import type { SimRuntimeBehaviour } from '../../src/sim/profile-types.js';

export interface EfficiencyCase {
  label: string;
  /** The device plugged in at the start. */
  profile: string;
  /** DFU protocol of the device that is flashed. */
  protocol: 'dfu' | 'dfuse';
  size: number;
  transferSize: number;
  /** Where the image lands (checked after every run, on the last device: the flashed one). */
  address: number;
  dfuFlash: string[];
  dfuUtil: string[];
  /** Exit statuses of dfu-util that still mean "flashed" (dapboot resets before dfu-util's last GETSTATUS). */
  dfuUtilOk: number[];
  goal: number;
  runs: number;
  /** The device is an application that must be detached first: its transcript adds DETACH and the reset, and it re-enumerates after this long. */
  detachReenumerateMs?: number | undefined;
}

const F4_FLASH = ['node', 'bin/dfu-flash', 'download', '-a', '0', '-s', '0x08000000:leave', '{dir}/fw.bin'];
const F4_UTIL = ['dfu-util', '-a', '0', '-s', '0x08000000:leave', '-D', '{dir}/fw.bin'];
const DAPBOOT_FLASH = ['node', 'bin/dfu-flash', 'download', '{dir}/fw.bin'];
const DAPBOOT_UTIL = ['dfu-util', '-D', '{dir}/fw.bin'];

/** The runtime app's re-enumeration delay (its profile: reset → the ROM back on the bus), imposed by the device. */
export const RUNTIME_REENUMERATE_MS = (runtimeAppReset.behaviour as SimRuntimeBehaviour).reenumerateAfterMs;

export function efficiencyCases(o: { quick: boolean; runs: number; noVerify: string[] }): EfficiencyCase[] {
  const flash = (argv: string[]): string[] => [...argv.slice(0, 3), ...o.noVerify, ...argv.slice(3)];
  const f4 = (size: number, goal: number, runs: number, label: string): EfficiencyCase => ({
    label,
    profile: 'stm32f4-sysboot',
    protocol: 'dfuse',
    size,
    transferSize: 2048,
    address: 0x08000000,
    dfuFlash: flash(F4_FLASH),
    dfuUtil: F4_UTIL,
    dfuUtilOk: [0],
    goal,
    runs,
  });
  const cases: EfficiencyCase[] = [];
  if (!o.quick) cases.push(f4(1 * MiB, 1.03, 1, 'F4 ROM, 1 MiB'));
  cases.push(f4(100 * KiB, 1.06, o.runs, 'F4 ROM, 100 KiB (start-up counts)'));
  cases.push({
    label: 'dapboot, 100 KiB',
    profile: 'dapboot-128k',
    protocol: 'dfu',
    size: 100 * KiB,
    transferSize: 1024,
    address: 0x08002000,
    dfuFlash: flash(DAPBOOT_FLASH),
    dfuUtil: DAPBOOT_UTIL,
    dfuUtilOk: [0, 74],
    goal: 1.04,
    runs: o.runs,
  });
  cases.push({
    ...f4(100 * KiB, 1.1, o.runs, 'runtime app without WillDetach → DETACH, reset → flash 100 KiB'),
    profile: 'runtime-app-reset',
    detachReenumerateMs: RUNTIME_REENUMERATE_MS,
  });
  return cases;
}
