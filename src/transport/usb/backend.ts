/** UsbBackend over libusb: list every DFU device, open one, watch for arrivals and departures. */
import { DfuFlashError, hex16 } from '../../shared/errors.js';
import type { BackendCapabilities, DfuDeviceInfo, DfuTransport, UsbBackend } from '../types.js';

const LINUX_USBFS_CONTROL_LIMIT = 4096;
import { describeDevice, type DescribeOptions } from './describe-device.js';
import type { RawHotplug } from './hotplug.js';
import { HotplugWatch, type HotplugWatchOptions } from './hotplug-watch.js';
import { mapLibusbError } from './libusb-errors.js';
import { formatPortPath } from './port-path.js';
import type { RawDevice, RawUsbLib } from './raw-device.js';
import { LibusbTransport } from './transport.js';

export class LibusbBackend implements UsbBackend {
  readonly name = 'usb';
  readonly capabilities: BackendCapabilities;
  /**
   * Devices a transport holds open, by bus/port/address. node-usb hands out one
   * Device object per device, so list() must not open and close one that is in
   * use (several boards flashed at once list the bus while others transfer):
   * it reports what was read when the device was opened instead.
   */
  private readonly inUse = new Map<string, DfuDeviceInfo>();
  /** Devices list() has open right now to read their strings: open() waits for them. */
  private readonly describing = new Map<string, Promise<DfuDeviceInfo | undefined>>();
  /** watch() subscribers and the one hotplug source they share. */
  readonly hotplug: HotplugWatch;

  constructor(
    private readonly lib: RawUsbLib,
    private readonly options: DescribeOptions & HotplugWatchOptions = {},
    /** The stack's hotplug events (absent: watch() polls the device list). */
    hotplug?: RawHotplug,
  ) {
    this.hotplug = new HotplugWatch(hotplug, () => this.lib.devices().map(rawKey), options);
    const platform = options.platform ?? process.platform;
    this.capabilities = {
      // Linux usbfs refuses control transfers over 4096 bytes (dfu-util clamps there too)
      maxControlTransferBytes: platform === 'linux' ? LINUX_USBFS_CONTROL_LIMIT : undefined,
      // WinUSB cannot issue a port reset (libusb: LIBUSB_ERROR_NOT_SUPPORTED)
      canReset: platform !== 'win32',
      stablePortPaths: true,
    };
  }

  private devices(): RawDevice[] {
    try {
      return this.lib.devices();
    } catch (e) {
      throw mapLibusbError(e, { operation: 'list USB devices', vendorId: 0, productId: 0, platform: this.options.platform });
    }
  }

  async list(): Promise<DfuDeviceInfo[]> {
    const found: DfuDeviceInfo[] = [];
    for (const raw of this.devices()) {
      const held = this.inUse.get(rawKey(raw));
      if (held) {
        found.push(held);
        continue;
      }
      try {
        // One description of a device at a time: a second list() (another board's) shares it
        // instead of opening the device again and closing it under the first one.
        const key = rawKey(raw);
        let pending = this.describing.get(key);
        if (pending === undefined) {
          pending = describeDevice(raw, this.options)
            .catch(() => undefined)
            .finally(() => this.describing.delete(key));
          this.describing.set(key, pending);
        }
        const info = await pending;
        if (info) found.push(info);
      } catch {
        // describeDevice does not throw by design; a surprise here still must not hide the other devices
      }
    }
    return found;
  }

  async open(device: DfuDeviceInfo): Promise<DfuTransport> {
    const raw = this.devices().find(
      (d) =>
        d.busNumber === device.busNumber &&
        d.deviceAddress === device.deviceAddress &&
        d.deviceDescriptor.idVendor === device.vendorId &&
        d.deviceDescriptor.idProduct === device.productId &&
        formatPortPath(d.busNumber, d.portNumbers) === device.portPath,
    );
    const ids = `${hex16(device.vendorId)}:${hex16(device.productId)}`;
    if (!raw) {
      throw new DfuFlashError(
        'DEVICE_GONE',
        `USB device ${ids} at ${device.portPath} (address ${device.deviceAddress}) is no longer on the bus`,
        { hint: 'the device left the bus or re-enumerated since it was listed: replug it if needed and run the operation again', details: { key: device.key } },
      );
    }
    await this.describing.get(rawKey(raw));
    try {
      raw.open();
    } catch (e) {
      throw mapLibusbError(e, {
        operation: 'open',
        vendorId: device.vendorId,
        productId: device.productId,
        portPath: device.portPath,
        platform: this.options.platform,
        details: { key: device.key },
      });
    }
    const key = rawKey(raw);
    this.inUse.set(key, device);
    return new LibusbTransport(device, raw, { ...this.options, onClosed: () => this.inUse.delete(key) });
  }

  /**
   * `onChange` runs (asynchronously, once per burst) after devices arrived or left;
   * list() then shows the change. Returns the function that stops; dispose() stops all.
   */
  watch(onChange: () => void): () => void {
    return this.hotplug.subscribe(onChange);
  }

  dispose(): void {
    this.hotplug.dispose();
  }
}

function rawKey(raw: RawDevice): string {
  return `${formatPortPath(raw.busNumber, raw.portNumbers)}#${raw.deviceAddress}`;
}
