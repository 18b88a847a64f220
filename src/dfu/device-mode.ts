/** Which mode an interface is in and which dialect it speaks, from its descriptors. */
import { DFU_PROTOCOL_DFU_MODE, DFU_PROTOCOL_RUNTIME, DFUSE_VERSION } from './constants.js';
import { isDfuseLayout } from './memory-layout.js';
import type { DfuAltSetting, DfuDeviceInfo, FunctionalDescriptor } from '../transport/types.js';

export type InterfaceMode = 'runtime' | 'dfu';

/** DfuSe's 0x011A stored big-endian, as ST's USB-FS Device Lib 3.1.0 does on the OPC-20 (devices.md row 32). */
export const DFUSE_VERSION_BYTE_SWAPPED = 0x1a01;
/** STMicroelectronics: a DfuSe layout name (`@…`) on this VID means DfuSe, whatever bcdDFUVersion says (dfu-util). */
export const ST_VENDOR_ID = 0x0483;

/** bcdDFUVersion 0x011A, or its byte-swapped form 0x1A01. */
export function isDfuseDescriptor(functional: FunctionalDescriptor | undefined): boolean {
  return functional?.bcdDFUVersion === DFUSE_VERSION || functional?.bcdDFUVersion === DFUSE_VERSION_BYTE_SWAPPED;
}

/**
 * Does this alt setting speak DfuSe? A DfuSe functional descriptor says so; so
 * does a DfuSe layout name (`@Internal Flash /0x08000000/…`) on ST's VID.
 * `functional` defaults to the alt's own (pass a quirk-adjusted one to override).
 */
export function isDfuseInterface(device: DfuDeviceInfo, alt: DfuAltSetting, functional = functionalFor(device, alt)): boolean {
  if (isDfuseDescriptor(functional)) return true;
  return device.vendorId === ST_VENDOR_ID && alt.name !== undefined && isDfuseLayout(alt.name);
}

/** The functional descriptor for an alt: its own, else the one of another alt of the same interface. */
export function functionalFor(device: DfuDeviceInfo, alt: DfuAltSetting): FunctionalDescriptor | undefined {
  return alt.functional ?? device.alts.find((a) => a.interfaceNumber === alt.interfaceNumber && a.functional)?.functional;
}

/**
 * bInterfaceProtocol 2 is DFU mode and 1 is runtime. Some DfuSe devices (ST's
 * USB-FS library on the DSO Nano) report 0 in DFU mode: a DfuSe functional
 * descriptor says DFU mode there.
 */
export function interfaceMode(device: DfuDeviceInfo, alt: DfuAltSetting): InterfaceMode {
  if (alt.interfaceProtocol === DFU_PROTOCOL_DFU_MODE) return 'dfu';
  if (alt.interfaceProtocol === DFU_PROTOCOL_RUNTIME) return 'runtime';
  return isDfuseInterface(device, alt) ? 'dfu' : 'runtime';
}

/**
 * Names of the descriptor rules above that decided something for this alt
 * setting, for `list` next to the quirk-table entries.
 */
export function descriptorRules(device: DfuDeviceInfo, alt: DfuAltSetting): string[] {
  const rules: string[] = [];
  const functional = functionalFor(device, alt);
  if (alt.interfaceProtocol !== DFU_PROTOCOL_DFU_MODE && alt.interfaceProtocol !== DFU_PROTOCOL_RUNTIME && isDfuseInterface(device, alt)) {
    rules.push('dfuse-protocol-0-is-dfu-mode');
  }
  if (functional?.bcdDFUVersion === DFUSE_VERSION_BYTE_SWAPPED) rules.push('dfuse-version-byte-swapped');
  else if (!isDfuseDescriptor(functional) && isDfuseInterface(device, alt)) rules.push('dfuse-by-layout-name');
  return rules;
}

export function deviceMode(device: DfuDeviceInfo): InterfaceMode {
  return device.alts.some((a) => interfaceMode(device, a) === 'dfu') ? 'dfu' : 'runtime';
}

/** Serials that cannot tell boards apart: every STM32F0 ROM says FFFFFFFEFFFF, F105/F107 ROMs say STM32. */
const NON_UNIQUE_SERIALS = new Set(['FFFFFFFEFFFF', 'STM32', 'UNKNOWN', '']);

export function serialIsNotUnique(serial: string | undefined): boolean {
  return serial === undefined || NON_UNIQUE_SERIALS.has(serial.trim());
}
