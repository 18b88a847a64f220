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
import { USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU, DFU_FUNCTIONAL_DESCRIPTOR_TYPE } from '../../dfu/constants.js';
import { findFunctionalDescriptor } from '../descriptors.js';
import type { DfuAltSetting, DfuDeviceInfo, FunctionalDescriptor } from '../types.js';
import { mapLibusbError } from './libusb-errors.js';
import { deviceKey, formatPortPath } from './port-path.js';
import type { RawConfigDescriptor, RawDevice, RawInterfaceDescriptor } from './raw-device.js';
import { readLangId, readString, LANGID_EN_US } from './string-descriptor.js';
import { LibusbTransport, type LibusbTransportOptions } from './transport.js';

export interface DescribeOptions extends LibusbTransportOptions {
  /** Timeout for each string / descriptor read while listing (default 1000 ms). */
  stringTimeoutMs?: number;
}

const isDfu = (alt: RawInterfaceDescriptor): boolean =>
  alt.bInterfaceClass === USB_CLASS_APP_SPECIFIC && alt.bInterfaceSubClass === USB_SUBCLASS_DFU;

/** The configuration to report: the active one if it has a DFU interface, else the first that has one. */
export function pickConfiguration(configs: RawConfigDescriptor[], activeValue: number | undefined): RawConfigDescriptor | undefined {
  const withDfu = configs.filter((c) => c.interfaces.some((alts) => alts.some(isDfu)));
  return withDfu.find((c) => c.bConfigurationValue === activeValue) ?? withDfu[0];
}

/**
 * The functional descriptor of one alt setting: from its own extra bytes,
 * else from another alt setting of the same interface (libusb files it after
 * whichever alt setting it follows — the last one on ST bootloaders), else
 * from the configuration's extra bytes.
 */
export function functionalFromDescriptors(
  config: RawConfigDescriptor,
  alts: RawInterfaceDescriptor[],
  alt: RawInterfaceDescriptor,
): FunctionalDescriptor | undefined {
  return (
    findFunctionalDescriptor(alt.extra) ??
    alts.map((a) => findFunctionalDescriptor(a.extra)).find((f) => f !== undefined) ??
    findFunctionalDescriptor(config.extra)
  );
}

/** Descriptor-only part of the description (no I/O). */
export function describeDescriptors(raw: RawDevice): { info: DfuDeviceInfo; alts: RawInterfaceDescriptor[] } | undefined {
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
  const rawAlts: RawInterfaceDescriptor[] = [];
  const alts: DfuAltSetting[] = [];
  for (const group of config.interfaces) {
    for (const alt of group) {
      if (!isDfu(alt)) continue;
      rawAlts.push(alt);
      alts.push({
        interfaceNumber: alt.bInterfaceNumber,
        alternateSetting: alt.bAlternateSetting,
        interfaceProtocol: alt.bInterfaceProtocol,
        iInterface: alt.iInterface,
        name: undefined,
        functional: functionalFromDescriptors(config, group, alt),
      });
    }
  }
  const d = raw.deviceDescriptor;
  const portPath = formatPortPath(raw.busNumber, raw.portNumbers);
  return {
    alts: rawAlts,
    info: {
      key: deviceKey(portPath, raw.deviceAddress),
      vendorId: d.idVendor,
      productId: d.idProduct,
      bcdDevice: d.bcdDevice,
      bcdUSB: d.bcdUSB,
      bMaxPacketSize0: d.bMaxPacketSize0,
      busNumber: raw.busNumber,
      deviceAddress: raw.deviceAddress,
      portPath,
      configurationValue: config.bConfigurationValue,
      alts,
    },
  };
}

function asStringError(e: unknown, info: DfuDeviceInfo, operation: string, platform: NodeJS.Platform | undefined): DfuDeviceInfo['stringError'] {
  const err =
    e instanceof DfuFlashError
      ? e
      : mapLibusbError(e, { operation, vendorId: info.vendorId, productId: info.productId, portPath: info.portPath, platform });
  return { code: err.code, message: err.message, hint: err.hint };
}

/** A read failure after which further reads on this device are pointless. */
const isFatal = (e: unknown): boolean => e instanceof DfuFlashError && (e.code === 'TIMEOUT' || e.code === 'DEVICE_GONE');

/** Full description: descriptors, then strings (and a functional descriptor by request where none was found). */
export async function describeDevice(raw: RawDevice, options: DescribeOptions = {}): Promise<DfuDeviceInfo | undefined> {
  const found = describeDescriptors(raw);
  if (!found) return undefined;
  const { info } = found;
  try {
    raw.open();
  } catch (e) {
    info.stringError = asStringError(e, info, 'open', options.platform);
    for (const alt of info.alts) if (alt.iInterface !== 0) alt.nameError = info.stringError?.message;
    return info;
  }
  const transport = new LibusbTransport(info, raw, options);
  const timeoutMs = options.stringTimeoutMs ?? 1000;
  let fatal: unknown;
  const note = (e: unknown, what: string): void => {
    info.stringError ??= asStringError(e, info, what, options.platform);
    if (isFatal(e)) fatal = e;
  };
  try {
    let langId = LANGID_EN_US;
    try {
      langId = await readLangId(transport, timeoutMs);
    } catch (e) {
      if (isFatal(e)) note(e, 'read LANGID table');
    }
    const d = raw.deviceDescriptor;
    for (const [field, index] of [
      ['manufacturer', d.iManufacturer],
      ['product', d.iProduct],
      ['serial', d.iSerialNumber],
    ] as const) {
      if (fatal || index === 0) continue;
      try {
        info[field] = await readString(transport, index, langId, timeoutMs);
      } catch (e) {
        note(e, `read ${field} string`);
      }
    }
    for (const alt of info.alts) {
      if (alt.iInterface === 0) continue;
      if (fatal) {
        alt.nameError = info.stringError?.message;
        continue;
      }
      try {
        alt.name = await readString(transport, alt.iInterface, langId, timeoutMs);
      } catch (e) {
        note(e, `read interface ${alt.interfaceNumber} alt ${alt.alternateSetting} name`);
        alt.nameError = e instanceof Error ? e.message : String(e);
      }
    }
    if (!fatal && info.alts.some((a) => a.functional === undefined)) {
      try {
        // dfu-util's last resort: ask for the functional descriptor itself.
        const bytes = await transport.controlIn(
          { bmRequestType: 0x80, bRequest: 0x06, wValue: DFU_FUNCTIONAL_DESCRIPTOR_TYPE << 8, wIndex: 0, wLength: 9 },
          { timeoutMs },
        );
        const functional = findFunctionalDescriptor(bytes);
        for (const alt of info.alts) alt.functional ??= functional;
      } catch {
        // no functional descriptor: the protocol layer decides what that means
      }
    }
  } finally {
    await transport.close();
  }
  return info;
}
