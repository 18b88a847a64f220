/**
 * The device-fault matrix: scenarios (what is being done to which device),
 * the request kinds met in each of their phases, and the actions a device can
 * take instead of answering. Faults are armed by position: a clean run of each
 * scenario records how many requests of each kind came before each phase
 * started, so "the 2nd GETSTATUS of the erase phase" becomes an absolute `nth`
 * that works the same in-process and through the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { DfuStatus } from '../../src/dfu/constants.js';
import { parseDfuseAddress } from '../../src/dfu/dfuse-address.js';
import type { FlashEvent, Phase } from '../../src/dfu/events.js';
import { download, upload, type OperationResult } from '../support/file-ops.js';
import type { OpContext } from '../../src/ops/types.js';
import type { SimFaultAction, SimRequestName } from '../../src/sim/index.js';
import { Bench, pattern, tempDir, writeIn } from './helpers.js';

export type Step = Phase | 'setup';

export interface Scenario {
  name: string;
  profile: string;
  /** Phases in the order they run. */
  phases: Phase[];
  /** DfuSe: every error names an address. */
  addressed: boolean;
  /** What to flash or where to upload to (in `dir`); run once per bench before the fault. */
  prepare(bench: Bench, dir: string): Promise<void>;
  op(ctx: OpContext, dir: string): Promise<OperationResult>;
  /** The same operation as a command line (run in `dir`). */
  argv: string[];
  /** After a success: the device holds the image / the file holds the memory. */
  check(bench: Bench, dir: string): void;
  cells: { step: Step; request: SimRequestName; k: number }[];
}

const F4_IMAGE = pattern(20 * 1024, 21);
const DAP_IMAGE = pattern(10_000, 22);
const DAP_APP = 0x08002000;
const DAP_END = 0x08010000;

async function flashF4(bench: Bench, dir: string): Promise<void> {
  const ctx = bench.ctx();
  try {
    await download({ selector: { alt: 0 }, file: join(dir, 'fw.bin'), dfuse: parseDfuseAddress('0x08000000'), reset: false }, ctx);
  } finally {
    ctx.backend.dispose();
  }
}

async function flashDapboot(bench: Bench, dir: string): Promise<void> {
  const ctx = bench.ctx();
  try {
    await download({ selector: {}, file: join(dir, 'fw.bin'), reset: false }, ctx);
  } finally {
    ctx.backend.dispose();
  }
  bench.settle(); // it left the bus after manifestation: back into the bootloader
}

const f4Holds = (bench: Bench): void => assert.deepEqual(bench.current().readFlash(0x08000000, F4_IMAGE.length), F4_IMAGE, 'the flash holds the image');

