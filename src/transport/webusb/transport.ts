/**
 * An opened WebUSB device as a DfuTransport. Every transfer and every call
 * runs under our own deadline. WebUSB cannot cancel one transfer, and a
 * transfer that never completes blocks EP0 for every later one; so when our
 * deadline fires, the transport closes the device (which makes the browser
 * discard what is pending) and opens it again, claiming the interfaces and
 * selecting the alt settings it had, before the next request goes out.
 * close() releases the interfaces and closes the device, and never throws.
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { ControlOptions, DfuDeviceInfo, DfuTransport, SetupPacket } from '../types.js';
import { isOwnTimeout, webUsbControlIn, webUsbControlOut, type ControlContext } from './control.js';
import { settleWithin, withDeadline } from './deadline.js';
import type { WebUsbPlatform } from './platform.js';
import { mapWebUsbError, type WebUsbOperationKind } from './webusb-errors.js';
import type { WebUsbDevice } from './webusb-types.js';

export interface WebUsbTransportOptions {
  platform: WebUsbPlatform;
  /** "USB device 0483:df11 (webusb-1)" for messages. */
  where: string;
  /** false once the device's `disconnect` event was seen. */
  connected: () => boolean;
  canReset: boolean;
  /** Deadline of open, claim, release, SET_INTERFACE, reset (default 5000 ms). */
  callTimeoutMs?: number;
  /** How long close() waits for each release and for the close itself (default 1000 ms). */
  closeWaitMs?: number;
  /** Called once the transport is closed (the backend stops treating the device as in use). */
  onClosed?: () => void;
}

export class WebUsbTransport implements DfuTransport {
  private readonly claimed = new Set<number>();
  private readonly alts = new Map<number, number>();
  private readonly ctx: ControlContext;
  private readonly callTimeoutMs: number;
  private readonly closeWaitMs: number;
  private closing: Promise<void> | undefined;
  /** The reopen after a timed-out transfer; later requests wait for it. */
  private recovering: Promise<void> | undefined;
  /** Why the reopen failed, thrown by every later request. */
  private broken: DfuFlashError | undefined;

  constructor(
    readonly info: DfuDeviceInfo,
    private readonly device: WebUsbDevice,
    private readonly options: WebUsbTransportOptions,
  ) {
    this.ctx = { device, where: options.where, platform: options.platform, connected: options.connected };
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.closeWaitMs = options.closeWaitMs ?? 1000;
  }

  private gone(operation: string): DfuFlashError {
    return new DfuFlashError('DEVICE_GONE', `${operation}: ${this.options.where} has left the bus`, {
      hint: 'the device left the bus (reset, detach, leave or unplugged): list the devices again; after a re-enumeration the page may need to select it again',
      details: { portPath: this.info.portPath, operation },
    });
  }

  /** Throws when the transport cannot be used; waits for a reopen in progress. */
  private async usable(operation: string): Promise<void> {
    if (this.closing) throw new DfuFlashError('INTERNAL', `${operation} on ${this.options.where} after the transport was closed`);
    if (this.recovering) await this.recovering;
    if (!this.options.connected()) throw this.gone(operation);
    if (this.broken) throw this.broken;
  }

  /** A WebUSB call other than a transfer, under the call deadline. */
  private async call(kind: WebUsbOperationKind, operation: string, start: () => Promise<void>, details?: Record<string, unknown>): Promise<void> {
    try {
      await withDeadline(start(), this.callTimeoutMs, () =>
        new DfuFlashError('TIMEOUT', `${operation} on ${this.options.where} did not finish within ${this.callTimeoutMs} ms`, {
          hint: 'the device did not answer in time: replug it and try again',
          details: { ...details, operation, timeoutMs: this.callTimeoutMs },
        }),
      );
    } catch (e) {
      throw mapWebUsbError(e, {
        kind,
        operation,
        vendorId: this.info.vendorId,
        productId: this.info.productId,
        where: this.options.where,
        platform: this.options.platform,
        connected: this.options.connected(),
        details,
      });
    }
  }

