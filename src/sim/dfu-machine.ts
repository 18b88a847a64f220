/**
 * The DFU 1.1 state machine (spec §6 and Appendix A) of one simulated DFU
 * interface, with the DfuSe variations. Class requests arrive here already
 * routed (bmRequestType 0x21/0xA1, wIndex = our interface). Time is passed
 * in: the device waits out busy periods before calling request(), and
 * settle(now) applies the transitions that happen by themselves when a busy
 * period ends (dfuDNBUSY → dfuDNLOAD-SYNC, dfuMANIFEST → …, leaving the bus).
 *
 * A request that is illegal in the current state stalls and moves to dfuERROR
 * with errSTALLEDPKT (in appIDLE/appDETACH the device stalls and stays in, or
 * returns to, appIDLE; in dfuMANIFEST-WAIT-RESET it stalls and waits for the
 * reset, still answering GETSTATUS/GETSTATE).
 */
import {
  DFU_ABORT,
  DFU_CLRSTATUS,
  DFU_DETACH,
  DFU_DNLOAD,
  DFU_GETSTATE,
  DFU_GETSTATUS,
  DFU_UPLOAD,
  DfuState,
  DfuStatus,
} from '../dfu/constants.js';
import type { SetupPacket } from '../transport/types.js';
import type { SimControlResult } from './types.js';
import type { SimBusy, SimFunctional, SimRuntimeBehaviour } from './profile-types.js';
import type { SimAfterJob, SimJob, SimTarget } from './target-types.js';

/**
 * What frees a device wedged in dfuDNBUSY: DFU_ABORT; the DFU_CLRSTATUS pair (the first moves it
 * to dfuERROR/errUNKNOWN, as the STM32H7 ROM does); a USB reset (it restarts: leaves the bus and
 * comes back, flash kept); or nothing ('forever': only a power cycle would). Until then it answers
 * GETSTATUS with dfuDNBUSY and stalls every other request without changing state.
 */
export type SimStuckRelease = 'abort' | 'clrstatus' | 'reset' | 'forever';

interface SimWedge {
  release: SimStuckRelease;
  pollMs: number;
}

/** The device leaves the bus; with `reenumerate`, something arrives on the same port later. */
export interface SimLeave {
  reason: string;
  reenumerate?: { profile: string | 'self'; afterMs: number } | undefined;
}

export interface MachineOptions {
  functional: SimFunctional;
  initial: { state: DfuState; status: DfuStatus };
  timeScale: number;
  /** Applied to every busy period before timeScale ('short-poll' timing). */
  busyTransform?: ((busy: SimBusy) => SimBusy) | undefined;
  target: SimTarget | undefined;
  runtime: SimRuntimeBehaviour | undefined;
  /** After a reset caused by the device itself (READ_UNPROTECT), it is back after this long. */
  selfReenumerateAfterMs: number;
  /** Ask the device to call settle() at clock time `at` (for leaving the bus on time). */
  wakeAt: (at: number) => void;
  /** GETSTATUS during a busy period (profile switch, default 'nak'): see SimDfuseBehaviour.busyGetStatus. */
  busyGetStatus?: 'nak' | 'answer-busy' | 'stall-during-erase' | undefined;
  /** GD32-style leave: see SimDfuseBehaviour.leaveWithoutStatus. */
  leaveWithoutStatus?: { status: DfuStatus; afterMs: number } | undefined;
}

const MAX_POLL_TIMEOUT = 0xffffff;
const STALL: SimControlResult = { kind: 'stall' };
const ACK: SimControlResult = { kind: 'ack' };

export class DfuMachine {
  state: DfuState;
  status: DfuStatus;
  /** The device NAKs EP0 until this clock time. */
  busyUntil = -Infinity;
  private pending: SimJob | undefined;
  private pendingFault: DfuStatus | undefined;
  private blockDone = false;
  private manifestDone = false;
  private afterBusy: SimAfterJob | undefined;
  private failAfterBusy: DfuStatus | undefined;
  private leave: { at: number; leave: SimLeave } | undefined;
  private detachDeadline = Infinity;
  /** Wedged in dfuDNBUSY until its release (SimJobOutcome.stuck, or a `stuck` fault). */
  private wedged: SimWedge | undefined;
  /** bwPollTimeout reported for the current busy period, and whether it is an erase. */
  private busyReportedMs = 0;
  private busyIsErase = false;

