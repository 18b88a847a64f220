/**
 * One libusb device → DfuDeviceInfo, or undefined when it has no DFU
 * interface (class 0xFE, subclass 0x01, any protocol).
 *
 * Descriptors come from the OS without I/O; strings need the device opened.
 * A device that cannot be opened, or whose string reads fail, is still
 * described (with `stringError`), and nothing here throws: one bad device
 * must never hide the others.
 */
import { DfuFlashError } from '../../shared/errors.js';
import { describeFromDescriptors, dfuAltsOf, isDfuInterface, readDeviceStrings, type InterfaceDescriptor } from '../descriptors/index.js';
import type { DfuDeviceInfo } from '../types.js';
import { mapLibusbError } from './libusb-errors.js';
import { deviceKey, formatPortPath } from './port-path.js';
import type { RawConfigDescriptor, RawDevice, RawInterfaceDescriptor } from './raw-device.js';
import { LibusbTransport, type LibusbTransportOptions } from './transport.js';

export interface DescribeOptions extends LibusbTransportOptions {
  /** Timeout for each string / descriptor read while listing (default 1000 ms). */
  stringTimeoutMs?: number;
}

const isDfu = (alt: RawInterfaceDescriptor): boolean => isDfuInterface({ interfaceClass: alt.bInterfaceClass, interfaceSubClass: alt.bInterfaceSubClass });

/** The configuration to report: the active one if it has a DFU interface, else the first that has one. */
export function pickConfiguration(configs: RawConfigDescriptor[], activeValue: number | undefined): RawConfigDescriptor | undefined {
  const withDfu = configs.filter((c) => c.interfaces.some((alts) => alts.some(isDfu)));
  return withDfu.find((c) => c.bConfigurationValue === activeValue) ?? withDfu[0];
}

/** libusb's parsed configuration as the shared descriptor layer's interface list. */
function interfacesOf(config: RawConfigDescriptor): InterfaceDescriptor[] {
  return config.interfaces.flat().map((a) => ({
    interfaceNumber: a.bInterfaceNumber,
    alternateSetting: a.bAlternateSetting,
    numEndpoints: 0,
    interfaceClass: a.bInterfaceClass,
    interfaceSubClass: a.bInterfaceSubClass,
    interfaceProtocol: a.bInterfaceProtocol,
    iInterface: a.iInterface,
    extra: a.extra,
  }));
}

/** Descriptor-only part of the description (no I/O). */
export function describeDescriptors(raw: RawDevice): DfuDeviceInfo | undefined {
  let configs: RawConfigDescriptor[];
  let active: number | undefined;
  try {
    configs = raw.configDescriptors();
    active = raw.activeConfigurationValue();
  } catch {
    return undefined;
  }
  const config = pickConfiguration(configs, active);
  if (!config) return undefined;
  const d = raw.deviceDescriptor;
  const portPath = formatPortPath(raw.busNumber, raw.portNumbers);
  return describeFromDescriptors(
    { ...d, bDeviceClass: 0, bDeviceSubClass: 0, bDeviceProtocol: 0, bNumConfigurations: configs.length },
    { configurationValue: config.bConfigurationValue, dfuAlts: dfuAltsOf(interfacesOf(config), config.extra) },
    { key: deviceKey(portPath, raw.deviceAddress), busNumber: raw.busNumber, deviceAddress: raw.deviceAddress, portPath },
  );
}

function asStringError(e: unknown, info: DfuDeviceInfo, operation: string, platform: NodeJS.Platform | undefined): DfuDeviceInfo['stringError'] {
  const err =
    e instanceof DfuFlashError
      ? e
      : mapLibusbError(e, { operation, vendorId: info.vendorId, productId: info.productId, portPath: info.portPath, platform });
  return { code: err.code, message: err.message, hint: err.hint };
}

/** Full description: descriptors, then strings (and a functional descriptor by request where none was found). */
export async function describeDevice(raw: RawDevice, options: DescribeOptions = {}): Promise<DfuDeviceInfo | undefined> {
  const info = describeDescriptors(raw);
  if (!info) return undefined;
  try {
    raw.open();
  } catch (e) {
    info.stringError = asStringError(e, info, 'open', options.platform);
    for (const alt of info.alts) if (alt.iInterface !== 0) alt.nameError = info.stringError?.message;
    return info;
  }
  const transport = new LibusbTransport(info, raw, options);
  try {
    await readDeviceStrings((setup, o) => transport.controlIn(setup, o), info, raw.deviceDescriptor, {
      timeoutMs: options.stringTimeoutMs ?? 1000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  } finally {
    await transport.close();
  }
  return info;
}
