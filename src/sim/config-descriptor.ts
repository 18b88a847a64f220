/**
 * Pure parser for a full configuration descriptor (USB 2.0 §9.6.3): finds
 * every interface/alt setting, and for DFU-class ones (0xFE/0x01) the DFU
 * functional descriptor (type 0x21). Like a real host, it accepts the
 * functional descriptor anywhere in the interface's run of descriptors (after
 * any of its alts: the STM32F4 ROM puts one after the last alt only) or
 * before the first interface, and applies it to every alt of that interface.
 */
import { USB_CLASS_APP_SPECIFIC, USB_SUBCLASS_DFU } from '../dfu/constants.js';
import { DfuFlashError } from '../shared/errors.js';
import { parseFunctionalDescriptor } from '../transport/descriptors.js';
import type { DfuAltSetting, FunctionalDescriptor } from '../transport/types.js';

const USB_DT_CONFIG = 2;
const USB_DT_INTERFACE = 4;
const DFU_FUNCTIONAL = 0x21;

export interface ParsedInterface {
  interfaceNumber: number;
  alternateSetting: number;
  numEndpoints: number;
  interfaceClass: number;
  interfaceSubClass: number;
  interfaceProtocol: number;
  iInterface: number;
  /** Class/vendor descriptors that follow this interface descriptor (endpoints excluded). */
  extra: Uint8Array;
}

/** A DFU alt setting as found in the bytes (no strings: those need the device). */
export type ParsedDfuAlt = Omit<DfuAltSetting, 'name' | 'nameError'>;

export interface ParsedConfiguration {
  totalLength: number;
  numInterfaces: number;
  configurationValue: number;
  iConfiguration: number;
  bmAttributes: number;
  bMaxPower: number;
  interfaces: ParsedInterface[];
  /** DFU-class alt settings, in descriptor order, each with its interface's functional descriptor. */
  dfuAlts: ParsedDfuAlt[];
}

function malformed(message: string): DfuFlashError {
  return new DfuFlashError('USB_IO', `malformed configuration descriptor: ${message}`, {
    hint: 'the device sent descriptors that do not follow USB 2.0 §9.6; report the device',
  });
}

export function parseConfigurationDescriptor(bytes: Uint8Array): ParsedConfiguration {
  if (bytes.length < 9 || bytes[0]! < 9 || bytes[1] !== USB_DT_CONFIG) {
    throw malformed(`expected a 9-byte configuration header, got ${bytes.length} byte(s)`);
  }
  const totalLength = bytes[2]! | (bytes[3]! << 8);
  if (totalLength > bytes.length) {
    throw malformed(`wTotalLength ${totalLength} but only ${bytes.length} byte(s) present`);
  }
  const interfaces: ParsedInterface[] = [];
  const leading: FunctionalDescriptor[] = [];
  const extras: number[][] = [];
  let i = bytes[0]!;
  while (i < totalLength) {
    const len = bytes[i]!;
    const type = bytes[i + 1];
    if (len < 2 || i + len > totalLength) {
      throw malformed(`descriptor at offset ${i} has bLength ${len}, running past wTotalLength ${totalLength}`);
    }
    const desc = bytes.subarray(i, i + len);
    if (type === USB_DT_INTERFACE) {
      if (len < 9) throw malformed(`interface descriptor at offset ${i} is ${len} bytes, expected 9`);
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
    } else if (type === 5) {
      // endpoint: not part of "extra"
    } else if (interfaces.length === 0) {
      if (type === DFU_FUNCTIONAL) {
        const f = parseFunctionalDescriptor(desc);
        if (f !== undefined) leading.push(f);
      }
    } else {
      extras[extras.length - 1]!.push(...desc);
    }
    i += len;
  }
  interfaces.forEach((intf, k) => {
    intf.extra = Uint8Array.from(extras[k]!);
  });

  const functionalByInterface = new Map<number, FunctionalDescriptor>();
  for (const intf of interfaces) {
    if (!isDfu(intf) || functionalByInterface.has(intf.interfaceNumber)) continue;
    const f = findIn(intf.extra);
    if (f !== undefined) functionalByInterface.set(intf.interfaceNumber, f);
  }
  const dfuAlts: ParsedDfuAlt[] = interfaces.filter(isDfu).map((intf) => ({
    interfaceNumber: intf.interfaceNumber,
    alternateSetting: intf.alternateSetting,
    interfaceProtocol: intf.interfaceProtocol,
    iInterface: intf.iInterface,
    functional: functionalByInterface.get(intf.interfaceNumber) ?? leading[0],
  }));

  return {
    totalLength,
    numInterfaces: bytes[4]!,
    configurationValue: bytes[5]!,
    iConfiguration: bytes[6]!,
    bmAttributes: bytes[7]!,
    bMaxPower: bytes[8]!,
    interfaces,
    dfuAlts,
  };
}

function isDfu(intf: ParsedInterface): boolean {
  return intf.interfaceClass === USB_CLASS_APP_SPECIFIC && intf.interfaceSubClass === USB_SUBCLASS_DFU;
}

function findIn(extra: Uint8Array): FunctionalDescriptor | undefined {
  let i = 0;
  while (i + 2 <= extra.length) {
    const len = extra[i]!;
    if (len < 2) return undefined;
    if (extra[i + 1] === DFU_FUNCTIONAL) {
      const f = parseFunctionalDescriptor(extra.subarray(i, i + len));
      if (f !== undefined) return f;
    }
    i += len;
  }
  return undefined;
}
