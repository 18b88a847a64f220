/**
 * DfuTransport over a simulated device. Maps the device's answers to the
 * errors a libusb transport raises: stall → STALL, gone → DEVICE_GONE,
 * silent → TIMEOUT once options.timeoutMs has passed on the clock (our own
 * deadline, also applied to a device that completes too late). It records
 * nothing itself: the device's transcript is the record.
 */
import { DfuFlashError, type ErrorCode } from '../shared/errors.js';
import type { Clock } from '../transport/clock.js';
import type { ControlOptions, DfuDeviceInfo, DfuTransport, SetupPacket, TransferTiming } from '../transport/types.js';
import type { SimControlResult, SimUsbDevice } from './types.js';
import { SimDevice, requestName } from './sim-device.js';

function describeSetup(s: SetupPacket): string {
  const h = (n: number, w: number): string => '0x' + n.toString(16).padStart(w, '0');
  return `bmRequestType ${h(s.bmRequestType, 2)}, bRequest ${s.bRequest}, wValue ${s.wValue}, wIndex ${s.wIndex}, wLength ${s.wLength}`;
}

export class SimTransport implements DfuTransport {
  readonly info: DfuDeviceInfo;
  private readonly claimed = new Set<number>();
  private closed = false;
  private left = false;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly device: SimUsbDevice,
    info: DfuDeviceInfo,
    private readonly clock: Clock,
  ) {
    this.info = info;
    const off: unknown = device.onBusEvent(() => {
      this.left = true;
    });
    this.unsubscribe = typeof off === 'function' ? (off as () => void) : undefined;
  }

  private get where(): string {
    return `${this.info.vendorId.toString(16).padStart(4, '0')}:${this.info.productId.toString(16).padStart(4, '0')} at ${this.info.portPath}`;
  }

  private isGone(): boolean {
    return this.device instanceof SimDevice ? !this.device.connected : this.left;
  }

  private fail(code: ErrorCode, message: string, hint: string, setup?: SetupPacket): DfuFlashError {
    const details: Record<string, unknown> = { portPath: this.info.portPath };
    if (setup !== undefined) {
      details.request = requestName(setup);
      details.setup = { ...setup };
    }
    return new DfuFlashError(code, message, { hint, details });
  }

  private goneError(setup?: SetupPacket): DfuFlashError {
    if (this.closed) {
      return this.fail('DEVICE_GONE', `the transport to ${this.where} is closed`, 'open the device again', setup);
    }
    const what = setup === undefined ? '' : ` (${requestName(setup)})`;
    return this.fail(
      'DEVICE_GONE',
      `the device ${this.where} has left the bus${what}`,
      'it reset or was unplugged; after a detach or leave, list the devices again to find it',
      setup,
    );
  }

  private assertUsable(setup?: SetupPacket): void {
    if (this.closed || this.isGone()) throw this.goneError(setup);
  }

  private timeoutError(setup: SetupPacket, timeoutMs: number): DfuFlashError {
    return this.fail(
      'TIMEOUT',
      `${requestName(setup)} (${describeSetup(setup)}) to ${this.where} did not complete within ${timeoutMs} ms`,
      'the device stopped answering; unplug it and plug it in again',
      setup,
    );
  }

  private async transfer(setup: SetupPacket, data: Uint8Array | undefined, timeoutMs: number, timing?: TransferTiming): Promise<SimControlResult> {
    this.assertUsable(setup);
    const deadline = this.clock.now() + timeoutMs;
    if (this.device instanceof SimDevice && this.device.busyUntil > deadline) {
      // the device will still be NAKing when our deadline passes: it gets the request, we give up
      void this.device.control(setup, data);
      await this.clock.sleep(deadline - this.clock.now());
      throw this.timeoutError(setup, timeoutMs);
    }
    const result = await this.device.control(setup, data);
    const now = this.clock.now();
    if (timing !== undefined) timing.completedAt = now;
    if (result.kind === 'silent') {
      if (deadline > now) await this.clock.sleep(deadline - now);
      throw this.timeoutError(setup, timeoutMs);
    }
    if (now > deadline) throw this.timeoutError(setup, timeoutMs);
    if (result.kind === 'gone') {
      this.left = true;
      throw this.goneError(setup);
    }
    if (result.kind === 'stall') {
      throw this.fail(
        'STALL',
        `${requestName(setup)} (${describeSetup(setup)}) was stalled by ${this.where}`,
        'the device refused the request in its current state; a DFU device then reports dfuERROR until DFU_CLRSTATUS',
        setup,
      );
    }
    return result;
  }

  async controlIn(setup: SetupPacket, options: ControlOptions): Promise<Uint8Array> {
    if ((setup.bmRequestType & 0x80) === 0) {
      throw new DfuFlashError('INTERNAL', `controlIn called with an OUT request (${describeSetup(setup)})`);
    }
    const result = await this.transfer(setup, undefined, options.timeoutMs, options.timing);
    const data = result.kind === 'ack' ? result.data : undefined;
    return data === undefined ? new Uint8Array(0) : data.slice(0, setup.wLength);
  }

  async controlOut(setup: SetupPacket, data: Uint8Array, options: ControlOptions): Promise<void> {
    if ((setup.bmRequestType & 0x80) !== 0) {
      throw new DfuFlashError('INTERNAL', `controlOut called with an IN request (${describeSetup(setup)})`);
    }
    if (setup.wLength !== data.length) {
      throw new DfuFlashError('INTERNAL', `controlOut: wLength ${setup.wLength} but ${data.length} byte(s) of data`);
    }
    await this.transfer(setup, data, options.timeoutMs, options.timing);
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.assertUsable();
    if (this.device instanceof SimDevice) {
      const r = this.device.claim(interfaceNumber, this);
      if (r === 'gone') throw this.goneError();
      if (r === 'busy') {
        throw this.fail(
          'BUSY',
          `interface ${interfaceNumber} of ${this.where} is claimed by another program`,
          'close the other program (or the other dfu-flash) that uses the device',
        );
      }
      if (r === 'not-found') {
        throw this.fail('USB_IO', `${this.where} has no interface ${interfaceNumber}`, 'pick an interface the device lists');
      }
    }
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    if (this.closed) throw this.goneError();
    if (!this.claimed.delete(interfaceNumber)) return;
    if (this.device instanceof SimDevice) this.device.release(interfaceNumber, this);
  }

  async setAltSetting(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.assertUsable();
    if (!this.claimed.has(interfaceNumber)) {
      throw this.fail(
        'USB_IO',
        `SET_INTERFACE on interface ${interfaceNumber} of ${this.where}, which is not claimed`,
        'claim the interface before selecting an alt setting',
      );
    }
    if (this.device.setAltSetting(interfaceNumber, alternateSetting)) return;
    if (this.isGone()) throw this.goneError();
    throw this.fail(
      'STALL',
      `SET_INTERFACE ${interfaceNumber}/${alternateSetting} was stalled by ${this.where}`,
      'the device has no such alt setting; list its alt settings',
    );
  }

  async reset(): Promise<void> {
    this.assertUsable();
    this.device.busReset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.device instanceof SimDevice) {
      for (const n of this.claimed) this.device.release(n, this);
    }
    this.claimed.clear();
    this.closed = true;
    this.unsubscribe?.();
  }
}
