/**
 * A simulated USB DFU device at the USB level: it answers raw SETUP packets
 * (standard requests and DFU class requests), SET_INTERFACE and bus resets,
 * keeps a transcript of everything, and leaves or re-enters the bus on its own.
 *
 * Time: every busy period has a real duration on the injected Clock. A
 * request that arrives while the device is busy completes only when the busy
 * period ends (the promise resolves late, like a device NAKing EP0). A
 * GETSTATUS that arrives before the bwPollTimeout of the previous GETSTATUS
 * reply has elapsed, counted from that reply's completion, is marked `early`
 * in the transcript and counted in `earlyPolls`. Times are exact (fractions of
 * a millisecond count); through a harness, control() takes the host's own
 * submit and completion times (SimHostTimes).
 */
import { DFU_STATE_NAMES, DFU_STATUS_NAMES, DfuState, DfuStatus } from '../dfu/constants.js';
import { parseMemoryLayout } from '../dfu/memory-layout.js';
import { DfuFlashError, hex32 } from '../shared/errors.js';
import { systemClock, type Clock } from '../transport/clock.js';
import type { SetupPacket } from '../transport/types.js';
import type { SimBusEvent, SimControlResult, SimDescriptors, SimHostTimes, SimTranscriptEntry, SimUsbDevice } from './types.js';
import type { SimProfile } from './profile-types.js';
import { bosDescriptorBytes, buildDescriptors, functionalDescriptorBytes } from './descriptor-builder.js';
import { DfuMachine, type SimLeave } from './dfu-machine.js';
import { DfuseTarget } from './dfuse-target.js';
import { SequentialTarget } from './sequential-target.js';
import { SimFaults } from './faults.js';
import { PollWatch } from './poll-watch.js';
import type { SimFlashSnapshot, SimWrite } from './flash.js';
import { standardRequest, type StandardContext } from './standard-requests.js';
import { requestName } from '../transport/descriptors/setup.js';
import type { SimTarget } from './target-types.js';
import { shortPoll, withTiming, type SimTiming } from './timing-variants.js';

export interface SimDeviceOptions {
  clock?: Clock | undefined;
  /** Multiplies every busy duration (1 = real timing, 0 = instant, 0.01 = fast demo). Default 1. */
  timeScale?: number | undefined;
  /** Which of the profile's timing sets (timing-variants.ts). Default 'typical'. */
  timing?: SimTiming | undefined;
  serial?: string | undefined;
  /** Builds the device that arrives after a re-enumeration (createSimDevice provides it). */
  spawn?: ((profile: string, serial: string | undefined) => SimDevice) | undefined;
}

/** Claim result for SimTransport. */
export type SimClaimResult = 'ok' | 'busy' | 'not-found' | 'gone';

const NO_SETUP: SetupPacket = { bmRequestType: 0, bRequest: 0, wValue: 0, wIndex: 0, wLength: 0 };

export { requestName };

export class SimDevice implements SimUsbDevice {
  readonly profile: string;
  readonly definition: SimProfile;
  readonly serial: string | undefined;
  readonly clock: Clock;
  readonly timeScale: number;
  readonly timing: SimTiming;
  readonly transcript: SimTranscriptEntry[] = [];
  readonly faults = new SimFaults();
  /** GETSTATUS requests that arrived before the reported bwPollTimeout had elapsed. */
  earlyPolls = 0;
  private readonly polls = new PollWatch();
  private readonly descs: SimDescriptors;
  private readonly target: SimTarget | undefined;
  private readonly machine: DfuMachine;
  private readonly listeners = new Set<(e: SimBusEvent) => void>();
  private readonly alts = new Map<number, number>();
  private readonly claims = new Map<number, object>();
  private readonly spawn: SimDeviceOptions['spawn'];
  private configurationValue = 1;
  private attached = true;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(profile: SimProfile, options: SimDeviceOptions = {}) {
    this.timing = options.timing ?? 'typical';
    const definition = withTiming(profile, this.timing);
    this.definition = definition;
    this.profile = definition.name;
    this.clock = options.clock ?? systemClock;
    this.timeScale = options.timeScale ?? 1;
    this.serial = options.serial ?? definition.identity.serial;
    this.spawn = options.spawn;
    this.descs = buildDescriptors(definition, this.serial);
    this.target = makeTarget(definition);
    const b = definition.behaviour;
    this.machine = new DfuMachine({
      functional: definition.dfu.functional,
      initial: definition.initial,
      timeScale: this.timeScale,
      busyTransform: this.timing === 'short-poll' ? shortPoll : undefined,
      target: this.target,
      runtime: b.kind === 'runtime' ? b : undefined,
      selfReenumerateAfterMs: b.kind === 'dfuse' ? b.reenumerateAfterMs : 0,
      busyGetStatus: b.kind === 'dfuse' ? b.busyGetStatus : undefined,
      leaveWithoutStatus: b.kind === 'dfuse' ? b.leaveWithoutStatus : undefined,
      wakeAt: (at) => {
        void this.clock.sleep(Math.max(0, at - this.clock.now())).then(() => this.settle());
      },
    });
    this.alts.set(definition.dfu.interfaceNumber, 0);
    for (const o of definition.otherInterfaces ?? []) this.alts.set(o.interfaceNumber, 0);
  }

