/**
 * An opened libusb device as a DfuTransport. Every transfer and every
 * callback-style libusb call runs under our own deadline (deadline.ts); close()
 * cancels what is still in flight, releases every claimed interface and closes
 * the handle, and never throws.
 */
import { DfuFlashError, hex16 } from '../../shared/errors.js';
import type { ControlOptions, DfuDeviceInfo, DfuTransport, SetupPacket } from '../types.js';
import { DEADLINE_MARGIN_MS, DeadlineTimer, withDeadline, type DeadlineOptions, type Tracked } from './deadline.js';
import { mapLibusbError, libusbErrorName } from './libusb-errors.js';
import type { RawDevice } from './raw-device.js';
import { describeSetup, setupDetails } from '../descriptors/setup.js';

export interface LibusbTransportOptions {
  platform?: NodeJS.Platform;
  /** Added to each transfer's timeout to make our deadline (default DEADLINE_MARGIN_MS). */
  deadlineMarginMs?: number;
  /** Deadline for SET_INTERFACE, release and reset, which have no timeout of their own (default 5000). */
  callTimeoutMs?: number;
  /** How long close() waits for cancelled transfers to come back from libusb (default 1000). */
  closeWaitMs?: number;
  /** Called once the device is closed (the backend stops treating it as in use). */
  onClosed?: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nothing = (): void => undefined;

export class LibusbTransport implements DfuTransport {
  private readonly claimed = new Set<number>();
  private readonly inFlight = new Set<Tracked<unknown>>();
  /** Every deadline of this transport on one timer. */
  private readonly deadlines = new DeadlineTimer();
  private closing: Promise<void> | undefined;
  private readonly platform: NodeJS.Platform;
  private readonly marginMs: number;
  private readonly callTimeoutMs: number;
  private readonly closeWaitMs: number;
  private readonly onClosed: (() => void) | undefined;

  constructor(
    readonly info: DfuDeviceInfo,
    private readonly raw: RawDevice,
    options: LibusbTransportOptions = {},
  ) {
    this.platform = options.platform ?? process.platform;
    this.marginMs = options.deadlineMarginMs ?? DEADLINE_MARGIN_MS;
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.closeWaitMs = options.closeWaitMs ?? 1000;
    this.onClosed = options.onClosed;
  }

  private where(): string {
    return `USB device ${hex16(this.info.vendorId)}:${hex16(this.info.productId)} at ${this.info.portPath}`;
  }

  private mapError(operation: string, details?: Record<string, unknown>): (e: unknown) => Error {
    return (e) =>
      mapLibusbError(e, {
        operation,
        vendorId: this.info.vendorId,
        productId: this.info.productId,
        portPath: this.info.portPath,
        platform: this.platform,
        details,
      });
  }

  private closedError(operation: string): DfuFlashError {
    return new DfuFlashError('INTERNAL', `${operation} on ${this.where()} after the transport was closed`);
  }

  private assertOpen(operation: string): void {
    if (this.closing) throw this.closedError(operation);
  }

  /** Start one tracked operation; it is forgotten when libusb lets go of it. */
  private track<T>(start: (done: (error: unknown, value?: T) => void) => (() => void) | void, options: Omit<DeadlineOptions, 'timer' | 'onFinished'>): Promise<T> {
    let op: Tracked<T> | undefined;
    op = withDeadline<T>(start, { ...options, timer: this.deadlines, onFinished: () => void (op && this.inFlight.delete(op as Tracked<unknown>)) });
    if (!op.completed) this.inFlight.add(op as Tracked<unknown>);
    return op.promise;
  }

  private timeoutError(setup: SetupPacket, timeoutMs: number, cause?: unknown): DfuFlashError {
    const what = describeSetup(setup);
    return new DfuFlashError('TIMEOUT', `${what} to ${this.where()} got no answer within ${timeoutMs} ms`, {
      hint: 'the device did not answer in time: replug it; if it keeps happening, try another USB port or cable',
      ...(cause === undefined ? {} : { cause }),
      details: { ...setupDetails(setup), timeoutMs, libusbError: cause === undefined ? null : libusbErrorName(cause), ownDeadline: cause === undefined },
    });
  }

