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

class NodeUsbDevice implements RawDevice {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: RawDeviceDescriptor;

  constructor(
    private readonly usb: UsbBindings,
    private readonly device: UsbDevice,
  ) {
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
    const buffer = Buffer.alloc(SETUP_SIZE + length);
    buffer.writeUInt8(setup.bmRequestType, 0);
    buffer.writeUInt8(setup.bRequest, 1);
    buffer.writeUInt16LE(setup.wValue, 2);
    buffer.writeUInt16LE(setup.wIndex, 4);
    buffer.writeUInt16LE(length, 6);
    if (!isIn && typeof dataOrLength !== 'number') buffer.set(dataOrLength, SETUP_SIZE);
    // node-usb holds the completion callback through a strong native reference for the Transfer's
    // whole life; a callback that can reach the Transfer (directly or through our closures) makes
    // a cycle the GC cannot see through, and every transfer would stay in memory (~2.4 KB each
    // with our deadline closures). So the callback reaches everything through `live`, emptied on
    // completion.
    const live: { callback?: typeof callback; transfer?: InstanceType<UsbBindings['Transfer']> } = { callback };
    const transfer = new this.usb.Transfer(
      this.device,
      0,
      this.usb.LIBUSB_TRANSFER_TYPE_CONTROL,
      // libusb treats 0 as "no timeout"; our own deadline covers the rest.
      Math.max(1, Math.ceil(timeoutMs)),
      (error: unknown, buf: Buffer, actual: number) => {
        const completedAt = performance.now(); // first: bwPollTimeout counts from here
        const done = live.callback;
        live.callback = undefined;
        live.transfer = undefined;
        const data = isIn ? new Uint8Array(buf.subarray(SETUP_SIZE, SETUP_SIZE + actual)) : new Uint8Array(0);
        done?.(error ?? undefined, data, completedAt);
      },
    );
    live.transfer = transfer;
    try {
      transfer.submit(buffer);
    } catch (e) {
      live.callback = undefined;
      live.transfer = undefined;
      process.nextTick(() => callback(e, new Uint8Array(0), performance.now()));
      return { cancel: () => undefined };
    }
    return {
      cancel: () => {
        try {
          live.transfer?.cancel();
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
