/**
 * Pure parsers for the descriptors dfu-flash reads (USB 2.0 §9.6, DFU 1.1
 * §4.1.3): device, configuration with its interfaces, DFU functional, string
 * and LANGID descriptors. Decoding tolerates what real bootloaders send (a
 * string bLength larger than what arrived, seen on the STM32F427 ROM; an odd
 * length; the functional descriptor after the last alt setting only).
 */
import { DfuFlashError } from '../../shared/errors.js';
import type { DfuAltSetting, FunctionalDescriptor } from '../types.js';
import {
  DFU_FUNCTIONAL_DESCRIPTOR_TYPE,
  USB_CLASS_APP_SPECIFIC,
  USB_DT_CONFIG,
  USB_DT_DEVICE,
  USB_DT_ENDPOINT,
  USB_DT_INTERFACE,
  USB_DT_STRING,
  USB_SUBCLASS_DFU,
} from './constants.js';

/** The standard device descriptor (18 bytes). */
export interface DeviceDescriptor {
  bcdUSB: number;
  bDeviceClass: number;
  bDeviceSubClass: number;
  bDeviceProtocol: number;
  bMaxPacketSize0: number;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  iManufacturer: number;
  iProduct: number;
  iSerialNumber: number;
  bNumConfigurations: number;
}

export interface InterfaceDescriptor {
  interfaceNumber: number;
  alternateSetting: number;
  numEndpoints: number;
  interfaceClass: number;
  interfaceSubClass: number;
  interfaceProtocol: number;
  iInterface: number;
  /** Class and vendor descriptors that follow this interface descriptor (endpoints excluded). */
  extra: Uint8Array;
}

/** A DFU alt setting as the descriptors give it (the name needs a string read). */
export type ParsedDfuAlt = Omit<DfuAltSetting, 'name' | 'nameError'>;

export interface ParsedConfiguration {
  totalLength: number;
  numInterfaces: number;
  configurationValue: number;
  iConfiguration: number;
  bmAttributes: number;
  bMaxPower: number;
  /** Descriptors after the configuration descriptor and before the first interface. */
  extra: Uint8Array;
  interfaces: InterfaceDescriptor[];
  /** DFU-class alt settings, in descriptor order, each with its interface's functional descriptor. */
  dfuAlts: ParsedDfuAlt[];
}

function malformed(what: string, message: string): DfuFlashError {
  return new DfuFlashError('USB_IO', `malformed ${what} descriptor: ${message}`, {
    hint: 'the device sent descriptors that do not follow USB 2.0 §9.6; report the device',
  });
}

const u16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);

export function parseDeviceDescriptor(bytes: Uint8Array): DeviceDescriptor {
  if (bytes.length < 18 || bytes[1] !== USB_DT_DEVICE) throw malformed('device', `expected 18 bytes of type 1, got ${bytes.length} byte(s)`);
  return {
    bcdUSB: u16(bytes, 2),
    bDeviceClass: bytes[4]!,
    bDeviceSubClass: bytes[5]!,
    bDeviceProtocol: bytes[6]!,
    bMaxPacketSize0: bytes[7]!,
    idVendor: u16(bytes, 8),
    idProduct: u16(bytes, 10),
    bcdDevice: u16(bytes, 12),
    iManufacturer: bytes[14]!,
    iProduct: bytes[15]!,
    iSerialNumber: bytes[16]!,
    bNumConfigurations: bytes[17]!,
  };
}

/**
 * Decode a DFU functional descriptor (type 0x21). A 7-byte descriptor has no
 * bcdDFUVersion: such devices are DFU 1.0 (dfu-util deduces the same).
 * Returns undefined when `bytes` does not start with one.
 */
export function parseFunctionalDescriptor(bytes: Uint8Array): FunctionalDescriptor | undefined {
  if (bytes.length < 7 || bytes[1] !== DFU_FUNCTIONAL_DESCRIPTOR_TYPE || bytes[0]! < 7) return undefined;
  const bLength = bytes[0]!;
  const bmAttributes = bytes[2]!;
  return {
    bLength,
    bmAttributes,
    wDetachTimeOut: u16(bytes, 3),
    wTransferSize: u16(bytes, 5),
    bcdDFUVersion: bLength >= 9 && bytes.length >= 9 ? u16(bytes, 7) : 0x0100,
    canDownload: (bmAttributes & 0x01) !== 0,
    canUpload: (bmAttributes & 0x02) !== 0,
    manifestationTolerant: (bmAttributes & 0x04) !== 0,
    willDetach: (bmAttributes & 0x08) !== 0,
  };
}

/** The first DFU functional descriptor in a run of descriptors (an interface's extra bytes, or a whole reply). */
export function findFunctionalDescriptor(bytes: Uint8Array): FunctionalDescriptor | undefined {
  let i = 0;
  while (i + 2 <= bytes.length) {
    const len = bytes[i]!;
    if (len < 2) return undefined;
    if (bytes[i + 1] === DFU_FUNCTIONAL_DESCRIPTOR_TYPE) {
      const f = parseFunctionalDescriptor(bytes.subarray(i, i + len));
      if (f !== undefined) return f;
    }
    i += len;
  }
  return undefined;
}

