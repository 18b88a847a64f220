/**
 * ST's USB-FS Device Library DfuSe demo on the Seeed DSO Nano (STM32F103):
 * a DfuSe device whose DFU-mode interface says bInterfaceProtocol 0.
 *
 * Facts (devices.md row 31; dfu-util device-logs dsonano.lsusb, byte for byte):
 * 0483:df11, bcdUSB 1.00, bcdDevice 0x011A, "STMicroelectronics" / "STM32 DFU",
 * serial "001"; bus powered 64 mA; two alt settings with bInterfaceProtocol 0 —
 * `@Internal Flash  /0x08000000/12*001Ka,116*001Kg` and
 * `@SPI Flash : M25P64/0x00000000/64*064Kg,64*064Kg` — and one functional
 * descriptor after the last: bmAttributes 0x0B, wDetachTimeOut 255,
 * wTransferSize 1024, bcdDFUVersion 0x011A. dfu-util treats protocol 0 with a
 * DfuSe descriptor as DFU mode.
 *
 * Estimates: starts in dfuIDLE; SET_ADDRESS is not checked against the memory
 * (the library stores the pointer); F103 / M25P64 timing (f103-timing.ts).
 */
import type { SimProfile } from '../profile-types.js';
import { f103Erase, f103EraseMax, f103Program, same } from './f103-timing.js';
import { stDfuseRom } from './st-dfuse-rom.js';

export const dsoNano: SimProfile = stDfuseRom({
  name: 'dso-nano',
  description: 'DSO Nano (ST USB-FS library DfuSe): DFU-mode interface with bInterfaceProtocol 0',
  identity: { bcdUSB: 0x0100, bcdDevice: 0x011a, product: 'STM32 DFU', serial: '001' },
  configuration: { bmAttributes: 0x80, bMaxPower: 32 },
  protocol: 0,
  altNames: ['@Internal Flash  /0x08000000/12*001Ka,116*001Kg', '@SPI Flash : M25P64/0x00000000/64*064Kg,64*064Kg'],
  wTransferSize: 1024,
  functionalAfter: 'last-alt',
  timing: { erase: f103Erase, massErase: same(2000), program: f103Program },
  checkSetAddress: false,
  readUnprotect: 'unsupported',
  extra: { worstCase: { erase: f103EraseMax } },
});
