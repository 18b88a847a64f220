/**
 * DeviceSpec.unplugOn in the bridge: count the requests a board's devices
 * receive and pull the plug on the nth match — before the device answers it
 * ('before': the transfer fails as the device leaves) or right after ('after':
 * the answer goes out, then the device leaves before the next request).
 * One trigger per DeviceSpec entry, shared by the devices it re-enumerates into.
 */
import { requestName } from '../../../src/transport/descriptors/setup.js';
import type { SetupPacket } from '../../../src/transport/types.js';
import type { UnplugTrigger } from './protocol.js';

export class UnplugCounter {
  private seen = 0;
  private done = false;

  constructor(readonly spec: UnplugTrigger) {
    if (!(Number.isInteger(spec.nth ?? 1) && (spec.nth ?? 1) >= 1)) throw new Error(`unplugOn.nth must be an integer >= 1, got ${String(spec.nth)}`);
  }

  /** Called once per control transfer, in arrival order; says when to unplug for this one. */
  observe(setup: SetupPacket): 'before' | 'after' | undefined {
    if (this.done || requestName(setup) !== this.spec.request) return undefined;
    if (this.spec.withData && setup.wLength === 0) return undefined;
    this.seen++;
    if (this.seen < (this.spec.nth ?? 1)) return undefined;
    this.done = true;
    return this.spec.when ?? 'after';
  }

  /** The reason the device's disconnect reports. */
  get reason(): string {
    const what = `${this.spec.request}${this.spec.withData ? ' with data' : ''} #${this.spec.nth ?? 1}`;
    return `unplugged (schedule: ${this.spec.when === 'before' ? 'instead of answering' : 'after'} ${what})`;
  }
}