  constructor(private readonly o: MachineOptions) {
    this.state = o.initial.state;
    this.status = o.initial.status;
  }

  private get attrs(): { canDnload: boolean; canUpload: boolean; tolerant: boolean; willDetach: boolean } {
    const a = this.o.functional.bmAttributes;
    return { canDnload: (a & 1) !== 0, canUpload: (a & 2) !== 0, tolerant: (a & 4) !== 0, willDetach: (a & 8) !== 0 };
  }

  /** Busy period after timeScale; bwPollTimeout is a 24-bit whole number of ms. */
  scale(raw: SimBusy): SimBusy {
    const busy = this.o.busyTransform === undefined ? raw : this.o.busyTransform(raw);
    const s = this.o.timeScale;
    const reportedMs = Math.min(MAX_POLL_TIMEOUT, Math.max(0, Math.ceil(busy.reportedMs * s - 1e-9)));
    return { reportedMs, actualMs: Math.max(0, busy.actualMs * s) };
  }

  /** Apply time-driven transitions; returns a leave that is due. */
  settle(now: number): SimLeave | undefined {
    if (now >= this.busyUntil) {
      if (this.wedged !== undefined) {
        // wedged: stays dfuDNBUSY until its release
      } else if (this.state === DfuState.dfuDNBUSY && this.failAfterBusy !== undefined) {
        this.state = DfuState.dfuERROR;
        this.status = this.failAfterBusy;
        this.failAfterBusy = undefined;
      } else if (this.state === DfuState.dfuDNBUSY) {
        this.state = DfuState.dfuDNLOAD_SYNC;
        this.blockDone = true;
        const after = this.afterBusy;
        this.afterBusy = undefined;
        if (after?.kind === 'reset-and-return') {
          this.scheduleLeave(now, { reason: after.reason, reenumerate: { profile: 'self', afterMs: this.o.selfReenumerateAfterMs } });
        } else if (after?.kind === 'leave') {
          this.scheduleLeave(now, { reason: after.reason, reenumerate: after.reenumerate });
        }
      } else if (this.state === DfuState.dfuMANIFEST) {
        if (this.attrs.tolerant) {
          this.state = DfuState.dfuMANIFEST_SYNC;
          this.manifestDone = true;
        } else {
          this.state = DfuState.dfuMANIFEST_WAIT_RESET;
        }
      }
    }
    if (this.state === DfuState.appDETACH && now > this.detachDeadline) {
      this.state = DfuState.appIDLE;
      this.detachDeadline = Infinity;
    }
    if (this.leave !== undefined && now >= this.leave.at) {
      const due = this.leave.leave;
      this.leave = undefined;
      return due;
    }
    return undefined;
  }

  private scheduleLeave(at: number, leave: SimLeave): void {
    if (this.leave !== undefined && this.leave.at <= at) return;
    this.leave = { at, leave };
    this.o.wakeAt(at);
  }

  /** A stall for a request the current state does not allow. */
  illegal(status: DfuStatus = DfuStatus.errSTALLEDPKT): SimControlResult {
    switch (this.state) {
      case DfuState.appIDLE:
        return STALL;
      case DfuState.appDETACH:
        this.state = DfuState.appIDLE;
        this.detachDeadline = Infinity;
        return STALL;
      case DfuState.dfuMANIFEST_WAIT_RESET:
        return STALL;
      default:
        this.state = DfuState.dfuERROR;
        this.status = status;
        this.pending = undefined;
        return STALL;
    }
  }

  private statusReply(pollMs: number): SimControlResult {
    const p = Math.min(MAX_POLL_TIMEOUT, pollMs);
    return { kind: 'ack', data: Uint8Array.from([this.status, p & 0xff, (p >> 8) & 0xff, (p >> 16) & 0xff, this.state, 0]) };
  }