export const SCENARIOS: Scenario[] = [
  {
    name: 'F4 download -s 0x08000000:leave',
    profile: 'stm32f4-sysboot',
    phases: ['erase', 'download', 'leave'],
    addressed: true,
    prepare: async (_b, dir) => void writeIn(dir, 'fw.bin', F4_IMAGE),
    op: (ctx, dir) => download({ selector: { alt: 0 }, file: join(dir, 'fw.bin'), dfuse: parseDfuseAddress('0x08000000:leave'), reset: false }, ctx),
    argv: ['download', '-a', '0', '-s', '0x08000000:leave', 'fw.bin'],
    check: f4Holds,
    cells: [
      { step: 'setup', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'setup', request: 'DFU_CLRSTATUS', k: 1 },
      { step: 'setup', request: 'SET_INTERFACE', k: 1 },
      { step: 'erase', request: 'DFU_DNLOAD', k: 2 },
      { step: 'erase', request: 'DFU_GETSTATUS', k: 2 },
      { step: 'download', request: 'DFU_DNLOAD', k: 3 },
      { step: 'download', request: 'DFU_GETSTATUS', k: 3 },
      { step: 'download', request: 'DFU_ABORT', k: 1 },
      { step: 'leave', request: 'DFU_DNLOAD', k: 2 },
      { step: 'leave', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'leave', request: 'DFU_GETSTATUS', k: 3 },
    ],
  },
  {
    name: 'F4 download --verify',
    profile: 'stm32f4-sysboot',
    phases: ['erase', 'download', 'verify'],
    addressed: true,
    prepare: async (_b, dir) => void writeIn(dir, 'fw.bin', F4_IMAGE),
    op: (ctx, dir) => download({ selector: { alt: 0 }, file: join(dir, 'fw.bin'), dfuse: parseDfuseAddress('0x08000000'), verify: true, reset: false }, ctx),
    argv: ['download', '-a', '0', '-s', '0x08000000', '--verify', 'fw.bin'],
    check: f4Holds,
    cells: [
      { step: 'verify', request: 'DFU_DNLOAD', k: 1 },
      { step: 'verify', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'verify', request: 'DFU_ABORT', k: 1 },
      { step: 'verify', request: 'DFU_UPLOAD', k: 2 },
      { step: 'verify', request: 'DFU_ABORT', k: 2 },
    ],
  },
  {
    name: 'F4 upload -s 0x08000000:8192',
    profile: 'stm32f4-sysboot',
    phases: ['upload'],
    addressed: true,
    prepare: async (bench, dir) => {
      writeIn(dir, 'fw.bin', F4_IMAGE);
      await flashF4(bench, dir);
    },
    op: (ctx, dir) => upload({ selector: { alt: 0 }, file: join(dir, 'dump.bin'), dfuse: parseDfuseAddress('0x08000000:8192'), force: true, reset: false }, ctx),
    argv: ['upload', '-a', '0', '-s', '0x08000000:8192', '--force', 'dump.bin'],
    check: (_b, dir) => assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'dump.bin'))), F4_IMAGE.subarray(0, 8192), 'the file holds the memory'),
    cells: [
      { step: 'setup', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'upload', request: 'DFU_DNLOAD', k: 1 },
      { step: 'upload', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'upload', request: 'DFU_ABORT', k: 1 },
      { step: 'upload', request: 'DFU_UPLOAD', k: 2 },
      { step: 'upload', request: 'DFU_ABORT', k: 2 },
    ],
  },
  {
    name: 'dapboot download (DFU 1.1)',
    profile: 'dapboot',
    phases: ['download', 'manifest'],
    addressed: false,
    prepare: async (_b, dir) => void writeIn(dir, 'fw.bin', DAP_IMAGE),
    op: (ctx, dir) => download({ selector: {}, file: join(dir, 'fw.bin'), reset: false }, ctx),
    argv: ['download', 'fw.bin'],
    check: (bench) => assert.deepEqual(bench.current().readFlash(DAP_APP, DAP_IMAGE.length), DAP_IMAGE, 'the flash holds the image'),
    cells: [
      { step: 'setup', request: 'DFU_GETSTATUS', k: 1 },
      { step: 'download', request: 'DFU_DNLOAD', k: 3 },
      { step: 'download', request: 'DFU_GETSTATUS', k: 3 },
      { step: 'manifest', request: 'DFU_DNLOAD', k: 1 },
      { step: 'manifest', request: 'DFU_GETSTATUS', k: 1 },
    ],
  },
  {
    name: 'dapboot upload (DFU 1.1)',
    profile: 'dapboot',
    phases: ['upload'],
    addressed: false,
    prepare: async (bench, dir) => {
      writeIn(dir, 'fw.bin', DAP_IMAGE);
      await flashDapboot(bench, dir);
    },
    op: (ctx, dir) => upload({ selector: {}, file: join(dir, 'dump.bin'), force: true, reset: false }, ctx),
    argv: ['upload', '--force', 'dump.bin'],
    check: (bench, dir) => assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'dump.bin'))), bench.current().readFlash(DAP_APP, DAP_END - DAP_APP), 'the file holds the memory'),
    cells: [{ step: 'upload', request: 'DFU_UPLOAD', k: 2 }],
  },
];

export const STATUSES = ['errWRITE', 'errVERIFY', 'errTARGET', 'errADDRESS', 'errVENDOR'] as const;

export interface Action {
  name: string;
  action: SimFaultAction;
  /**
   * The device is wedged afterwards (it never leaves dfuDNBUSY): only a power cycle
   * helps, so the next run comes after a replug.
   */
  wedges?: boolean;
  /** How many matching requests in a row get the fault (default 1). */
  times?: number;
}

export function actionsFor(request: SimRequestName): Action[] {
  const base: Action[] = [
    { name: 'stall', action: 'stall' },
    { name: 'silent', action: 'silent' },
    { name: 'gone', action: 'gone' },
    ...STATUSES.map((s) => ({ name: s, action: { status: DfuStatus[s] } })),
  ];
  // 'busy' forever: every GETSTATUS from there on says dfuDNBUSY, so only a deadline ends the wait
  return request === 'DFU_GETSTATUS' ? [...base, { name: 'busy', action: 'busy', times: Infinity, wedges: true }] : base;
}

/** Requests counted per kind before each phase started, from one clean run. */
export type Calibration = Map<Step, Map<string, number>>;

export async function calibrate(s: Scenario): Promise<Calibration> {
  const bench = new Bench([s.profile]);
  const dir = tempDir();
  await s.prepare(bench, dir);
  const device = bench.device();
  const from = device.transcript.length;
  const counts = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const e of device.transcript.slice(from)) m.set(e.request, (m.get(e.request) ?? 0) + 1);
    return m;
  };
  const cal: Calibration = new Map([['setup', new Map()]]);
  const ctx = bench.ctx([], (e: FlashEvent) => {
    if (e.type === 'phase-start' && !cal.has(e.phase)) cal.set(e.phase, counts());
  });
  await s.op(ctx, dir);
  ctx.backend.dispose();
  s.check(bench, dir);
  return cal;
}

/** The absolute `nth` of a cell's request, counted from the start of the operation. */
export function nthOf(cal: Calibration, cell: Scenario['cells'][number]): number {
  const before = cal.get(cell.step);
  assert.ok(before, `the clean run has a ${cell.step} phase`);
  return (before.get(cell.request) ?? 0) + cell.k;
}
