/**
 * The few things dfu-flash needs from one libusb device, as plain data and
 * callbacks. node-usb-device.ts adapts the `usb` package to it; the tests use
 * fakes, so the deadline, close and listing logic run without libusb.
 */
import type { SetupPacket } from '../types.js';
import type { DeviceDescriptor } from '../descriptors/parse.js';

/** What libusb gives of the device descriptor without I/O (the fields dfu-flash uses). */
export type RawDeviceDescriptor = Pick<DeviceDescriptor, 'bcdUSB' | 'bMaxPacketSize0' | 'idVendor' | 'idProduct' | 'bcdDevice' | 'iManufacturer' | 'iProduct' | 'iSerialNumber'>;

export interface RawInterfaceDescriptor {
  bInterfaceNumber: number;
  bAlternateSetting: number;
  bInterfaceClass: number;
  bInterfaceSubClass: number;
  bInterfaceProtocol: number;
  iInterface: number;
  /** Descriptors libusb found after this alt setting's interface descriptor (class descriptors). */
  extra: Uint8Array;
}

export interface RawConfigDescriptor {
  bConfigurationValue: number;
  /** Descriptors after the configuration descriptor, before the first interface. */
  extra: Uint8Array;
  /** One array of alt settings per interface. */
  interfaces: RawInterfaceDescriptor[][];
}

/** A submitted control transfer. */
export interface RawTransferHandle {
  /** Ask libusb to cancel; the completion callback still runs once (with a CANCELLED status). */
  cancel(): void;
}

/**
 * Completion of a control transfer: `error` is what node-usb reported; `data` the IN bytes (empty for OUT);
 * `completedAt` the performance.now() of the completion callback's first statement.
 */
export type RawControlCallback = (error: unknown, data: Uint8Array, completedAt: number) => void;

export interface RawDevice {
  readonly busNumber: number;
  readonly deviceAddress: number;
  /** Port numbers from the root hub down; empty when the platform does not tell. */
  readonly portNumbers: readonly number[];
  readonly deviceDescriptor: RawDeviceDescriptor;
  /** Every configuration (may throw a libusb error). */
  configDescriptors(): RawConfigDescriptor[];
  /** bConfigurationValue of the active configuration, if known without I/O. */
  activeConfigurationValue(): number | undefined;
  open(): void;
  /** Throws while transfers are still pending. */
  close(): void;
  /**
   * Submit one control transfer with libusb's own timeout. The callback runs
   * exactly once, when libusb completes, fails or cancels the transfer (never
   * synchronously).
   */
  controlTransfer(setup: SetupPacket, dataOrLength: Uint8Array | number, timeoutMs: number, callback: RawControlCallback): RawTransferHandle;
  claimInterface(interfaceNumber: number): void;
  releaseInterface(interfaceNumber: number, callback: (error?: unknown) => void): void;
  setAltSetting(interfaceNumber: number, alternateSetting: number, callback: (error?: unknown) => void): void;
  reset(callback: (error?: unknown) => void): void;
}

/** The libusb library as a source of devices. */
export interface RawUsbLib {
  devices(): RawDevice[];
}
