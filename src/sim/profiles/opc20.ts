/**
 * ST USB-FS Device Lib 3.1.0 on the OPC-20 (STM32F1): a DfuSe device whose
 * functional descriptor stores bcdDFUVersion big-endian — 0x1A01 instead of
 * 0x011A — so a strict `== 0x011A` check calls it plain DFU.
 *
 * Facts (devices.md row 32; dfu-util device-logs opc-20.lsusb): 0483:df11, bcdUSB
 * 1.00, bcdDevice 0x0200, "STMicroelectronics" / "STM32 DFU"; self powered,
 * 100 mA; alt 0 `@Internal Flash  /0x08000000/12*001Ka,116*001Kg`, alt 1
 * `@SPI Flash : M25P64/0x00000000/128*64Kg`, protocol 2; one functional
 * descriptor after the last alt: bmAttributes 0x0B, wDetachTimeOut 255,
 * wTransferSize 1024, bcdDFUVersion bytes 01 1A. The real serial string is
 * unreadable garbage; the simulated device has none.
 *
 * Estimates as for dso-nano.ts.
 */
import type { SimProfile } from '../profile-types.js';
import { f103Erase, f103EraseMax, f103Program, same } from './f103-timing.js';
import { stDfuseRom } from './st-dfuse-rom.js';

export const OPC20_BCD_DFU = 0x1a01;

export const opc20: SimProfile = stDfuseRom({
  name: 'opc20',
  description: 'OPC-20 (ST USB-FS library 3.1.0): DfuSe with a byte-swapped bcdDFUVersion 0x1A01',
  identity: { bcdUSB: 0x0100, bcdDevice: 0x0200, product: 'STM32 DFU' },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  altNames: ['@Internal Flash  /0x08000000/12*001Ka,116*001Kg', '@SPI Flash : M25P64/0x00000000/128*64Kg'],
  wTransferSize: 1024,
  bcdDFUVersion: OPC20_BCD_DFU,
  functionalAfter: 'last-alt',
  timing: { erase: f103Erase, massErase: same(2000), program: f103Program },
  checkSetAddress: false,
  readUnprotect: 'unsupported',
  extra: { worstCase: { erase: f103EraseMax } },
});