  private async transfer<T>(what: string, run: () => Promise<T>): Promise<T> {
    await this.usable(what);
    try {
      return await run();
    } catch (e) {
      if (isOwnTimeout(e)) this.recovering ??= this.reopen().finally(() => (this.recovering = undefined));
      throw e;
    }
  }

  controlIn(setup: SetupPacket, options: ControlOptions): Promise<Uint8Array> {
    return this.transfer('control transfer', () => webUsbControlIn(this.ctx, setup, options));
  }

  controlOut(setup: SetupPacket, data: Uint8Array, options: ControlOptions): Promise<void> {
    return this.transfer('control transfer', () => webUsbControlOut(this.ctx, setup, data, options));
  }

  /** Close and open again, so the browser drops the transfer that never completed; then restore claims and alt settings. */
  private async reopen(): Promise<void> {
    try {
      // release first: closing alone was seen to leave the claims behind (Chromium under umockdev), and the new claim then fails
      for (const n of this.claimed) await settleWithin(this.device.releaseInterface(n), this.closeWaitMs);
      await settleWithin(this.device.close(), this.closeWaitMs);
      if (!this.options.connected()) return;
      await this.call('open', 'open (again, after a transfer timed out)', () => this.device.open());
      const value = this.info.configurationValue;
      if (this.device.configuration?.configurationValue !== value) {
        await this.call('configuration', `select configuration ${value}`, () => this.device.selectConfiguration(value));
      }
      for (const n of this.claimed) {
        await this.call('claim', `claim interface ${n}`, () => this.device.claimInterface(n));
        const alt = this.alts.get(n) ?? 0;
        if (alt !== 0) await this.call('alt', `SET_INTERFACE (interface ${n}, alt ${alt})`, () => this.device.selectAlternateInterface(n, alt));
      }
    } catch (e) {
      this.broken =
        e instanceof DfuFlashError && e.code === 'DEVICE_GONE'
          ? e
          : new DfuFlashError('USB_IO', `${this.options.where} could not be opened again after a transfer timed out: ${(e as Error).message}`, {
              hint: 'replug the device and try again',
              cause: e,
            });
    }
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    const operation = `claim interface ${interfaceNumber}`;
    await this.usable(operation);
    await this.call('claim', operation, () => this.device.claimInterface(interfaceNumber), { interfaceNumber });
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    const operation = `release interface ${interfaceNumber}`;
    await this.usable(operation);
    await this.call('release', operation, () => this.device.releaseInterface(interfaceNumber), { interfaceNumber });
    this.claimed.delete(interfaceNumber);
    this.alts.delete(interfaceNumber);
  }

  async setAltSetting(interfaceNumber: number, alternateSetting: number): Promise<void> {
    const operation = `SET_INTERFACE (interface ${interfaceNumber}, alt ${alternateSetting})`;
    await this.usable(operation);
    await this.call('alt', operation, () => this.device.selectAlternateInterface(interfaceNumber, alternateSetting), { interfaceNumber, alternateSetting });
    this.alts.set(interfaceNumber, alternateSetting);
  }

  async reset(): Promise<void> {
    await this.usable('USB reset');
    if (!this.options.canReset) {
      throw new DfuFlashError('UNSUPPORTED', `${this.options.where}: WinUSB cannot issue a USB bus reset`, {
        hint: 'replug the device (or press its reset button) instead',
        details: { operation: 'USB reset' },
      });
    }
    try {
      await this.call('reset', 'USB reset', () => this.device.reset());
    } catch (e) {
      // a device that re-enumerates during the reset (it left for its application, or came back as a new device) is fine
      if (e instanceof DfuFlashError && e.code === 'DEVICE_GONE') return;
      throw e;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown().finally(() => this.options.onClosed?.());
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    try {
      if (this.recovering) await settleWithin(this.recovering, this.closeWaitMs);
      if (this.options.connected() && this.device.opened) {
        for (const n of [...this.claimed]) await settleWithin(this.device.releaseInterface(n), this.closeWaitMs);
      }
      this.claimed.clear();
      if (this.device.opened) await settleWithin(this.device.close(), this.closeWaitMs);
    } catch {
      // close() never throws
    }
  }
}
