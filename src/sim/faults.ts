/**
 * Fault injection: make a simulated device misbehave on a chosen request.
 *
 *   device.faults.add({ request: 'DFU_DNLOAD', nth: 3, action: 'stall' })
 *
 * `nth` counts matching requests from the moment the fault is added (1 = the
 * next one); the fault then fires `times` times in a row (default 1;
 * Infinity = every later match). Actions:
 *   'stall'      the device stalls EP0 (a DFU request also moves to dfuERROR/errSTALLEDPKT)
 *   'silent'     the device never completes the transfer (the host times out); no state change
 *   'gone'       the device drops off the bus (disconnect) instead of answering
 *   'busy'       GETSTATUS answers dfuDNBUSY (status OK, bwPollTimeout 100 ms) and nothing
 *                progresses: with times: Infinity, a device stuck busy; other requests: as 'silent'
 *   'corrupt'    (DNLOAD) the block is programmed with one bit flipped (byte 100, or the last): a silent
 *                corruption on the way that only a read-back finds
 *   { stuck, pollMs? }  the device wedges in dfuDNBUSY instead of doing the request (a GETSTATUS gets
 *                dfuDNBUSY with pollMs, default the current bwPollTimeout or 20 ms; other requests are
 *                acknowledged) and stays so, answering every GETSTATUS with dfuDNBUSY, until `stuck`
 *                frees it: 'abort' (DFU_ABORT), 'clrstatus' (the DFU_CLRSTATUS pair), 'reset' (a USB
 *                reset: it restarts and re-enumerates), 'forever' (nothing does)
 * `strings: true` (GET_DESCRIPTOR faults) limits the fault to string descriptors;
 * `untilReset: true` clears it at the device's next USB bus reset — a glitch
 * that re-enumerating cures, as the STM32CubeMX DFU class's unreadable strings.
 *   { status }   the request "fails" with that DFU status: a DNLOAD is accepted and its
 *                GETSTATUS reports dfuERROR/status; GETSTATUS itself reports dfuERROR/status;
 *                UPLOAD stalls with it; other DFU requests are acknowledged and leave the
 *                device in dfuERROR/status; non-DFU requests stall.
 */
import type { DfuStatus } from '../dfu/constants.js';
import type { SimStuckRelease } from './dfu-machine.js';

export type SimRequestName =
  | 'DFU_DETACH'
  | 'DFU_DNLOAD'
  | 'DFU_UPLOAD'
  | 'DFU_GETSTATUS'
  | 'DFU_CLRSTATUS'
  | 'DFU_GETSTATE'
  | 'DFU_ABORT'
  | 'GET_DESCRIPTOR'
  | 'GET_STATUS'
  | 'SET_CONFIGURATION'
  | 'GET_CONFIGURATION'
  | 'SET_INTERFACE'
  | 'GET_INTERFACE';

export type SimFaultAction = 'stall' | 'silent' | 'gone' | 'busy' | 'corrupt' | { status: DfuStatus } | { stuck: SimStuckRelease; pollMs?: number | undefined };

export interface SimFaultSpec {
  request: SimRequestName | (string & {});
  nth?: number | undefined;
  times?: number | undefined;
  action: SimFaultAction;
  /** GET_DESCRIPTOR: only string descriptors (type 3) match. */
  strings?: boolean | undefined;
  /** The fault is gone after the device's next USB bus reset. */
  untilReset?: boolean | undefined;
}

interface ArmedFault {
  spec: SimFaultSpec;
  seen: number;
  fired: number;
}

export class SimFaults {
  private readonly armed: ArmedFault[] = [];
  /** Faults that fired, in order (request name and action), for assertions. */
  readonly fired: { request: string; action: SimFaultAction }[] = [];

  add(spec: SimFaultSpec): void {
    this.armed.push({ spec, seen: 0, fired: 0 });
  }

  clear(): void {
    this.armed.length = 0;
  }

  /** Faults still waiting to fire. */
  get pending(): number {
    return this.armed.filter((f) => f.fired < (f.spec.times ?? 1)).length;
  }

  /** The device saw a USB bus reset: the faults that a reset cures are gone. */
  busReset(): void {
    for (let i = this.armed.length - 1; i >= 0; i--) if (this.armed[i]!.spec.untilReset) this.armed.splice(i, 1);
  }

  /** Called for every request the device processes; returns the action of the first fault that fires. */
  match(request: string, setup?: { wValue: number }): SimFaultAction | undefined {
    let action: SimFaultAction | undefined;
    const isString = setup !== undefined && setup.wValue >> 8 === 3;
    for (const f of this.armed) {
      if (f.spec.request !== request || (f.spec.strings && !isString)) continue;
      f.seen++;
      const nth = f.spec.nth ?? 1;
      const times = f.spec.times ?? 1;
      if (action === undefined && f.seen >= nth && f.fired < times) {
        f.fired++;
        action = f.spec.action;
      }
    }
    if (action !== undefined) this.fired.push({ request, action });
    return action;
  }
}