  // ---- SimUsbDevice ----

  descriptors(): SimDescriptors {
    return this.descs;
  }

  control(setup: SetupPacket, data?: Uint8Array, host?: SimHostTimes): Promise<SimControlResult> {
    const now = this.clock.now();
    const arrival = host?.submittedAt === undefined ? now : Math.min(now, host.submittedAt);
    const run = this.queue.then(() => this.process({ ...setup }, data, arrival, host?.previousCompletedAt));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  setAltSetting(interfaceNumber: number, alternateSetting: number): boolean {
    const setup = { bmRequestType: 0x01, bRequest: 11, wValue: alternateSetting, wIndex: interfaceNumber, wLength: 0 };
    let result: SimControlResult = { kind: 'gone' };
    this.settle();
    if (this.attached) {
      const fault = this.faults.match('SET_INTERFACE');
      if (fault === 'gone') this.leaveBus({ reason: 'fault injected: device dropped off the bus' });
      else if (fault !== undefined) result = { kind: fault === 'silent' || fault === 'busy' ? 'silent' : 'stall' };
      else result = this.applyAlt(interfaceNumber, alternateSetting) ? { kind: 'ack' } : { kind: 'stall' };
    }
    this.record(setup, 'SET_INTERFACE', this.clock.now(), result, 0, false);
    return result.kind === 'ack';
  }

  busReset(): void {
    this.settle();
    const now = this.clock.now();
    this.record(NO_SETUP, 'BUS_RESET', now, { kind: this.attached ? 'ack' : 'gone' }, 0, false);
    if (!this.attached) return;
    this.faults.busReset();
    const leave = this.machine.busReset();
    if (leave !== undefined) {
      this.leaveBus(leave);
      return;
    }
    // the host's stack restores the alt settings of claimed interfaces after a reset
    this.target?.setAlt(this.alts.get(this.definition.dfu.interfaceNumber) ?? 0);
  }

  onBusEvent(listener: (event: SimBusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- inspection ----

  /** Still on the bus? */
  get connected(): boolean {
    this.settle();
    return this.attached;
  }
  get state(): DfuState {
    this.settle();
    return this.machine.state;
  }
  get status(): DfuStatus {
    this.settle();
    return this.machine.status;
  }
  get stateName(): string {
    return DFU_STATE_NAMES[this.state] ?? String(this.state);
  }
  get statusName(): string {
    return DFU_STATUS_NAMES[this.status] ?? String(this.status);
  }
  /** Clock time until which the device NAKs EP0. */
  get busyUntil(): number {
    return this.machine.busyUntil;
  }
  get dfuInterfaceNumber(): number {
    return this.definition.dfu.interfaceNumber;
  }
  get transferSize(): number {
    return this.definition.dfu.functional.wTransferSize;
  }
  /** DfuSe address pointer (undefined for plain DFU devices). */
  get addressPointer(): number | undefined {
    return this.target instanceof DfuseTarget ? this.target.addressPointer : undefined;
  }
  altSetting(interfaceNumber: number): number | undefined {
    return this.alts.get(interfaceNumber);
  }
  /** Interfaces a SimTransport has claimed. */
  get claimedInterfaces(): number[] {
    return [...this.claims.keys()].sort((a, b) => a - b);
  }
  /** Page start addresses in the order they were erased. */
  get eraseLog(): readonly number[] {
    return this.target?.flash?.eraseLog ?? [];
  }
  get writeLog(): readonly SimWrite[] {
    return this.target?.flash?.writeLog ?? [];
  }
  /** DfuSe devices: read-out protection (see dfuse-target.ts); set it to simulate a protected chip. */
  get readProtected(): boolean {
    return this.target instanceof DfuseTarget && this.target.readProtected;
  }
  set readProtected(on: boolean) {
    if (!(this.target instanceof DfuseTarget)) {
      throw new DfuFlashError('USAGE', `simulated device '${this.profile}' is not a DfuSe device: it has no read-out protection`);
    }
    this.target.readProtected = on;
  }
  /** DfuSe devices: does a write to the option bytes reset the chip? (see dfuse-target.ts) */
  get optionBytesReset(): boolean {
    return this.target instanceof DfuseTarget && this.target.optionBytesReset;
  }
  set optionBytesReset(on: boolean) {
    if (!(this.target instanceof DfuseTarget)) throw new DfuFlashError('USAGE', `simulated device '${this.profile}' is not a DfuSe device: it has no option bytes`);
    this.target.optionBytesReset = on;
  }
  readFlash(address: number, length: number): Uint8Array {
    return this.requireFlash().read(address, length);
  }
  /** Initial contents: bytes that are in the flash before anything is flashed (no erase or write logged). */
  loadFlash(address: number, data: Uint8Array): void {
    this.requireFlash().load(address, data);
  }
  snapshot(): SimFlashSnapshot {
    const flash = this.target?.flash;
    return flash === undefined
      ? { format: 'dfu-flash-sim-flash', version: 1, profile: this.profile, pages: [] }
      : flash.snapshot(this.profile);
  }
  restore(snapshot: SimFlashSnapshot): void {
    if (this.target?.flash === undefined && snapshot.pages.length === 0) return;
    this.requireFlash().restore(snapshot);
  }
  /** Pull the plug (test helper). */
  unplug(reason = 'unplugged'): void {
    this.leaveBus({ reason });
  }

  // ---- used by SimTransport ----

  claim(interfaceNumber: number, owner: object): SimClaimResult {
    if (!this.connected) return 'gone';
    if (!this.alts.has(interfaceNumber)) return 'not-found';
    const holder = this.claims.get(interfaceNumber);
    if (holder !== undefined && holder !== owner) return 'busy';
    this.claims.set(interfaceNumber, owner);
    return 'ok';
  }
  release(interfaceNumber: number, owner: object): void {
    if (this.claims.get(interfaceNumber) === owner) this.claims.delete(interfaceNumber);
  }

  // ---- internals ----

  private requireFlash() {
    const flash = this.target?.flash;
    if (flash === undefined) {
      throw new DfuFlashError('USAGE', `simulated device '${this.profile}' has no memory`, {
        hint: 'it is an application with a DFU runtime interface; detach it into its bootloader first',
      });
    }
    return flash;
  }

  private settle(): void {
    if (!this.attached) return;
    const leave = this.machine.settle(this.clock.now());
    if (leave !== undefined) this.leaveBus(leave);
  }

  private async process(setup: SetupPacket, data: Uint8Array | undefined, arrival: number, previousCompletedAt?: number): Promise<SimControlResult> {
    const name = requestName(setup);
    const isDfu = this.isDfuRequest(setup);
    if (previousCompletedAt !== undefined) this.polls.hostSawCompletion(this.transcript.at(-1), previousCompletedAt, this.clock.now());
    const early = isDfu && name === 'DFU_GETSTATUS' && this.attached && this.polls.isEarly(arrival) && this.definition.bogusPollTimeout !== true;
    if (early) this.earlyPolls++;
    const wait = this.machine.busyUntil - this.clock.now();
    const answeredWhileBusy = isDfu && name === 'DFU_GETSTATUS' && this.machine.answersWhileBusy();
    if (this.attached && wait > 0 && !answeredWhileBusy) await this.clock.sleep(wait);
    this.settle();
    let result: SimControlResult = this.attached ? this.dispatch(setup, data, name, isDfu) : { kind: 'gone' };
    // a device never returns more than wLength bytes in the data stage
    if (result.kind === 'ack' && result.data !== undefined && result.data.length > setup.wLength) {
      result = { kind: 'ack', data: result.data.slice(0, setup.wLength) };
    }
    const outLength = (setup.bmRequestType & 0x80) === 0 ? (data?.length ?? 0) : 0;
    const entry = this.record(setup, name, arrival, result, outLength, early);
    if (isDfu && name === 'DFU_GETSTATUS') this.polls.noteReply(entry, result);
    this.settle();
    return result;
  }

  private isDfuRequest(setup: SetupPacket): boolean {
    return (setup.bmRequestType & 0x7f) === 0x21 && setup.wIndex === this.definition.dfu.interfaceNumber;
  }

  private dispatch(setup: SetupPacket, data: Uint8Array | undefined, name: string, isDfu: boolean): SimControlResult {
    const fault = this.faults.match(name, setup);
    if (fault === 'busy') return isDfu && name === 'DFU_GETSTATUS' ? this.machine.fakeBusy(this.clock.now()) : { kind: 'silent' };
    if (fault === 'silent') return { kind: 'silent' };
    if (fault === 'gone') {
      this.leaveBus({ reason: 'fault injected: device dropped off the bus' });
      return { kind: 'gone' };
    }
    const now = this.clock.now();
    if (isDfu) {
      if (typeof fault === 'object' && 'stuck' in fault) {
        this.machine.wedge(fault.stuck, fault.pollMs);
        return name === 'DFU_GETSTATUS' ? this.machine.request(setup, data, now) : { kind: 'ack' };
      }
      if (fault === 'stall') return this.machine.illegal();
      if (fault === 'corrupt') {
        // The block arrives damaged and the device programs it as received: only a read-back can tell.
        const bad = data?.slice();
        if (bad !== undefined && bad.length > 0) bad[Math.min(100, bad.length - 1)]! ^= 0x10;
        return this.machine.request(setup, bad, now, undefined);
      }
      return this.machine.request(setup, data, now, fault === undefined || !('status' in fault) ? undefined : fault.status);
    }
    if (fault !== undefined) return { kind: 'stall' };
    if (((setup.bmRequestType >> 5) & 3) !== 0) return { kind: 'stall' };
    return standardRequest(this.standardContext(), setup);
  }

  private standardContext(): StandardContext {
    const self = this;
    const id = this.definition.identity;
    return {
      descriptors: this.descs,
      bos: id.bcdUSB >= 0x0201 ? bosDescriptorBytes() : undefined,
      functional: (n) =>
        n === undefined || n === this.definition.dfu.interfaceNumber
          ? functionalDescriptorBytes(this.definition.dfu.functional)
          : undefined,
      selfPowered: (this.definition.configuration.bmAttributes & 0x40) !== 0,
      get configuration() {
        return self.configurationValue;
      },
      set configuration(v: number) {
        self.configurationValue = v;
      },
      getAlt: (n) => this.alts.get(n),
      setAlt: (n, alt) => this.applyAlt(n, alt),
    };
  }

  private applyAlt(interfaceNumber: number, alt: number): boolean {
    const dfu = this.definition.dfu;
    if (interfaceNumber === dfu.interfaceNumber) {
      if (alt >= dfu.altNames.length) return false;
      this.alts.set(interfaceNumber, alt);
      this.target?.setAlt(alt);
      return true;
    }
    if (!this.alts.has(interfaceNumber) || alt !== 0) return false;
    return true;
  }

  private record(
    setup: SetupPacket,
    request: string,
    t: number,
    result: SimControlResult,
    outLength: number,
    early: boolean,
  ): SimTranscriptEntry {
    const inLength = result.kind === 'ack' ? (result.data?.length ?? 0) : 0;
    const entry: SimTranscriptEntry = {
      t,
      doneAt: this.clock.now(),
      setup: { ...setup },
      length: (setup.bmRequestType & 0x80) !== 0 ? inLength : outLength,
      result: result.kind,
      request,
      state: DFU_STATE_NAMES[this.machine.state] ?? String(this.machine.state),
      status: DFU_STATUS_NAMES[this.machine.status] ?? String(this.machine.status),
    };
    if (early) entry.early = true;
    this.transcript.push(entry);
    return entry;
  }

  private leaveBus(leave: SimLeave): void {
    if (!this.attached) return;
    this.attached = false;
    this.claims.clear();
    let event: SimBusEvent = { type: 'disconnect', reason: leave.reason };
    const re = leave.reenumerate;
    if (re !== undefined && this.spawn !== undefined) {
      const self = re.profile === 'self';
      const next = this.spawn(self ? this.profile : re.profile, self ? this.serial : undefined);
      if (self) next.restore(this.snapshot());
      event = { type: 'reenumerate', device: next, afterMs: re.afterMs, reason: leave.reason };
    }
    for (const l of [...this.listeners]) l(event);
  }
}

function makeTarget(p: SimProfile): SimTarget | undefined {
  const b = p.behaviour;
  if (b.kind === 'dfuse') {
    const layouts = p.dfu.altNames.map((claimed, alt) => {
      const name = b.memory?.[alt] ?? claimed;
      if (name === undefined) throw new DfuFlashError('INTERNAL', `profile ${p.name}: alt ${alt} has no layout string`);
      return parseMemoryLayout(name);
    });
    return new DfuseTarget(layouts, b, p.dfu.functional.wTransferSize);
  }
  if (b.kind === 'dfu') {
    if (b.appStart >= b.appEnd) throw new DfuFlashError('INTERNAL', `profile ${p.name}: empty application area ${hex32(b.appStart)}`);
    return new SequentialTarget(b);
  }
  return undefined;
}
