/** A DfuSession over the scripted transport (test/unit/core), with quirks, for exact request sequences. */
import { FakeClock } from '../../src/transport/clock.js';
import { DfuRequests } from '../../src/dfu/requests.js';
import { DEFAULT_QUIRKS, type Quirks } from '../../src/dfu/quirks.js';
import type { DfuSession } from '../../src/dfu/session.js';
import type { FlashEvent } from '../../src/dfu/events.js';
import type { FunctionalDescriptor } from '../../src/transport/types.js';
import { ScriptedTransport, type Answer } from '../unit/core/scripted-transport.js';

const DFUSE_2048: FunctionalDescriptor = {
  bLength: 9, bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 2048, bcdDFUVersion: 0x011a,
  canDownload: true, canUpload: true, manifestationTolerant: false, willDetach: true,
};

export function scriptedSession(answers: Answer[], quirks: Partial<Quirks> = {}) {
  const clock = new FakeClock();
  const transport = new ScriptedTransport(clock, answers);
  const events: FlashEvent[] = [];
  const s: DfuSession = {
    req: new DfuRequests({ transport, interfaceNumber: 0, emit: (e) => events.push(e) }),
    clock,
    emit: (e) => events.push(e),
    functional: DFUSE_2048,
    transferSize: 2048,
    quirks: { ...DEFAULT_QUIRKS, ...quirks },
  };
  return { s, clock, transport, events };
}