  /** One DFU class request. `faultStatus` = an injected { status } fault. */
  request(setup: SetupPacket, data: Uint8Array | undefined, now: number, faultStatus?: DfuStatus): SimControlResult {
    const req = setup.bRequest;
    const dirIn = (setup.bmRequestType & 0x80) !== 0;
    const wantsIn = req === DFU_UPLOAD || req === DFU_GETSTATUS || req === DFU_GETSTATE;
    if (this.wedged !== undefined) return this.wedgedRequest(req);
    if (req > DFU_ABORT || dirIn !== wantsIn) return this.illegal();
    if (faultStatus !== undefined && req !== DFU_DNLOAD) return this.failWith(req, faultStatus);
    const inApp = this.state === DfuState.appIDLE || this.state === DfuState.appDETACH;
    switch (req) {
      case DFU_GETSTATE:
        return { kind: 'ack', data: Uint8Array.from([this.state]) };
      case DFU_GETSTATUS:
        return this.getStatus(now);
      case DFU_DETACH:
        return this.state === DfuState.appIDLE ? this.detach(setup, now) : this.illegal();
      case DFU_CLRSTATUS:
        if (this.state !== DfuState.dfuERROR) return this.illegal();
        this.state = DfuState.dfuIDLE;
        this.status = DfuStatus.OK;
        return ACK;
      case DFU_ABORT:
        if (
          this.state !== DfuState.dfuIDLE &&
          this.state !== DfuState.dfuDNLOAD_IDLE &&
          this.state !== DfuState.dfuUPLOAD_IDLE
        ) {
          return this.illegal();
        }
        this.state = DfuState.dfuIDLE;
        this.pending = undefined;
        return ACK;
      case DFU_DNLOAD:
        if (inApp) return this.illegal();
        return this.download(setup, data ?? new Uint8Array(0), faultStatus, now);
      case DFU_UPLOAD:
        if (inApp) return this.illegal();
        return this.upload(setup);
      default:
        return this.illegal();
    }
  }

  private failWith(req: number, status: DfuStatus): SimControlResult {
    if (req === DFU_UPLOAD) return this.illegal(status);
    this.state = DfuState.dfuERROR;
    this.status = status;
    this.pending = undefined;
    if (req === DFU_GETSTATUS) return this.statusReply(0);
    if (req === DFU_GETSTATE) return { kind: 'ack', data: Uint8Array.from([this.state]) };
    return ACK;
  }

  private detach(setup: SetupPacket, now: number): SimControlResult {
    const rt = this.o.runtime;
    if (rt === undefined) return this.illegal();
    this.state = DfuState.appDETACH;
    const leave: SimLeave = {
      reason: 'DFU_DETACH: the application reset itself into its DFU bootloader',
      reenumerate: { profile: rt.reenumerateAs, afterMs: rt.reenumerateAfterMs },
    };
    if (this.attrs.willDetach) {
      this.scheduleLeave(now + rt.detachLeaveMs, leave);
    } else {
      // DFU 1.1 §5.1: wValue (wTimeout) is how long to wait for the reset, at most wDetachTimeOut
      const max = this.o.functional.wDetachTimeOut;
      this.detachDeadline = now + (setup.wValue > 0 ? Math.min(setup.wValue, max) : max);
    }
    return ACK;
  }

  private download(setup: SetupPacket, data: Uint8Array, faultStatus: DfuStatus | undefined, now: number): SimControlResult {
    const target = this.o.target;
    const idle = this.state === DfuState.dfuIDLE;
    if (target === undefined || (!idle && this.state !== DfuState.dfuDNLOAD_IDLE) || !this.attrs.canDnload) {
      return this.illegal();
    }
    if (data.length === 0) {
      if (idle && !target.zeroLengthLeavesFromIdle) return this.illegal();
      const quick = this.o.leaveWithoutStatus;
      if (quick !== undefined) {
        // GD32VF103: no manifestation; whatever GETSTATUS sees, the device is on its way out
        this.state = DfuState.dfuERROR;
        this.status = quick.status;
        this.scheduleLeave(now + quick.afterMs, { reason: 'leave: jumped to the application without a status' });
        return ACK;
      }
      this.state = DfuState.dfuMANIFEST_SYNC;
      this.manifestDone = false;
      this.pendingFault = faultStatus;
      return ACK;
    }
    const r = target.download(setup.wValue, data, idle);
    if (r.kind === 'stall') return this.illegal(r.status);
    this.pending = r.job;
    this.pendingFault = faultStatus;
    this.blockDone = false;
    this.state = DfuState.dfuDNLOAD_SYNC;
    return ACK;
  }

