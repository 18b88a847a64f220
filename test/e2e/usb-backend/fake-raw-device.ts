/**
 * A scriptable RawDevice for the libusb backend's unit tests: no libusb, but
 * the same callback contract node-usb has (completion exactly once, never
 * synchronous; cancel completes with LIBUSB_TRANSFER_CANCELLED; close throws
 * while a transfer is pending).
 */
import type { SetupPacket } from '../../../src/transport/types.js';
import type {
  RawConfigDescriptor,
  RawControlCallback,
  RawDevice,
  RawDeviceDescriptor,
  RawInterfaceDescriptor,
  RawTransferHandle,
} from '../../../src/transport/usb/raw-device.js';

/** A node-usb style error: message = libusb name, errno = its number. */
export function libusbError(name: string, errno: number): Error & { errno: number } {
  return Object.assign(new Error(name), { errno });
}

export const ERR = {
  cancelled: () => libusbError('LIBUSB_TRANSFER_CANCELLED', 3),
  stall: () => libusbError('LIBUSB_TRANSFER_STALL', 4),
  transferNoDevice: () => libusbError('LIBUSB_TRANSFER_NO_DEVICE', 5),
  access: () => libusbError('LIBUSB_ERROR_ACCESS', -3),
  noDevice: () => libusbError('LIBUSB_ERROR_NO_DEVICE', -4),
  notFound: () => libusbError('LIBUSB_ERROR_NOT_FOUND', -5),
  busy: () => libusbError('LIBUSB_ERROR_BUSY', -6),
  io: () => libusbError('LIBUSB_ERROR_IO', -1),
};

/** What the fake does with one control transfer. */
export type FakeAnswer =
  | { data?: Uint8Array; error?: Error; delayMs?: number }
  /** Never completes until cancelled (then: CANCELLED after `cancelDelayMs`). */
  | 'silent';

export interface FakeOptions {
  descriptor?: Partial<RawDeviceDescriptor>;
  configs?: RawConfigDescriptor[];
  configError?: Error;
  busNumber?: number;
  deviceAddress?: number;
  portNumbers?: number[];
  openError?: Error;
  claimError?: Error;
  /** Strings by index (answered to GET_DESCRIPTOR STRING, LANGID table implied). */
  strings?: Record<number, string>;
  /** Overrides the built-in answers (strings, STALL for anything else). */
  answer?: (setup: SetupPacket, call: number) => FakeAnswer | undefined;
  cancelDelayMs?: number;
  /** Cancellation is ignored: the transfer completes with CANCELLED only after this long. */
  cancelIgnoredMs?: number;
  /** reset / setAltSetting / release outcome; 'never' = the callback never runs. */
  reset?: Error | 'never';
  setAlt?: Error | 'never';
  closeAlwaysThrows?: boolean;
}

export function dfuAlt(n: number, alt: number, iInterface: number, extra: number[] = []): RawInterfaceDescriptor {
  return {
    bInterfaceNumber: n,
    bAlternateSetting: alt,
    bInterfaceClass: 0xfe,
    bInterfaceSubClass: 0x01,
    bInterfaceProtocol: 2,
    iInterface,
    extra: Uint8Array.from(extra),
  };
}

/** DFU functional descriptor bytes (9-byte form). */
export function functionalBytes(bmAttributes: number, wTransferSize: number, bcdDFU = 0x011a, wDetachTimeOut = 255): number[] {
  return [9, 0x21, bmAttributes, wDetachTimeOut & 0xff, wDetachTimeOut >> 8, wTransferSize & 0xff, wTransferSize >> 8, bcdDFU & 0xff, bcdDFU >> 8];
}

export function stringBytes(text: string): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return Uint8Array.from([body.length + 2, 3, ...body]);
}

export class FakeRawDevice implements RawDevice {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: RawDeviceDescriptor;
  /** Every control transfer submitted. */
  readonly calls: SetupPacket[] = [];
  readonly log: string[] = [];
  pending = 0;
  opened = false;
  closeCount = 0;