  /**
   * One control transfer under our deadline. The hot path: nothing is formatted or allocated for
   * messages unless the transfer fails; the completion time goes to options.timing.
   */
  private transfer(setup: SetupPacket, dataOrLength: Uint8Array | number, options: ControlOptions): Promise<Uint8Array> {
    if (this.closing) return Promise.reject(this.closedError(describeSetup(setup)));
    const timeoutMs = options.timeoutMs;
    const timing = options.timing;
    return this.track<Uint8Array>(
      (done) => {
        const handle = this.raw.controlTransfer(setup, dataOrLength, timeoutMs, (error, data, completedAt) => {
          if (timing !== undefined) timing.completedAt = completedAt;
          done(error, data);
        });
        return () => handle.cancel();
      },
      {
        deadlineMs: timeoutMs + this.marginMs,
        onTimeout: () => this.timeoutError(setup, timeoutMs),
        mapError: (e) => {
          // libusb's own timeout: same facts as ours.
          const name = libusbErrorName(e);
          if (name === 'LIBUSB_TRANSFER_TIMED_OUT' || name === 'LIBUSB_ERROR_TIMEOUT') return this.timeoutError(setup, timeoutMs, e);
          return this.mapError(describeSetup(setup), { ...setupDetails(setup), timeoutMs })(e);
        },
      },
    );
  }

  controlIn(setup: SetupPacket, options: ControlOptions): Promise<Uint8Array> {
    if ((setup.bmRequestType & 0x80) === 0) {
      return Promise.reject(new DfuFlashError('INTERNAL', `controlIn called with an OUT request: ${describeSetup(setup)}`));
    }
    return this.transfer(setup, setup.wLength, options);
  }

  controlOut(setup: SetupPacket, data: Uint8Array, options: ControlOptions): Promise<void> {
    if ((setup.bmRequestType & 0x80) !== 0 || setup.wLength !== data.length) {
      return Promise.reject(
        new DfuFlashError('INTERNAL', `controlOut needs an OUT request with wLength equal to the data length: ${describeSetup(setup)}, ${data.length} bytes`),
      );
    }
    return this.transfer(setup, data, options).then(nothing);
  }

  /** A callback-style libusb call under a deadline. */
  private call(operation: string, run: (done: (error?: unknown) => void) => void, details?: Record<string, unknown>): Promise<void> {
    this.assertOpen(operation);
    return this.track<void>(
      (done) => {
        run((error) => done(error));
      },
      {
        deadlineMs: this.callTimeoutMs,
        onTimeout: () =>
          new DfuFlashError('TIMEOUT', `${operation} on ${this.where()} did not finish within ${this.callTimeoutMs} ms`, {
            hint: 'the device did not answer in time: replug it and try again',
            details: { ...details, operation, timeoutMs: this.callTimeoutMs },
          }),
        mapError: this.mapError(operation, details),
      },
    );
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    const operation = `claim interface ${interfaceNumber}`;
    this.assertOpen(operation);
    try {
      this.raw.claimInterface(interfaceNumber);
    } catch (e) {
      throw this.mapError(operation, { interfaceNumber })(e);
    }
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    await this.call(`release interface ${interfaceNumber}`, (done) => this.raw.releaseInterface(interfaceNumber, done), {
      interfaceNumber,
    });
    this.claimed.delete(interfaceNumber);
  }

  async setAltSetting(interfaceNumber: number, alternateSetting: number): Promise<void> {
    return this.call(
      `SET_INTERFACE (interface ${interfaceNumber}, alt ${alternateSetting})`,
      (done) => this.raw.setAltSetting(interfaceNumber, alternateSetting, done),
      { interfaceNumber, alternateSetting },
    );
  }

  async reset(): Promise<void> {
    try {
      await this.call('USB reset', (done) => this.raw.reset(done));
    } catch (e) {
      // A device that re-enumerates during the reset (new descriptors, or it left for its application) is fine.
      if (e instanceof DfuFlashError && (e.code === 'DEVICE_GONE' || e.details.libusbError === 'LIBUSB_ERROR_NOT_FOUND')) return;
      throw e;
    }
  }

  /** Once nothing is in flight any more, the deadline timer goes (an idle armed timer must not outlive the transport). */
  private closeDeadlinesLater(): void {
    const all = [...this.inFlight].map((op) => op.finished());
    void Promise.all(all).then(() => this.deadlines.dispose());
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown().finally(() => this.onClosed?.());
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    try {
      this.closeDeadlinesLater();
      for (const op of this.inFlight) op.cancel();
      if (this.inFlight.size > 0) {
        await Promise.race([Promise.all([...this.inFlight].map((op) => op.finished())), sleep(this.closeWaitMs)]);
      }
      for (const interfaceNumber of [...this.claimed]) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.closeWaitMs);
          try {
            this.raw.releaseInterface(interfaceNumber, () => {
              clearTimeout(timer);
              resolve();
            });
          } catch {
            clearTimeout(timer);
            resolve();
          }
        });
        this.claimed.delete(interfaceNumber);
      }
      // node-usb refuses to close while a transfer is pending; give late completions a few chances.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          this.raw.close();
          return;
        } catch {
          await sleep(Math.max(10, this.closeWaitMs / 10));
        }
      }
    } catch {
      // close() never throws
    }
  }
}
