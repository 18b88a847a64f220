/** A transport that answers from a script, for exact checks of the request layer and poll loop. */
import { DfuFlashError } from '../../../src/shared/errors.js';
import { encodeStatus, type DfuStatusReply } from '../../../src/dfu/status.js';
import type { DfuDeviceInfo, DfuTransport, SetupPacket } from '../../../src/transport/types.js';
import type { Clock } from '../../../src/transport/clock.js';

export type Answer = DfuStatusReply | 'stall' | 'gone' | Uint8Array | 'ok';

export interface Sent {
  t: number;
  setup: SetupPacket;
  data?: Uint8Array;
}

export class ScriptedTransport implements DfuTransport {
  readonly sent: Sent[] = [];
  readonly info = { key: 'scripted', alts: [] } as unknown as DfuDeviceInfo;
  resets = 0;
  constructor(
    private readonly clock: Clock,
    /** Answers consumed in order, one per control transfer. */
    private readonly answers: Answer[],
  ) {}

  private next(): DfuStatusReply | Uint8Array | 'ok' {
    const a = this.answers.shift();
    if (a === undefined) throw new Error('script exhausted');
    if (a === 'stall') throw new DfuFlashError('STALL', 'stalled');
    if (a === 'gone') throw new DfuFlashError('DEVICE_GONE', 'gone');
    return a;
  }

  async controlIn(setup: SetupPacket): Promise<Uint8Array> {
    this.sent.push({ t: this.clock.now(), setup });
    const a = this.next();
    if (a instanceof Uint8Array) return a;
    if (a === 'ok') return new Uint8Array(0);
    return encodeStatus(a);
  }
  async controlOut(setup: SetupPacket, data: Uint8Array): Promise<void> {
    this.sent.push({ t: this.clock.now(), setup, data });
    this.next();
  }
  async claimInterface(): Promise<void> {}
  async releaseInterface(): Promise<void> {}
  async setAltSetting(): Promise<void> {}
  async reset(): Promise<void> {
    this.resets++;
  }
  async close(): Promise<void> {}
}

export function st(state: number, pollTimeoutMs = 0, status = 0): DfuStatusReply {
  return { status, pollTimeoutMs, state, iString: 0 };
}
