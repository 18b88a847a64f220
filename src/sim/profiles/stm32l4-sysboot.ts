/**
 * STM32L433 system-memory (ROM) DFU bootloader, which STALLs GETSTATUS while a
 * page erase runs.
 *
 * Facts (devices.md row 12, Mobilinkd TNC3): 0483:df11, bcdDevice 0x2200,
 * serial 207E32823141, four alt settings with these exact strings (zero-padded
 * 4-digit counts and sizes); dfu-util src/dfuse.c: the L4 ROM under-reports the
 * page-erase poll timeout and STALLs GETSTATUS until the erase is done
 * (dfu-util tolerates 3 stalls). Descriptors otherwise as ST's F4-era ROMs
 * (bmAttributes 0x0B, wDetachTimeOut 255, wTransferSize 2048, one functional
 * descriptor after the last alt, iProduct "STM32  BOOTLOADER", row 14).
 *
 * Timing (estimates from the L4 datasheets: 2 KiB page erase 22 ms typ / 24.5 ms
 * max, 64-bit program 82 µs typ): page erase reports 10 ms and takes 25 ms; a
 * 2048-byte block 25 ms; SET_ADDRESS 1 ms; mass erase 25 ms; leave 5 ms.
 * Starts in dfuIDLE (estimate).
 */
import type { SimBusy, SimProfile } from '../profile-types.js';
import { same, stDfuseRom } from './st-dfuse-rom.js';

export const L4_PAGE_ERASE: SimBusy = { reportedMs: 10, actualMs: 25 };

export const stm32l4Sysboot: SimProfile = stDfuseRom({
  name: 'stm32l4-sysboot',
  description: 'STM32L433 ROM bootloader (DfuSe, 2 KiB pages) that STALLs GETSTATUS while erasing',
  identity: { bcdUSB: 0x0200, bcdDevice: 0x2200, product: 'STM32  BOOTLOADER', serial: '207E32823141' },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  altNames: [
    '@Internal Flash  /0x08000000/0128*0002Kg',
    '@Option Bytes  /0x1FFF7800/01*040 e',
    '@OTP Memory /0x1FFF7000/01*0001Ke',
    '@Device Feature/0xFFFF0000/01*004 e',
  ],
  wTransferSize: 2048,
  functionalAfter: 'last-alt',
  timing: { erase: () => L4_PAGE_ERASE, massErase: same(25), program: () => same(25) },
  readUnprotect: 'erase-and-reset',
  extra: { busyGetStatus: 'stall-during-erase' },
});
