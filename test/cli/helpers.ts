/** Test doubles for the CLI: in-memory streams, a recording backend and canned use cases. */
import type { CliIo, OpsApi } from '../../src/cli/io.js';
import type { ListedDevice, OperationResult } from '../../src/ops/types.js';
import type { BoardResult, PlanBoardResult } from '../../src/ops/index.js';
import type { DfuDeviceInfo, DfuTransport, UsbBackend } from '../../src/transport/types.js';
import { DfuFlashError } from '../../src/shared/errors.js';

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(o: Partial<Omit<CliIo, 'stdout' | 'stderr'>> = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdoutIsTTY: o.stdoutIsTTY ?? false,
    stderrIsTTY: o.stderrIsTTY ?? false,
    stderrColumns: o.stderrColumns,
    env: o.env ?? {},
    cwd: o.cwd ?? '/work/proj',
    out: () => out,
    err: () => err,
  };
}

/** A backend with no devices that records whether it was created and disposed. */
export class RecordingBackend implements UsbBackend {
  readonly name = 'sim' as const;
  readonly capabilities = { canReset: true, stablePortPaths: true };
  disposed = 0;
  async list(): Promise<DfuDeviceInfo[]> {
    return [];
  }
  async open(): Promise<DfuTransport> {
    throw new DfuFlashError('NO_DEVICE', 'nothing to open');
  }
  dispose(): void {
    this.disposed++;
  }
}

/** A fake simulated device: its "flash" is a byte array that snapshot()/restore() copy. */
export class FakeSimDevice {
  flash: Uint8Array;
  constructor(
    readonly profile: string,
    size = 16,
  ) {
    this.flash = new Uint8Array(size).fill(0xff);
  }
  snapshot(): unknown {
    return { flash: this.flash.slice(), erased: new Set([0]), note: undefined };
  }
  restore(s: unknown): void {
    this.flash = (s as { flash: Uint8Array }).flash.slice();
  }
}

export class FakeSimBackend extends RecordingBackend {
  readonly bus: { devices: FakeSimDevice[] };
  constructor(profiles: string[]) {
    super();
    this.bus = { devices: profiles.map((p) => new FakeSimDevice(p)) };
  }
}

export const DEVICE = {
  vendorId: 0x0483,
  productId: 0xdf11,
  serial: '3276365B3138',
  portPath: '1-1',
  mode: 'dfu' as const,
  interfaceNumber: 0,
  alternateSetting: 0,
  altName: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
};

export function downloadResult(): OperationResult {
  return {
    operation: 'download',
    device: DEVICE,
    bytes: 102400,
    elapsedMs: 6123,
    phases: [
      { phase: 'erase', bytes: 131072, elapsedMs: 2000 },
      { phase: 'download', bytes: 102400, elapsedMs: 4000 },
      { phase: 'leave', bytes: 0, elapsedMs: 123 },
    ],
    outcome: 'device left DFU mode',
  };
}

export interface OpsCall {
  op: keyof OpsApi;
  request?: unknown;
}

/** Use cases that record their requests and return canned results (or throw `fail`). */
export function fakeOps(
  o: {
    devices?: ListedDevice[];
    result?: OperationResult;
    fail?: unknown;
    during?: (emit: (e: never) => void) => void;
    boards?: BoardResult[];
    planResults?: PlanBoardResult[];
  } = {},
): OpsApi & { calls: OpsCall[] } {
  const calls: OpsCall[] = [];
  const finish = (op: keyof OpsApi, request: unknown): OperationResult => {
    calls.push({ op, request });
    if (o.fail !== undefined) throw o.fail;
    return o.result ?? { ...downloadResult(), operation: op === 'upload' ? 'upload' : op === 'detach' ? 'detach' : 'download' };
  };
  return {
    calls,
    async listDevices() {
      calls.push({ op: 'listDevices' });
      if (o.fail !== undefined) throw o.fail;
      return o.devices ?? [];
    },
    async download(req, ctx) {
      o.during?.(ctx.emit as never);
      return finish('download', req);
    },
    async upload(req, ctx) {
      o.during?.(ctx.emit as never);
      return finish('upload', req);
    },
    async detach(req, ctx) {
      o.during?.(ctx.emit as never);
      return finish('detach', req);
    },
    async downloadAll(req, _ctx, emitFor) {
      calls.push({ op: 'downloadAll', request: req });
      if (o.fail !== undefined) throw o.fail;
      const results = o.boards ?? [];
      for (const b of results) o.during?.(emitFor(b.portPath) as never);
      return results;
    },
    async runPlan(plan, _ctx, emitFor) {
      calls.push({ op: 'runPlan', request: plan });
      if (o.fail !== undefined) throw o.fail;
      const results = o.planResults ?? [];
      for (const b of results) o.during?.(emitFor(b.portPath) as never);
      return results;
    },
    async leave(req, ctx) {
      o.during?.(ctx.emit as never);
      return finish('leave', req);
    },
    async dfuseCommand(req, ctx) {
      o.during?.(ctx.emit as never);
      return finish('dfuseCommand', req);
    },
  };
}

/** A createBackend that counts its calls. */
export function backendFactory(make: () => UsbBackend = () => new RecordingBackend()) {
  const requests: unknown[] = [];
  const backends: UsbBackend[] = [];
  return {
    requests,
    backends,
    createBackend: async (r: unknown) => {
      requests.push(r);
      const b = make();
      backends.push(b);
      return b;
    },
  };
}
