/**
 * Adapter from the `usb` 2.x package (legacy libusb API) to RawDevice.
 * The only file that touches node-usb objects; loaded lazily by index.ts.
 *
 * Control transfers are built on `usb.Transfer` rather than
 * `Device.controlTransfer`: same libusb call (libusb_submit_transfer on EP0),
 * but we keep the Transfer so our own deadline can cancel it.
 */
import type * as UsbPackage from 'usb';
import type { SetupPacket } from '../types.js';
import type { RawConfigDescriptor, RawControlCallback, RawDevice, RawDeviceDescriptor, RawTransferHandle, RawUsbLib } from './raw-device.js';

type UsbBindings = typeof UsbPackage.usb;
type UsbDevice = UsbPackage.Device;

const SETUP_SIZE = 8;

function toConfig(c: UsbPackage.ConfigDescriptor): RawConfigDescriptor {
  return {
    bConfigurationValue: c.bConfigurationValue,
    extra: new Uint8Array(c.extra ?? []),
    interfaces: (c.interfaces ?? []).map((alts) =>
      alts.map((a) => ({
        bInterfaceNumber: a.bInterfaceNumber,
        bAlternateSetting: a.bAlternateSetting,
        bInterfaceClass: a.bInterfaceClass,
        bInterfaceSubClass: a.bInterfaceSubClass,
        bInterfaceProtocol: a.bInterfaceProtocol,
        iInterface: a.iInterface,
        extra: new Uint8Array(a.extra ?? []),
      })),
    ),
  };
}

const EMPTY = new Uint8Array(0);

/** What a slot's transfer in flight reports to; cleared on completion, so an idle slot's callback reaches nothing. */
interface Flight {
  callback: RawControlCallback;
  isIn: boolean;
  pool: Ep0Pool;
}

/** A reusable libusb control transfer with its buffer (setup packet + data stage). */
interface Ep0Slot {
  transfer: InstanceType<UsbBindings['Transfer']>;
  timeoutMs: number;
  buffer: Buffer;
  /** What the completion callback sees: this slot while its transfer is in flight, nothing otherwise. */
  holder: { slot?: Ep0Slot | undefined };
  flight: Flight | undefined;
}

/**
 * Control transfers on EP0, reused: a libusb transfer and its buffer are made once per timeout value
 * and resubmitted, instead of a new native Transfer and a zero-filled buffer per request. A slot goes
 * back to the pool only when libusb has completed it (a cancelled transfer that has not come back is
 * never reused). node-usb holds each completion callback through a strong native reference; the
 * callback reaches its slot only through `holder`, and only while the transfer is in flight, so an
 * idle pool (and the device that owns it) can still be collected.
 */
class Ep0Pool {
  private readonly idle: Ep0Slot[] = [];

  constructor(
    private readonly usb: UsbBindings,
    private readonly device: UsbDevice,
  ) {}

  take(timeoutMs: number, size: number): Ep0Slot {
    const i = this.idle.findIndex((s) => s.timeoutMs === timeoutMs);
    let slot = i >= 0 ? this.idle.splice(i, 1)[0]! : this.make(timeoutMs);
    if (slot.buffer.length < size) slot.buffer = Buffer.allocUnsafe(Math.max(size, 64));
    return slot;
  }

  give(slot: Ep0Slot): void {
    if (this.idle.length < 4) this.idle.push(slot);
  }

  private make(timeoutMs: number): Ep0Slot {
    const holder: { slot?: Ep0Slot } = {};
    const transfer = new this.usb.Transfer(this.device, 0, this.usb.LIBUSB_TRANSFER_TYPE_CONTROL, timeoutMs, (error: unknown, buf: Buffer, actual: number) => {
      const completedAt = performance.now(); // first: bwPollTimeout counts from here
      const slot = holder.slot;
      holder.slot = undefined;
      const flight = slot?.flight;
      if (slot === undefined || flight === undefined) return;
      slot.flight = undefined;
      // one copy out of the reused buffer, as a plain Uint8Array (no Buffer view on the way)
      const data = flight.isIn ? new Uint8Array(buf.buffer, buf.byteOffset + SETUP_SIZE, actual).slice() : EMPTY;
      flight.pool.give(slot);
      flight.callback(error ?? undefined, data, completedAt);
    });
    return { transfer, timeoutMs, buffer: Buffer.allocUnsafe(SETUP_SIZE + 64), holder, flight: undefined };
  }
}

