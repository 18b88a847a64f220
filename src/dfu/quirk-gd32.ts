/**
 * GD32VF103 layout fix (dfu-util 0.11 fixup_dfuse_layout, facts only): the
 * ROM of some boards (Sipeed Longan Nano, bcdDevice 0x1000) reports
 * `@Internal Flash  /0x08000000/512*002Kg` — 1 MiB of 2 KiB pages — while the
 * chip has 1 KiB pages and 16–128 KiB. The serial is the part code: "3CBJ" =
 * GD32VF103CB; its third character gives the flash size.
 */
import { isDfuseLayout } from './memory-layout.js';
import type { DfuAltSetting, DfuDeviceInfo } from '../transport/types.js';

export const GD32VF103_FLASH_BASE = 0x08000000;
const PAGE_SIZE = 1024;

/** Third character of the serial → number of 1 KiB pages. */
const PAGES_BY_SIZE_CODE: Readonly<Record<string, number>> = { B: 128, '8': 64, '6': 32, '4': 16 };

export interface Gd32Layout {
  /** The layout string to use instead of the alt name. */
  layout: string;
  bytes: number;
  part: string;
}

/**
 * The real layout of the GD32VF103's internal flash, or undefined when the
 * serial is not a GD32VF103 part code or the alt name has no region at
 * 0x08000000. The name and padding of the original string are kept.
 */
export function gd32vf103Layout(device: DfuDeviceInfo, alt: DfuAltSetting): Gd32Layout | undefined {
  const serial = device.serial;
  const name = alt.name;
  if (serial === undefined || serial.length !== 4 || serial[0] !== '3' || serial[3] !== 'J') return undefined;
  const pages = PAGES_BY_SIZE_CODE[serial[2]!];
  if (pages === undefined || name === undefined || !isDfuseLayout(name)) return undefined;
  const groups = name.split('/');
  if (groups.length < 3 || Number.parseInt(groups[1]!, 16) !== GD32VF103_FLASH_BASE) return undefined;
  const layout = `${groups[0]}/0x08000000/${String(pages).padStart(3, '0')}*001Kg`;
  return { layout, bytes: pages * PAGE_SIZE, part: `GD32VF103${serial[1]}${serial[2]}` };
}
