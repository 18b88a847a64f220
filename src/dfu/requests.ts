/**
 * The seven DFU class requests over a DfuTransport, addressed to one
 * interface. One place builds SETUP packets, applies the per-transfer
 * timeout, and traces each transfer as a readable debug line.
 */
import {
  DFU_ABORT,
  DFU_CLRSTATUS,
  DFU_DETACH,
  DFU_DNLOAD,
  DFU_GETSTATE,
  DFU_GETSTATUS,
  DFU_REQUEST_NAMES,
  DFU_STATUS_LENGTH,
  DFU_UPLOAD,
  REQTYPE_CLASS_INTERFACE_IN,
  REQTYPE_CLASS_INTERFACE_OUT,
} from './constants.js';
import { decodeStatus, stateName, statusName, type DfuStatusReply } from './status.js';
import type { DfuTransport, SetupPacket, TransferTiming } from '../transport/types.js';
import type { Emit } from './events.js';

/** dfu-util uses 5 s for every control transfer; so do we, unless told otherwise. */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 5000;

export interface DfuRequestsOptions {
  transport: DfuTransport;
  interfaceNumber: number;
  emit: Emit;
  /** Emit one debug line per control transfer (-v). */
  trace?: boolean;
  timeoutMs?: number;
}

export class DfuRequests {
  readonly transport: DfuTransport;
  readonly interfaceNumber: number;
  private readonly emit: Emit;
  private readonly trace: boolean;
  readonly timeoutMs: number;
  /** Count of control transfers sent, for reports and tests. */
  transfers = 0;

  constructor(options: DfuRequestsOptions) {
    this.transport = options.transport;
    this.interfaceNumber = options.interfaceNumber;
    this.emit = options.emit;
    this.trace = options.trace ?? false;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
  }

  private setup(out: boolean, bRequest: number, wValue: number, wLength: number): SetupPacket {
    return {
      bmRequestType: out ? REQTYPE_CLASS_INTERFACE_OUT : REQTYPE_CLASS_INTERFACE_IN,
      bRequest,
      wValue: wValue & 0xffff,
      wIndex: this.interfaceNumber,
      wLength,
    };
  }

  private log(bRequest: number, wValue: number, length: number, extra = ''): void {
    if (this.trace) {
      this.emit({
        type: 'debug',
        message: `${DFU_REQUEST_NAMES[bRequest]} wValue=${wValue} wIndex=${this.interfaceNumber} length=${length}${extra}`,
      });
    }
  }

  // out() and in() hand the transport's promise straight back: no promise layer of their own per transfer
  private out(bRequest: number, wValue: number, data: Uint8Array, timeoutMs?: number): Promise<void> {
    this.transfers++;
    if (this.trace) this.log(bRequest, wValue, data.length);
    return this.transport.controlOut(this.setup(true, bRequest, wValue, data.length), data, { timeoutMs: timeoutMs ?? this.timeoutMs });
  }

  private in(bRequest: number, wValue: number, length: number, timing?: TransferTiming, timeoutMs?: number): Promise<Uint8Array> {
    this.transfers++;
    return this.transport.controlIn(this.setup(false, bRequest, wValue, length), { timeoutMs: timeoutMs ?? this.timeoutMs, timing });
  }

  /** DFU_DETACH; wValue is the time the device should wait for a USB reset. */
  detach(detachTimeoutMs: number): Promise<void> {
    return this.out(DFU_DETACH, Math.min(0xffff, detachTimeoutMs), new Uint8Array(0));
  }

  dnload(blockNum: number, data: Uint8Array): Promise<void> {
    return this.out(DFU_DNLOAD, blockNum, data);
  }

  async upload(blockNum: number, length: number): Promise<Uint8Array> {
    const bytes = await this.in(DFU_UPLOAD, blockNum, length);
    this.log(DFU_UPLOAD, blockNum, length, ` -> ${bytes.length} bytes`);
    return bytes;
  }

  /**
   * GETSTATUS; the reply carries the transport's completion time when it has one (bwPollTimeout counts from it).
   * `timeoutMs` overrides the per-transfer timeout (bounded recovery steps).
   */
  async getStatus(timeoutMs?: number): Promise<DfuStatusReply> {
    const timing: TransferTiming = {};
    const reply = decodeStatus(await this.in(DFU_GETSTATUS, 0, DFU_STATUS_LENGTH, timing, timeoutMs));
    if (timing.completedAt !== undefined) reply.receivedAt = timing.completedAt;
    if (this.trace) {
      this.log(
        DFU_GETSTATUS,
        0,
        DFU_STATUS_LENGTH,
        ` -> ${stateName(reply.state)}, ${statusName(reply.status)}, bwPollTimeout=${reply.pollTimeoutMs} ms`,
      );
    }
    return reply;
  }

  clrStatus(timeoutMs?: number): Promise<void> {
    return this.out(DFU_CLRSTATUS, 0, new Uint8Array(0), timeoutMs);
  }

  async getState(): Promise<number> {
    const bytes = await this.in(DFU_GETSTATE, 0, 1);
    this.log(DFU_GETSTATE, 0, 1, ` -> ${stateName(bytes[0] ?? -1)}`);
    return bytes[0] ?? -1;
  }

  abort(timeoutMs?: number): Promise<void> {
    return this.out(DFU_ABORT, 0, new Uint8Array(0), timeoutMs);
  }
}
