/**
 * UsbBackend over WebUSB (`navigator.usb`): list() describes the devices the
 * page has permission for (getDevices()), open() opens one, watch() follows
 * the `connect` / `disconnect` events, requestDevice() asks the user for one.
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { BackendCapabilities, DfuDeviceInfo, DfuTransport, UsbBackend } from '../types.js';
import { deviceWhere } from './control.js';
import { withDeadline } from './deadline.js';
import { describeDevice, type DescribeOptions } from './describe-device.js';
import { webUsbLocation } from './identity.js';
import { dfuDeviceFilters, requestDfuDevice, type VidPid } from './permission.js';
import { detectPlatform, webUsbCapabilities, type WebUsbPlatform } from './platform.js';
import { WebUsbTransport } from './transport.js';
import { mapWebUsbError } from './webusb-errors.js';
import type { WebUsb, WebUsbConnectionEvent, WebUsbDevice, WebUsbDeviceFilter } from './webusb-types.js';

export interface WebUsbBackendOptions extends DescribeOptions {
  /** The browser's operating system (default: from the user agent). */
  platform?: WebUsbPlatform | undefined;
  /** How long close() waits for each release and the close (default 1000 ms). */
  closeWaitMs?: number | undefined;
}

export interface RequestDeviceOptions {
  /** Filters as given (e.g. a NEEDS_PERMISSION error's details.filters). */
  filters?: WebUsbDeviceFilter[] | undefined;
  /** Otherwise: DFU-class devices, narrowed to these VID:PIDs when given. */
  vidPids?: VidPid[] | undefined;
}

export class WebUsbBackend implements UsbBackend {
  readonly name = 'webusb';
  readonly capabilities: BackendCapabilities;
  readonly platform: WebUsbPlatform;
  private readonly byKey = new Map<string, WebUsbDevice>();
  /** Devices a transport holds: the page shares one USBDevice object, so list() must not open or close them. */
  private readonly inUse = new Map<WebUsbDevice, DfuDeviceInfo>();
  /** Devices list() is reading now: open() and a second list() wait for them. */
  private readonly describing = new Map<WebUsbDevice, Promise<DfuDeviceInfo | undefined>>();
  private readonly left = new WeakSet<WebUsbDevice>();
  private readonly stops = new Set<() => void>();
  private readonly onDisconnect = (e: WebUsbConnectionEvent): void => {
    this.left.add(e.device);
  };

  constructor(
    readonly usb: WebUsb,
    private readonly options: WebUsbBackendOptions = {},
  ) {
    this.platform = options.platform ?? detectPlatform();
    this.capabilities = webUsbCapabilities(this.platform);
    usb.addEventListener('disconnect', this.onDisconnect);
  }

  private where(device: WebUsbDevice): string {
    return deviceWhere(device, webUsbLocation(device).portPath);
  }

  private connected(device: WebUsbDevice): () => boolean {
    return () => !this.left.has(device);
  }

  private describe(device: WebUsbDevice): Promise<DfuDeviceInfo | undefined> {
    let pending = this.describing.get(device);
    if (pending === undefined) {
      const ctx = { where: this.where(device), platform: this.platform, connected: this.connected(device) };
      pending = describeDevice(device, webUsbLocation(device), ctx, this.options)
        .catch(() => undefined)
        .finally(() => this.describing.delete(device));
      this.describing.set(device, pending);
    }
    return pending;
  }

  async list(): Promise<DfuDeviceInfo[]> {
    let devices: WebUsbDevice[];
    try {
      devices = await this.usb.getDevices();
    } catch (e) {
      throw mapWebUsbError(e, { kind: 'list', operation: 'navigator.usb.getDevices()', vendorId: 0, productId: 0, where: 'the browser', platform: this.platform, connected: true });
    }
    const found: DfuDeviceInfo[] = [];
    this.byKey.clear();
    for (const device of devices) {
      if (this.left.has(device)) continue;
      const held = this.inUse.get(device);
      const info = held ?? (await this.describe(device));
      if (info === undefined) continue;
      this.byKey.set(info.key, device);
      found.push(info);
    }
    return found;
  }