class NodeUsbDevice implements RawDevice {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: RawDeviceDescriptor;

  private readonly ep0: Ep0Pool;

  constructor(
    usb: UsbBindings,
    private readonly device: UsbDevice,
  ) {
    this.ep0 = new Ep0Pool(usb, device);
    this.busNumber = device.busNumber;
    this.deviceAddress = device.deviceAddress;
    this.portNumbers = device.portNumbers ?? [];
    const d = device.deviceDescriptor;
    this.deviceDescriptor = {
      bcdUSB: d.bcdUSB,
      bMaxPacketSize0: d.bMaxPacketSize0,
      idVendor: d.idVendor,
      idProduct: d.idProduct,
      bcdDevice: d.bcdDevice,
      iManufacturer: d.iManufacturer,
      iProduct: d.iProduct,
      iSerialNumber: d.iSerialNumber,
    };
  }

  configDescriptors(): RawConfigDescriptor[] {
    return this.device.allConfigDescriptors.map(toConfig);
  }

  activeConfigurationValue(): number | undefined {
    return this.device.configDescriptor?.bConfigurationValue;
  }

  open(): void {
    this.device.open();
  }

  close(): void {
    this.device.close();
  }

  controlTransfer(setup: SetupPacket, dataOrLength: Uint8Array | number, timeoutMs: number, callback: RawControlCallback): RawTransferHandle {
    const isIn = (setup.bmRequestType & 0x80) !== 0;
    const length = typeof dataOrLength === 'number' ? dataOrLength : dataOrLength.length;
    const slot = this.ep0.take(Math.max(1, Math.ceil(timeoutMs)), SETUP_SIZE + length);
    const buffer = slot.buffer.subarray(0, SETUP_SIZE + length);
    buffer[0] = setup.bmRequestType;
    buffer[1] = setup.bRequest;
    buffer.writeUInt16LE(setup.wValue, 2);
    buffer.writeUInt16LE(setup.wIndex, 4);
    buffer.writeUInt16LE(length, 6);
    if (!isIn && typeof dataOrLength !== 'number') buffer.set(dataOrLength, SETUP_SIZE);
    slot.flight = { callback, isIn, pool: this.ep0 };
    slot.holder.slot = slot;
    try {
      slot.transfer.submit(buffer);
    } catch (e) {
      slot.flight = undefined;
      slot.holder.slot = undefined;
      this.ep0.give(slot);
      process.nextTick(() => callback(e, EMPTY, performance.now()));
      return { cancel: () => undefined };
    }
    return {
      cancel: () => {
        try {
          if (slot.flight?.callback === callback) slot.transfer.cancel();
        } catch {
          // already completed or device gone: the callback reports what happened
        }
      },
    };
  }

  claimInterface(interfaceNumber: number): void {
    this.device.interface(interfaceNumber).claim();
  }

  releaseInterface(interfaceNumber: number, callback: (error?: unknown) => void): void {
    try {
      this.device.interface(interfaceNumber).release((error) => callback(error ?? undefined));
    } catch (e) {
      process.nextTick(() => callback(e));
    }
  }

  setAltSetting(interfaceNumber: number, alternateSetting: number, callback: (error?: unknown) => void): void {
    try {
      this.device.interface(interfaceNumber).setAltSetting(alternateSetting, (error) => callback(error ?? undefined));
    } catch (e) {
      process.nextTick(() => callback(e));
    }
  }

  reset(callback: (error?: unknown) => void): void {
    try {
      this.device.reset((error) => callback(error ?? undefined));
    } catch (e) {
      process.nextTick(() => callback(e));
    }
  }
}

/** Wrap a loaded `usb` package (its ES-module namespace, or its CommonJS exports). */
export function wrapNodeUsb(loaded: unknown): RawUsbLib {
  const pkg = loaded as typeof UsbPackage & { default?: typeof UsbPackage };
  const usb: UsbBindings = pkg.usb ?? pkg.default?.usb;
  return {
    devices: () => usb.getDeviceList().map((d) => new NodeUsbDevice(usb, d)),
  };
}

/** Load the `usb` package (and with it libusb) and wrap it. */
export async function loadNodeUsb(): Promise<RawUsbLib> {
  return wrapNodeUsb(await import('usb'));
}
