/**
 * USB IDs of known DFU devices, in DFU mode and (where they have one) the
 * runtime mode that detaches into it. Source: ../shared/research/devices.md
 * (device logs, vendor docs and issue threads). `udev-rules` writes one rule
 * per entry; keep this the only copy of the table.
 */
export interface KnownDevice {
  vendorId: number;
  productId: number;
  /** What it is, for the comment above the rule. */
  name: string;
  mode: 'dfu' | 'runtime';
}

export const KNOWN_DFU_DEVICES: readonly KnownDevice[] = [
  { vendorId: 0x0483, productId: 0xdf11, name: 'STMicroelectronics STM32 ROM bootloader (DfuSe), also STM32MP1 U-Boot and Daisy', mode: 'dfu' },
  { vendorId: 0x28e9, productId: 0x0189, name: 'GigaDevice GD32VF103 ROM bootloader (Longan Nano)', mode: 'dfu' },
  { vendorId: 0x1209, productId: 0xdb42, name: 'dapboot DFU bootloader', mode: 'dfu' },
  { vendorId: 0x1d50, productId: 0x6017, name: 'Black Magic Probe DFU bootloader', mode: 'dfu' },
  { vendorId: 0x1d50, productId: 0x6018, name: 'Black Magic Probe (runtime, detaches to 1d50:6017)', mode: 'runtime' },
  { vendorId: 0x1d50, productId: 0x607f, name: 'Spark Core DFU bootloader', mode: 'dfu' },
  { vendorId: 0x2b04, productId: 0xd006, name: 'Particle Photon DFU bootloader', mode: 'dfu' },
  { vendorId: 0x2b04, productId: 0xd008, name: 'Particle P1 DFU bootloader', mode: 'dfu' },
  { vendorId: 0x1eaf, productId: 0x0003, name: 'Maple / STM32duino bootloader', mode: 'dfu' },
  { vendorId: 0x2341, productId: 0x035b, name: 'Arduino Portenta H7 bootloader (DfuSe)', mode: 'dfu' },
  { vendorId: 0x1d50, productId: 0x5119, name: 'Openmoko Freerunner U-Boot DFU', mode: 'dfu' },
  { vendorId: 0x1457, productId: 0x5119, name: 'Openmoko Neo1973 U-Boot DFU', mode: 'dfu' },
  { vendorId: 0x1fc9, productId: 0x000c, name: 'NXP LPC ROM DFU (LPC43xx: HackRF, PortaPack; LPC-Link)', mode: 'dfu' },
  { vendorId: 0x0471, productId: 0xdf55, name: 'NXP LPC-Link ROM (before re-enumerating as 1fc9:000c)', mode: 'dfu' },
  { vendorId: 0x1d50, productId: 0x606f, name: 'candleLight CAN adapter (runtime, detaches to 0483:df11)', mode: 'runtime' },
  { vendorId: 0x1d50, productId: 0x6156, name: 'reDIP-SID DFU bootloader', mode: 'dfu' },
  { vendorId: 0x1d50, productId: 0x6159, name: 'reDIP-SID (runtime, detaches to 1d50:6156)', mode: 'runtime' },
  { vendorId: 0x1d50, productId: 0x60a7, name: 'HydraBus DFU', mode: 'dfu' },
  { vendorId: 0x16c0, productId: 0x076b, name: 'OpenPCD sam7dfu bootloader', mode: 'dfu' },
  { vendorId: 0x16c0, productId: 0x0762, name: 'SimTrace sam7dfu bootloader', mode: 'dfu' },
  { vendorId: 0x1209, productId: 0xacee, name: 'ja-rule (Open Lighting Project) bootloader', mode: 'dfu' },
];
