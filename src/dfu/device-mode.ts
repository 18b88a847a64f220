/** Which mode an interface is in and which dialect it speaks, from its descriptors. */
import { DFU_PROTOCOL_DFU_MODE, DFU_PROTOCOL_RUNTIME, DFUSE_VERSION } from './constants.js';
import type { DfuAltSetting, DfuDeviceInfo, FunctionalDescriptor } from '../transport/types.js';

export type InterfaceMode = 'runtime' | 'dfu';

export function isDfuseDescriptor(functional: FunctionalDescriptor | undefined): boolean {
  return functional?.bcdDFUVersion === DFUSE_VERSION;
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
  return isDfuseDescriptor(functionalFor(device, alt)) ? 'dfu' : 'runtime';
}

export function deviceMode(device: DfuDeviceInfo): InterfaceMode {
  return device.alts.some((a) => interfaceMode(device, a) === 'dfu') ? 'dfu' : 'runtime';
}

/** Serials that cannot tell boards apart: every STM32F0 ROM says FFFFFFFEFFFF, F105/F107 ROMs say STM32. */
const NON_UNIQUE_SERIALS = new Set(['FFFFFFFEFFFF', 'STM32', 'UNKNOWN', '']);

export function serialIsNotUnique(serial: string | undefined): boolean {
  return serial === undefined || NON_UNIQUE_SERIALS.has(serial.trim());
}