  constructor(private readonly o: FakeOptions = {}) {
    this.busNumber = o.busNumber ?? 1;
    this.deviceAddress = o.deviceAddress ?? 5;
    this.portNumbers = o.portNumbers ?? [1, 4];
    this.deviceDescriptor = {
      bcdUSB: 0x0200,
      bMaxPacketSize0: 64,
      idVendor: 0x0483,
      idProduct: 0xdf11,
      bcdDevice: 0x2200,
      iManufacturer: 1,
      iProduct: 2,
      iSerialNumber: 3,
      ...o.descriptor,
    };
  }

  configDescriptors(): RawConfigDescriptor[] {
    if (this.o.configError) throw this.o.configError;
    return this.o.configs ?? [];
  }

  activeConfigurationValue(): number | undefined {
    return this.o.configs?.[0]?.bConfigurationValue;
  }

  open(): void {
    if (this.o.openError) throw this.o.openError;
    this.opened = true;
    this.log.push('open');
  }

  close(): void {
    this.closeCount++;
    if (this.o.closeAlwaysThrows || this.pending > 0) throw new Error("Can't close device with a pending request");
    this.opened = false;
    this.log.push('close');
  }

  private builtIn(setup: SetupPacket): FakeAnswer {
    if (setup.bmRequestType === 0x80 && setup.bRequest === 6 && setup.wValue >> 8 === 3) {
      const index = setup.wValue & 0xff;
      if (index === 0) return { data: Uint8Array.from([4, 3, 0x09, 0x04]) };
      const text = this.o.strings?.[index];
      return text === undefined ? { error: ERR.stall() } : { data: stringBytes(text).slice(0, setup.wLength) };
    }
    return { error: ERR.stall() };
  }

  controlTransfer(setup: SetupPacket, _data: Uint8Array | number, _timeoutMs: number, callback: RawControlCallback): RawTransferHandle {
    const call = this.calls.length;
    this.calls.push({ ...setup });
    const answer = this.o.answer?.(setup, call) ?? this.builtIn(setup);
    this.pending++;
    let done = false;
    const finish = (error: unknown, data: Uint8Array = new Uint8Array(0)): void => {
      if (done) return;
      done = true;
      this.pending--;
      callback(error, data, performance.now());
    };
    let timer: NodeJS.Timeout | undefined;
    if (answer !== 'silent') {
      timer = setTimeout(() => finish(answer.error, answer.data), answer.delayMs ?? 0);
    }
    return {
      cancel: () => {
        if (done) return;
        this.log.push(`cancel ${call}`);
        if (timer) clearTimeout(timer);
        setTimeout(() => finish(ERR.cancelled()), this.o.cancelIgnoredMs ?? this.o.cancelDelayMs ?? 1);
      },
    };
  }

  claimInterface(n: number): void {
    if (this.o.claimError) throw this.o.claimError;
    this.log.push(`claim ${n}`);
  }

  releaseInterface(n: number, callback: (error?: unknown) => void): void {
    this.log.push(`release ${n}`);
    setTimeout(() => callback(), 1);
  }

  setAltSetting(n: number, alt: number, callback: (error?: unknown) => void): void {
    this.log.push(`alt ${n} ${alt}`);
    if (this.o.setAlt === 'never') return;
    const error = this.o.setAlt;
    setTimeout(() => callback(error), 1);
  }

  reset(callback: (error?: unknown) => void): void {
    this.log.push('reset');
    if (this.o.reset === 'never') return;
    const error = this.o.reset;
    setTimeout(() => callback(error), 1);
  }
}

/** An STM32F4-like configuration: 4 DFU alts, functional descriptor after the last one. */
export function f4Config(): RawConfigDescriptor {
  return {
    bConfigurationValue: 1,
    extra: new Uint8Array(0),
    interfaces: [[dfuAlt(0, 0, 4), dfuAlt(0, 1, 5), dfuAlt(0, 2, 6), dfuAlt(0, 3, 7, functionalBytes(0x0b, 2048))]],
  };
}

export const F4_STRINGS: Record<number, string> = {
  1: 'STMicroelectronics',
  2: 'STM32  BOOTLOADER',
  3: '3276376D3334',
  4: '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
  5: '@Option Bytes  /0x1FFFC000/01*016 g',
  6: '@OTP Memory /0x1FFF7800/01*512 g,01*016 g',
  7: '@Device Feature/0xFFFF0000/01*004 g',
};
