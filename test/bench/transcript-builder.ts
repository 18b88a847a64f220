/**
 * Builds annotated device transcripts (bench/probe-types.ts) by hand for the
 * bench's pure calculations: each step advances a clock, so times are exact.
 */
import type { ProbeEntry, ProbeStatusReply } from '../../bench/probe-types.js';

export const STATE = { dfuIDLE: 2, dfuDNLOAD_SYNC: 3, dfuDNBUSY: 4, dfuDNLOAD_IDLE: 5, dfuMANIFEST: 7, dfuUPLOAD_IDLE: 9, dfuERROR: 10 } as const;

export class TranscriptBuilder {
  readonly entries: ProbeEntry[] = [];
  now = 0;

  constructor(private readonly deviceMs = 0.1) {}

  private push(request: string, setup: Partial<ProbeEntry['setup']>, extra: Partial<ProbeEntry> = {}, gapMs = 1): this {
    this.now += gapMs;
    const t = this.now;
    this.now += this.deviceMs;
    this.entries.push({
      t,
      doneAt: this.now,
      setup: { bmRequestType: 0x21, bRequest: 0, wValue: 0, wIndex: 0, wLength: 0, ...setup },
      length: 0,
      result: 'ack',
      request,
      state: '',
      status: 'OK',
      ...extra,
    });
    return this;
  }

  descriptor(gapMs = 1): this {
    return this.push('GET_DESCRIPTOR', { bmRequestType: 0x80, bRequest: 6 }, {}, gapMs);
  }

  setInterface(gapMs = 1): this {
    return this.push('SET_INTERFACE', { bmRequestType: 0x01, bRequest: 11 }, {}, gapMs);
  }

  status(bState: number, bwPollTimeout = 0, gapMs = 1, early = false): this {
    const reply: ProbeStatusReply = { bStatus: bState === STATE.dfuERROR ? 10 : 0, bwPollTimeout, bState };
    return this.push('DFU_GETSTATUS', { bmRequestType: 0xa1, bRequest: 3, wLength: 6 }, { reply, length: 6, ...(early ? { early: true } : {}) }, gapMs);
  }

  clrStatus(gapMs = 1): this {
    return this.push('DFU_CLRSTATUS', { bRequest: 4 }, {}, gapMs);
  }

  abort(gapMs = 1): this {
    return this.push('DFU_ABORT', { bRequest: 6 }, {}, gapMs);
  }

  /** A DfuSe command (block 0): 0x21 SET_ADDRESS, 0x41 ERASE. */
  command(command: number, address: number, gapMs = 1): this {
    return this.push('DFU_DNLOAD', { bRequest: 1, wLength: 5 }, { length: 5, dnload: { block: 0, length: 5, command, address } }, gapMs);
  }

  block(block: number, length: number, gapMs = 1): this {
    return this.push('DFU_DNLOAD', { bRequest: 1, wValue: block, wLength: length }, { length, dnload: { block, length } }, gapMs);
  }

  upload(block: number, length: number, gapMs = 1): this {
    return this.push('DFU_UPLOAD', { bmRequestType: 0xa1, bRequest: 2, wValue: block, wLength: length }, { length }, gapMs);
  }

  /** GETSTATUS reporting busy for `ms`, then (after exactly `ms` + gap) the idle reply. */
  busy(ms: number, then: number = STATE.dfuDNLOAD_IDLE, lateMs = 1): this {
    this.status(STATE.dfuDNBUSY, ms);
    return this.status(then, 0, ms + lateMs);
  }
}
