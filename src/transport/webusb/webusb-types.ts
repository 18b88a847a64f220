/**
 * The part of the WebUSB API (https://wicg.github.io/webusb/) that dfu-flash
 * uses, as structural types. The project compiles without the DOM library, so
 * the real `navigator.usb` and the simulated one (src/sim/webusb) both satisfy
 * these interfaces without either knowing the other.
 */
import type { DeviceFilter } from '../permission.js';

export type WebUsbRequestType = 'standard' | 'class' | 'vendor';
export type WebUsbRecipient = 'device' | 'interface' | 'endpoint' | 'other';
export type WebUsbTransferStatus = 'ok' | 'stall' | 'babble';

/** USBControlTransferParameters. */
export interface WebUsbControlSetup {
  requestType: WebUsbRequestType;
  recipient: WebUsbRecipient;
  request: number;
  value: number;
  index: number;
}

/** USBInTransferResult: `data` is null (or absent) on a stall. */
export interface WebUsbInResult {
  readonly status: WebUsbTransferStatus;
  readonly data?: DataView | null | undefined;
}

/** USBOutTransferResult. */
export interface WebUsbOutResult {
  readonly status: WebUsbTransferStatus;
  readonly bytesWritten: number;
}

export interface WebUsbAlternate {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  /** Chromium on Linux was seen to give null for every alt setting: read iInterface yourself. */
  readonly interfaceName?: string | null | undefined;
}

export interface WebUsbInterface {
  readonly interfaceNumber: number;
  readonly alternate: WebUsbAlternate;
  readonly alternates: readonly WebUsbAlternate[];
  readonly claimed: boolean;
}

export interface WebUsbConfiguration {
  readonly configurationValue: number;
  readonly configurationName?: string | null | undefined;
  readonly interfaces: readonly WebUsbInterface[];
}

/** USBDevice. */
export interface WebUsbDevice {
  readonly usbVersionMajor: number;
  readonly usbVersionMinor: number;
  readonly usbVersionSubminor: number;
  readonly deviceClass: number;
  readonly deviceSubclass: number;
  readonly deviceProtocol: number;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  readonly manufacturerName?: string | null | undefined;
  readonly productName?: string | null | undefined;
  readonly serialNumber?: string | null | undefined;
  readonly configuration: WebUsbConfiguration | null;
  readonly configurations: readonly WebUsbConfiguration[];
  readonly opened: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  forget?(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void>;
  controlTransferIn(setup: WebUsbControlSetup, length: number): Promise<WebUsbInResult>;
  controlTransferOut(setup: WebUsbControlSetup, data?: Uint8Array): Promise<WebUsbOutResult>;
  reset(): Promise<void>;
}

/** USBDeviceFilter: the backend-neutral DeviceFilter that NEEDS_PERMISSION carries. */
export type WebUsbDeviceFilter = DeviceFilter;

export interface WebUsbRequestOptions {
  filters: WebUsbDeviceFilter[];
  exclusionFilters?: WebUsbDeviceFilter[];
}

/** USBConnectionEvent: a `connect` or `disconnect` event. */
export interface WebUsbConnectionEvent {
  readonly type: string;
  readonly device: WebUsbDevice;
}

export type WebUsbEventListener = (event: WebUsbConnectionEvent) => void;

/** `navigator.usb`. */
export interface WebUsb {
  getDevices(): Promise<WebUsbDevice[]>;
  requestDevice(options: WebUsbRequestOptions): Promise<WebUsbDevice>;
  addEventListener(type: 'connect' | 'disconnect', listener: WebUsbEventListener): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: WebUsbEventListener): void;
}
