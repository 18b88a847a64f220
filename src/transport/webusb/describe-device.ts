/**
 * One WebUSB device → DfuDeviceInfo, or undefined when it has no DFU
 * interface (class 0xFE, subclass 0x01, any protocol).
 *
 * WebUSB tells which interfaces a device has, but not their class-specific
 * descriptors (so no DFU functional descriptor), and Chromium on Linux gives
 * `interfaceName: null` for every alt setting. So the device is opened and
 * read the way libusb programs read it, through the shared descriptor layer:
 * GET_DESCRIPTOR(DEVICE), GET_DESCRIPTOR(CONFIGURATION) of the configuration
 * reported, the LANGID table and every string. A device that cannot be opened
 * or read is still described from what WebUSB says (`stringError` set, no
 * functional descriptor), and nothing here throws.
 */
import { DfuFlashError } from '../../shared/errors.js';
import { enumerateDevice, getDescriptorSetup, USB_CLASS_APP_SPECIFIC, USB_DT_CONFIG, USB_DT_DEVICE, USB_SUBCLASS_DFU, type ControlIn, type DeviceLocation, type RawDescriptors } from '../descriptors/index.js';
import type { DfuAltSetting, DfuDeviceInfo } from '../types.js';
import { webUsbControlIn, type ControlContext } from './control.js';
import { settleWithin, withDeadline } from './deadline.js';
import { mapWebUsbError } from './webusb-errors.js';
import type { WebUsbAlternate, WebUsbConfiguration, WebUsbDevice } from './webusb-types.js';

export interface DescribeOptions {
  /** Timeout of each descriptor and string read (default 1000 ms). */
  readTimeoutMs?: number;
  /** Deadline of open() and close() (default 5000 ms). */
  callTimeoutMs?: number;
}

const isDfuAlt = (a: WebUsbAlternate): boolean => a.interfaceClass === USB_CLASS_APP_SPECIFIC && a.interfaceSubclass === USB_SUBCLASS_DFU;

export function hasDfuInterface(configuration: WebUsbConfiguration): boolean {
  return configuration.interfaces.some((i) => i.alternates.some(isDfuAlt));
}

/** The configuration to report: the active one if it has a DFU interface, else the first that has one. */
export function pickConfiguration(device: WebUsbDevice): WebUsbConfiguration | undefined {
  const active = device.configuration;
  if (active !== null && hasDfuInterface(active)) return active;
  return device.configurations.find(hasDfuInterface);
}

const bcd = (major: number, minor: number, subminor: number): number => ((major & 0xff) << 8) | ((minor & 0xf) << 4) | (subminor & 0xf);

/** What WebUSB alone tells (no I/O): no functional descriptor, iInterface unknown (0), names as the browser gives them. */
export function describeFromWebUsb(device: WebUsbDevice, configuration: WebUsbConfiguration, where: DeviceLocation): DfuDeviceInfo {
  const alts: DfuAltSetting[] = [];
  for (const intf of configuration.interfaces) {
    for (const alt of intf.alternates) {
      if (!isDfuAlt(alt)) continue;
      alts.push({
        interfaceNumber: intf.interfaceNumber,
        alternateSetting: alt.alternateSetting,
        interfaceProtocol: alt.interfaceProtocol,
        iInterface: 0,
        name: alt.interfaceName ?? undefined,
      });
    }
  }
  return {
    key: where.key,
    vendorId: device.vendorId,
    productId: device.productId,
    bcdDevice: bcd(device.deviceVersionMajor, device.deviceVersionMinor, device.deviceVersionSubminor),
    bcdUSB: bcd(device.usbVersionMajor, device.usbVersionMinor, device.usbVersionSubminor),
    bMaxPacketSize0: 0,
    busNumber: where.busNumber,
    deviceAddress: where.deviceAddress,
    portPath: where.portPath,
    configurationValue: configuration.configurationValue,
    manufacturer: device.manufacturerName ?? undefined,
    product: device.productName ?? undefined,
    serial: device.serialNumber ?? undefined,
    alts,
  };
}

/** The device descriptor and the configuration descriptor at `index` (9 bytes, then wTotalLength). */
export async function readDescriptorsAt(controlIn: ControlIn, index: number, timeoutMs: number): Promise<RawDescriptors> {
  const device = await controlIn(getDescriptorSetup(USB_DT_DEVICE, 0, 0, 18), { timeoutMs });
  const head = await controlIn(getDescriptorSetup(USB_DT_CONFIG, index, 0, 9), { timeoutMs });
  if (head.length < 9) {
    throw new DfuFlashError('USB_IO', `the configuration descriptor header is ${head.length} byte(s), expected 9`, {
      hint: 'the device sent descriptors that do not follow USB 2.0 §9.6; report the device',
    });
  }
  const total = head[2]! | (head[3]! << 8);
  const configuration = await controlIn(getDescriptorSetup(USB_DT_CONFIG, index, 0, total), { timeoutMs });
  return { device, configuration };
}

function asStringError(e: unknown): NonNullable<DfuDeviceInfo['stringError']> {
  if (e instanceof DfuFlashError) return e.hint === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, hint: e.hint };
  return { code: 'USB_IO', message: e instanceof Error ? e.message : String(e) };
}

function unread(device: WebUsbDevice, configuration: WebUsbConfiguration, where: DeviceLocation, e: unknown): DfuDeviceInfo {
  const info = describeFromWebUsb(device, configuration, where);
  info.stringError = asStringError(e);
  for (const alt of info.alts) if (alt.name === undefined) alt.nameError = info.stringError.message;
  return info;
}

/** Full description: open (unless already open), read descriptors and strings, close again. */
export async function describeDevice(
  device: WebUsbDevice,
  where: DeviceLocation,
  ctx: Omit<ControlContext, 'device'>,
  options: DescribeOptions = {},
): Promise<DfuDeviceInfo | undefined> {
  const configuration = pickConfiguration(device);
  if (configuration === undefined) return undefined;
  const callTimeoutMs = options.callTimeoutMs ?? 5000;
  const timeoutMs = options.readTimeoutMs ?? 1000;
  const wasOpen = device.opened;
  if (!wasOpen) {
    try {
      await withDeadline(device.open(), callTimeoutMs, () => new DfuFlashError('TIMEOUT', `open of ${ctx.where} did not finish within ${callTimeoutMs} ms`));
    } catch (e) {
      const base = { vendorId: device.vendorId, productId: device.productId, where: ctx.where, platform: ctx.platform, connected: ctx.connected() };
      return unread(device, configuration, where, mapWebUsbError(e, { ...base, kind: 'open', operation: 'open' }));
    }
  }
  const controlIn: ControlIn = (setup, o) => webUsbControlIn({ ...ctx, device }, setup, o);
  try {
    const raw = await readDescriptorsAt(controlIn, Math.max(0, device.configurations.indexOf(configuration)), timeoutMs);
    const info = await enumerateDevice(controlIn, where, {
      raw,
      timeoutMs,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    return info ?? unread(device, configuration, where, new DfuFlashError('USB_IO', 'the configuration descriptor read from the device has no DFU interface'));
  } catch (e) {
    return unread(device, configuration, where, e);
  } finally {
    if (!wasOpen) await settleWithin(device.close(), callTimeoutMs);
  }
}