  private upload(setup: SetupPacket): SimControlResult {
    const target = this.o.target;
    const idle = this.state === DfuState.dfuIDLE;
    if (target === undefined || (!idle && this.state !== DfuState.dfuUPLOAD_IDLE) || !this.attrs.canUpload) {
      return this.illegal();
    }
    const r = target.upload(setup.wValue, setup.wLength, idle);
    if (r.kind === 'stall') return this.illegal(r.status);
    this.state = r.data.length < setup.wLength ? DfuState.dfuIDLE : DfuState.dfuUPLOAD_IDLE;
    return { kind: 'ack', data: r.data };
  }

  /** Fault 'busy': a GETSTATUS reply saying dfuDNBUSY (OK, 100 ms) while nothing happens; the real state is kept. */
  fakeBusy(now: number): SimControlResult {
    const pollMs = 100;
    return { kind: 'ack', data: Uint8Array.from([DfuStatus.OK, pollMs, 0, 0, DfuState.dfuDNBUSY, 0]) };
  }

  /** Does a GETSTATUS that arrives now, while the device is busy, get an answer at once instead of a NAK? */
  answersWhileBusy(): boolean {
    const mode = this.o.busyGetStatus ?? 'nak';
    return this.state === DfuState.dfuDNBUSY && (mode === 'answer-busy' || (mode === 'stall-during-erase' && this.busyIsErase));
  }

  private getStatus(now: number): SimControlResult {
    if (this.state === DfuState.dfuDNBUSY && now < this.busyUntil && this.answersWhileBusy()) {
      if (this.o.busyGetStatus === 'stall-during-erase') return STALL; // state unchanged: still erasing
      return this.statusReply(this.busyReportedMs);
    }
    if (this.state === DfuState.dfuDNLOAD_SYNC) {
      if (this.blockDone || this.pending === undefined) {
        this.state = DfuState.dfuDNLOAD_IDLE;
        return this.statusReply(0);
      }
      return this.startJob(this.pending, now, false);
    }
    if (this.state === DfuState.dfuMANIFEST_SYNC) {
      if (this.manifestDone) {
        this.state = DfuState.dfuIDLE;
        this.manifestDone = false;
        return this.statusReply(0);
      }
      return this.startJob(this.o.target!.manifest(), now, true);
    }
    return this.statusReply(0);
  }

  private startJob(job: SimJob, now: number, manifest: boolean): SimControlResult {
    this.pending = undefined;
    const fault = this.pendingFault;
    this.pendingFault = undefined;
    // an injected { status } fault replaces the work: nothing is written or erased
    const outcome = fault === undefined ? job.run() : { status: fault };
    const status = outcome.status;
    const busy = this.scale(outcome.busy ?? job.busy);
    if (status !== DfuStatus.OK) {
      if (!manifest && job.alwaysBusy) {
        // DfuSe commands (AN3156/AN2662): the first GETSTATUS always says dfuDNBUSY;
        // the error shows at the next GETSTATUS, after the busy period
        this.state = DfuState.dfuDNBUSY;
        this.failAfterBusy = status;
        this.busyUntil = now + busy.actualMs;
        return this.statusReply(busy.reportedMs);
      }
      this.state = DfuState.dfuERROR;
      this.status = status;
      return this.statusReply(0);
    }
    this.busyReportedMs = busy.reportedMs;
    this.busyIsErase = job.erase === true;
    if (!manifest) {
      if (!job.alwaysBusy && busy.reportedMs === 0 && busy.actualMs === 0 && outcome.after === undefined) {
        this.blockDone = true;
        this.state = DfuState.dfuDNLOAD_IDLE;
        return this.statusReply(0);
      }
      this.state = DfuState.dfuDNBUSY;
      this.afterBusy = outcome.after;
      if (outcome.stuck === true) this.wedged = { release: 'clrstatus', pollMs: busy.reportedMs };
    } else {
      this.state = DfuState.dfuMANIFEST;
      const leaveAt = now + Math.max(busy.reportedMs, busy.actualMs);
      if (outcome.after?.kind === 'leave') {
        this.scheduleLeave(leaveAt, { reason: outcome.after.reason, reenumerate: outcome.after.reenumerate });
      } else if (!this.attrs.tolerant && this.attrs.willDetach) {
        this.scheduleLeave(leaveAt, { reason: 'manifestation complete: the device reset itself into the application' });
      }
    }
    this.busyUntil = now + busy.actualMs;
    if (this.afterBusy !== undefined) this.o.wakeAt(this.busyUntil);
    return this.statusReply(busy.reportedMs);
  }