export function isDfuInterface(intf: Pick<InterfaceDescriptor, 'interfaceClass' | 'interfaceSubClass'>): boolean {
  return intf.interfaceClass === USB_CLASS_APP_SPECIFIC && intf.interfaceSubClass === USB_SUBCLASS_DFU;
}

/**
 * The DFU alt settings of a configuration. As a real host does, a functional
 * descriptor found after any alt setting of an interface (the STM32F4 ROM puts
 * one after the last alt only) applies to every alt of that interface; one
 * before the first interface applies to interfaces that have none of their own.
 */
export function dfuAltsOf(interfaces: readonly InterfaceDescriptor[], configExtra: Uint8Array): ParsedDfuAlt[] {
  const byInterface = new Map<number, FunctionalDescriptor>();
  for (const intf of interfaces) {
    if (!isDfuInterface(intf) || byInterface.has(intf.interfaceNumber)) continue;
    const f = findFunctionalDescriptor(intf.extra);
    if (f !== undefined) byInterface.set(intf.interfaceNumber, f);
  }
  const leading = findFunctionalDescriptor(configExtra);
  return interfaces.filter(isDfuInterface).map((intf) => ({
    interfaceNumber: intf.interfaceNumber,
    alternateSetting: intf.alternateSetting,
    interfaceProtocol: intf.interfaceProtocol,
    iInterface: intf.iInterface,
    functional: byInterface.get(intf.interfaceNumber) ?? leading,
  }));
}

/** A full configuration descriptor (wTotalLength bytes), interfaces and DFU alt settings found. */
export function parseConfigurationDescriptor(bytes: Uint8Array): ParsedConfiguration {
  if (bytes.length < 9 || bytes[0]! < 9 || bytes[1] !== USB_DT_CONFIG) {
    throw malformed('configuration', `expected a 9-byte configuration header, got ${bytes.length} byte(s)`);
  }
  const totalLength = u16(bytes, 2);
  if (totalLength > bytes.length) throw malformed('configuration', `wTotalLength ${totalLength} but only ${bytes.length} byte(s) present`);
  const interfaces: InterfaceDescriptor[] = [];
  const leading: number[] = [];
  const extras: number[][] = [];
  let i = bytes[0]!;
  while (i < totalLength) {
    const len = bytes[i]!;
    const type = bytes[i + 1];
    if (len < 2 || i + len > totalLength) {
      throw malformed('configuration', `descriptor at offset ${i} has bLength ${len}, running past wTotalLength ${totalLength}`);
    }
    const desc = bytes.subarray(i, i + len);
    if (type === USB_DT_INTERFACE) {
      if (len < 9) throw malformed('configuration', `interface descriptor at offset ${i} is ${len} bytes, expected 9`);
      interfaces.push({
        interfaceNumber: desc[2]!,
        alternateSetting: desc[3]!,
        numEndpoints: desc[4]!,
        interfaceClass: desc[5]!,
        interfaceSubClass: desc[6]!,
        interfaceProtocol: desc[7]!,
        iInterface: desc[8]!,
        extra: new Uint8Array(0),
      });
      extras.push([]);
    } else if (type === USB_DT_ENDPOINT) {
      // endpoints are not part of "extra"
    } else if (interfaces.length === 0) {
      leading.push(...desc);
    } else {
      extras[extras.length - 1]!.push(...desc);
    }
    i += len;
  }
  interfaces.forEach((intf, k) => {
    intf.extra = Uint8Array.from(extras[k]!);
  });
  const extra = Uint8Array.from(leading);
  return {
    totalLength,
    numInterfaces: bytes[4]!,
    configurationValue: bytes[5]!,
    iConfiguration: bytes[6]!,
    bmAttributes: bytes[7]!,
    bMaxPower: bytes[8]!,
    extra,
    interfaces,
    dfuAlts: dfuAltsOf(interfaces, extra),
  };
}

/** UTF-16LE text of a string descriptor; undefined when the bytes are not one. */
export function decodeStringDescriptor(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes[1] !== USB_DT_STRING) return undefined;
  const end = Math.min(bytes[0]!, bytes.length);
  const chars = Math.max(0, Math.floor((end - 2) / 2));
  let s = '';
  for (let i = 0; i < chars; i++) s += String.fromCharCode(bytes[2 + 2 * i]! | (bytes[3 + 2 * i]! << 8));
  return s;
}

/** The LANGIDs of string descriptor 0 (empty when the table is empty or not one). */
export function decodeLangIds(bytes: Uint8Array): number[] {
  if (bytes.length < 4 || bytes[1] !== USB_DT_STRING) return [];
  const end = Math.min(bytes[0]!, bytes.length);
  const ids: number[] = [];
  for (let i = 2; i + 1 < end; i += 2) ids.push(bytes[i]! | (bytes[i + 1]! << 8));
  return ids;
}
