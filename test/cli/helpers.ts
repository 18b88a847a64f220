/** Test doubles for the CLI: in-memory streams, a recording backend and canned use cases. */
import type { CliIo, OpsApi } from '../../src/cli/io.js';
import type { CommandResult, DetachResult, DownloadResult, ListedDevice, UploadResult } from '../../src/ops/types.js';
import type { DfuDeviceInfo, DfuTransport, UsbBackend } from '../../src/transport/types.js';
import { DfuFlashError } from '../../src/shared/errors.js';
import { fromDownload, type CliResult } from '../../src/cli/results.js';

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

/** A download that erased, wrote 100 KiB, read it back and left DFU mode. */
export function downloadResult(over: Partial<DownloadResult> = {}): DownloadResult {
  return {
    operation: 'download',
    device: DEVICE,
    bytes: 102400,
    written: 102400,
    elapsedMs: 6123,
    phases: [
      { phase: 'erase', bytes: 131072, elapsedMs: 2000 },
      { phase: 'download', bytes: 102400, elapsedMs: 4000 },
      { phase: 'leave', bytes: 0, elapsedMs: 123 },
    ],
    end: 'left-bus',
    manifested: false,
    optionBytes: false,
    verified: true,
    ...over,
  };
}

/** downloadResult() as the CLI reports it (summary sentence, JSON result line). */
export function cliDownloadResult(over: Partial<DownloadResult> = {}): CliResult {
  return fromDownload(downloadResult(over));
}

export function uploadResult(data: Uint8Array, over: Partial<UploadResult> = {}): UploadResult {
  return { operation: 'upload', device: DEVICE, data, bytes: data.length, elapsedMs: 10, phases: [], end: 'idle', ...over };
}

export interface OpsCall {
  op: keyof OpsApi;
  request?: unknown;
}

/** One board of a canned `--all` run: its result, or the error its download throws. */
export interface FakeBoard {
  portPath: string;
  serial?: string | undefined;
  result?: DownloadResult | undefined;
  error?: DfuFlashError | undefined;
}

/** The options a command passed, without what every call carries (backend, clock, event sink) and without unset ones. */
function requestOf(o: object): Record<string, unknown> {
  const { backend: _b, clock: _c, onEvent: _e, ...rest } = o as Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

function listedBoard(b: FakeBoard): ListedDevice {
  return { key: `fake:${b.portPath}`, vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0x2200, bcdUSB: 0x0200, bMaxPacketSize0: 64, busNumber: 1, deviceAddress: 2, portPath: b.portPath, configurationValue: 1, serial: b.serial, mode: 'dfu', dfuse: true, alts: [] };
}

/** Library operations that record their options and return canned results (or throw `fail`). */
export function fakeOps(
  o: {
    devices?: ListedDevice[];
    download?: DownloadResult;
    upload?: UploadResult;
    detach?: DetachResult;
    command?: CommandResult;
    fail?: unknown;
    during?: (emit: (e: never) => void) => void;
    boards?: FakeBoard[];
  } = {},
): OpsApi & { calls: OpsCall[] } {
  const calls: OpsCall[] = [];
  const record = (op: keyof OpsApi, options: object): void => {
    calls.push({ op, request: requestOf(options) });
    (options as { onEvent?: (e: never) => void }).onEvent && o.during?.((options as { onEvent: (e: never) => void }).onEvent);
    if (o.fail !== undefined) throw o.fail;
  };
  const command = (operation: CommandResult['operation']): CommandResult =>
    o.command ?? { operation, device: DEVICE, elapsedMs: 10, phases: [], end: operation === 'reset' ? 'reset' : 'left-bus' };
  return {
    calls,
    async listDevices(options) {
      calls.push({ op: 'listDevices', request: requestOf(options) });
      if (o.fail !== undefined) throw o.fail;
      return o.devices ?? [];
    },
    async findBoards(options) {
      calls.push({ op: 'findBoards', request: requestOf(options) });
      if (o.fail !== undefined) throw o.fail;
      return o.boards?.map(listedBoard) ?? o.devices ?? [];
    },
    async download(options) {
      record('download', options);
      const board = o.boards?.find((b) => b.portPath === options.selector?.path);
      if (board?.error !== undefined) throw board.error;
      return board?.result ?? o.download ?? downloadResult();
    },
    async planDownload(options) {
      record('planDownload', options);
      return { device: DEVICE, dialect: 'dfuse', transferSize: 2048, parts: [], bytes: 0, verify: true, skipUnchanged: false, imageName: 'fw.bin', optionBytesLast: false, reset: false, warnings: [], lines: ['(fake plan)'] };
    },
    async uploadDetailed(options) {
      record('uploadDetailed', options);
      return o.upload ?? uploadResult(Uint8Array.of(1, 2, 3));
    },
    async detach(options) {
      record('detach', options);
      return o.detach ?? { operation: 'detach', device: DEVICE, elapsedMs: 10, phases: [], end: 'reset' };
    },
    async leave(options) {
      record('leave', options);
      return command('leave');
    },
    async reset(options) {
      record('reset', options);
      return command('reset');
    },
    async massErase(options) {
      record('massErase', options);
      return command('mass-erase');
    },
    async unprotect(options) {
      record('unprotect', options);
      return command('unprotect');
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

/**
 * What `value` looks like in the CLI's JSON output, by the documented rule:
 * every address (`address`, `start`, `end`, `at`, `leaveAddress`, `jumpAddress`) gets an
 * `…Hex` sibling `0x%08x`, every USB id or version (`vendorId`, `productId`, `idVendor`,
 * `idProduct`, `bcdDevice`, `bcdUSB`, `bcdDFU`, `bcdDFUVersion`, `suffixVendorId`,
 * `suffixProductId`) one `0x%04x`; undefined properties are dropped.
 */
export function jsonView(value: unknown): unknown {
  const addresses = ['address', 'start', 'end', 'at', 'leaveAddress', 'jumpAddress'];
  const ids = ['vendorId', 'productId', 'idVendor', 'idProduct', 'bcdDevice', 'bcdUSB', 'bcdDFU', 'bcdDFUVersion', 'suffixVendorId', 'suffixProductId'];
  if (Array.isArray(value)) return value.map(jsonView);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = jsonView(v);
    if (typeof v === 'number' && addresses.includes(k)) out[`${k}Hex`] = '0x' + v.toString(16).padStart(8, '0');
    if (typeof v === 'number' && ids.includes(k)) out[`${k}Hex`] = '0x' + v.toString(16).padStart(4, '0');
  }
  return out;
}