  /**
   * Wedge the device in dfuDNBUSY (a `stuck` fault): every GETSTATUS answers dfuDNBUSY with `pollMs`
   * (default: the current busy period's bwPollTimeout, else 20 ms) until `release` (see SimStuckRelease).
   */
  wedge(release: SimStuckRelease, pollMs?: number): void {
    this.wedged = { release, pollMs: pollMs ?? (this.state === DfuState.dfuDNBUSY && this.busyReportedMs > 0 ? this.busyReportedMs : 20) };
    this.state = DfuState.dfuDNBUSY;
    this.pending = undefined;
    this.afterBusy = undefined;
    this.failAfterBusy = undefined;
  }

  /** A request to a wedged device: only its release frees it; everything else stalls and changes nothing. */
  private wedgedRequest(req: number): SimControlResult {
    const w = this.wedged!;
    if (req === DFU_GETSTATUS) return this.statusReply(w.pollMs);
    if (req === DFU_GETSTATE) return { kind: 'ack', data: Uint8Array.from([this.state]) };
    if (req === DFU_ABORT && w.release === 'abort') {
      this.wedged = undefined;
      this.state = DfuState.dfuIDLE;
      this.status = DfuStatus.OK;
      return ACK;
    }
    if (req === DFU_CLRSTATUS && w.release === 'clrstatus') {
      // STM32H7 ROM: the first CLRSTATUS of the pair unsticks it into dfuERROR/errUNKNOWN
      this.wedged = undefined;
      this.state = DfuState.dfuERROR;
      this.status = DfuStatus.errUNKNOWN;
      return ACK;
    }
    return STALL;
  }

  /** USB bus reset. Returns a leave when the reset makes the device drop off the bus. */
  busReset(): SimLeave | undefined {
    const rt = this.o.runtime;
    if (this.wedged !== undefined) {
      if (this.wedged.release !== 'reset') return undefined; // a reset does not reach what is stuck
      this.wedged = undefined;
      return { reason: 'USB reset of a stuck device: it restarted', reenumerate: { profile: 'self', afterMs: this.o.selfReenumerateAfterMs } };
    }
    switch (this.state) {
      case DfuState.appIDLE:
        return undefined;
      case DfuState.appDETACH:
        this.detachDeadline = Infinity;
        return {
          reason: 'USB reset after DFU_DETACH: the application restarted in its DFU bootloader',
          reenumerate: { profile: rt?.reenumerateAs ?? 'self', afterMs: rt?.reenumerateAfterMs ?? 0 },
        };
      case DfuState.dfuMANIFEST:
      case DfuState.dfuMANIFEST_WAIT_RESET:
        if (!this.attrs.tolerant) return { reason: 'USB reset after manifestation: the device started the application' };
        break;
      default:
        break;
    }
    this.state = this.o.initial.state;
    this.status = this.o.initial.status;
    this.pending = undefined;
    this.pendingFault = undefined;
    this.failAfterBusy = undefined;
    this.blockDone = false;
    this.manifestDone = false;
    return undefined;
  }
}
