/**
 * Where a plain DFU 1.1 device puts block 0. DFU 1.1 has no addressing: the
 * device decides. We know it for some bootloaders, and some say it in their
 * alt name ("STM32duino bootloader v1.0  Upload to Flash 0x8005000").
 */
import type { DfuAltSetting, DfuDeviceInfo } from '../transport/types.js';

interface KnownStart {
  vendorId: number;
  productId: number;
  address: number;
  source: string;
}

const KNOWN_STARTS: KnownStart[] = [
  // dapboot on a blue pill: the application starts after the 8 KiB bootloader (devanlai/dapboot, target stm32f103).
  { vendorId: 0x1209, productId: 0xdb42, address: 0x08002000, source: 'dapboot' },
];

export function dfuStartAddress(device: DfuDeviceInfo, alt: DfuAltSetting): number | undefined {
  const known = KNOWN_STARTS.find((k) => k.vendorId === device.vendorId && k.productId === device.productId);
  if (known) return known.address;
  const m = /\b0x([0-9a-f]{4,8})\b/i.exec(alt.name ?? '');
  return m ? Number.parseInt(m[1]!, 16) : undefined;
}