  async open(info: DfuDeviceInfo): Promise<DfuTransport> {
    const device = this.byKey.get(info.key);
    if (device === undefined || this.left.has(device)) {
      throw new DfuFlashError('DEVICE_GONE', `USB device ${info.portPath} is no longer available to this page`, {
        hint: 'the device left the bus or re-enumerated since it was listed: list the devices again (after a re-enumeration the page may need to select it again)',
        details: { key: info.key },
      });
    }
    await this.describing.get(device);
    const where = this.where(device);
    if (this.inUse.has(device)) {
      throw new DfuFlashError('BUSY', `${where} is already in use by another operation of this page`, {
        hint: 'wait for the other operation to finish (one operation per device at a time)',
        details: { key: info.key },
      });
    }
    const callTimeoutMs = this.options.callTimeoutMs ?? 5000;
    const call = async (kind: 'open' | 'configuration', operation: string, start: () => Promise<void>): Promise<void> => {
      try {
        await withDeadline(start(), callTimeoutMs, () => new DfuFlashError('TIMEOUT', `${operation} of ${where} did not finish within ${callTimeoutMs} ms`, { hint: 'replug the device and try again' }));
      } catch (e) {
        throw mapWebUsbError(e, { kind, operation, vendorId: info.vendorId, productId: info.productId, where, platform: this.platform, connected: !this.left.has(device), details: { key: info.key } });
      }
    };
    this.inUse.set(device, info);
    try {
      if (!device.opened) await call('open', 'open', () => device.open());
      if (device.configuration?.configurationValue !== info.configurationValue) {
        await call('configuration', `select configuration ${info.configurationValue}`, () => device.selectConfiguration(info.configurationValue));
      }
    } catch (e) {
      this.inUse.delete(device);
      throw e;
    }
    return new WebUsbTransport(info, device, {
      platform: this.platform,
      where,
      connected: this.connected(device),
      canReset: this.capabilities.canReset,
      callTimeoutMs,
      closeWaitMs: this.options.closeWaitMs,
      onClosed: () => this.inUse.delete(device),
    });
  }

  /**
   * Ask the user for a DFU device (from a click handler): the browser's chooser,
   * filtered on the DFU interface class and the given VID:PIDs. Resolves with
   * the device described as list() describes it.
   */
  async requestDevice(options: RequestDeviceOptions = {}): Promise<DfuDeviceInfo> {
    const filters = options.filters ?? dfuDeviceFilters(options.vidPids);
    const device = await requestDfuDevice(this.usb, filters, this.platform);
    const info = this.inUse.get(device) ?? (await this.describe(device));
    if (info === undefined) {
      throw new DfuFlashError('NO_DEVICE', `the selected ${this.where(device)} has no DFU interface`, {
        hint: 'select the board in DFU mode (class 0xFE, subclass 0x01 interface)',
      });
    }
    this.byKey.set(info.key, device);
    return info;
  }

  watch(onChange: () => void): () => void {
    const listener = (): void => onChange();
    this.usb.addEventListener('connect', listener);
    this.usb.addEventListener('disconnect', listener);
    const stop = (): void => {
      this.usb.removeEventListener('connect', listener);
      this.usb.removeEventListener('disconnect', listener);
      this.stops.delete(stop);
    };
    this.stops.add(stop);
    return stop;
  }

  dispose(): void {
    for (const stop of [...this.stops]) stop();
    this.usb.removeEventListener('disconnect', this.onDisconnect);
  }
}

/** `navigator.usb` when this browser has WebUSB. */
function browserUsb(): WebUsb | undefined {
  return (globalThis as { navigator?: { usb?: WebUsb } }).navigator?.usb;
}

/** The WebUSB backend; UNSUPPORTED in a browser without WebUSB (Firefox, Safari) or outside a secure context. */
export function webUsbBackend(usb: WebUsb | undefined = browserUsb(), options: WebUsbBackendOptions = {}): WebUsbBackend {
  if (usb === undefined || usb === null) {
    throw new DfuFlashError('UNSUPPORTED', 'this browser has no WebUSB (navigator.usb is missing)', {
      hint: 'use Chrome, Edge or another Chromium-based browser (Firefox and Safari do not implement WebUSB), on a page served over https or from localhost',
    });
  }
  return new WebUsbBackend(usb, options);
}
