/**
 * STM32C5 (STM32C562) system-memory DFU bootloader: spec-strict about
 * DFU_CLRSTATUS, which it STALLs outside dfuERROR (the simulator's state
 * machine does that for every profile; on this ROM it is the point).
 *
 * Facts (betaflight-configurator PR #5300 and #5348): ST's C5 ROM; wTransferSize
 * 1024 on the C562; no "@Option Bytes" alt setting; CLRSTATUS outside dfuERROR
 * stalls, so the H7 CLRSTATUS pair must never be sent to it. (The C5 ROM also
 * never answers a standalone GET_DESCRIPTOR for the functional descriptor; not
 * simulated.)
 *
 * Estimates: 0483:df11 with bcdDevice 0x0200 and iProduct "DFU in FS Mode" as
 * the newer ROMs; 512 KiB of 8 KiB pages (`64*008Kg`); bmAttributes 0x0B,
 * wDetachTimeOut 255; starts in dfuIDLE. Page erase 50 ms, a 1024-byte block
 * 10 ms, SET_ADDRESS 1 ms, mass erase 400 ms, leave 5 ms (reported = taken).
 */
import type { SimProfile } from '../profile-types.js';
import { same, stDfuseRom } from './st-dfuse-rom.js';

export const stm32c5Sysboot: SimProfile = stDfuseRom({
  name: 'stm32c5-sysboot',
  description: 'STM32C5 ROM bootloader (DfuSe, 8 KiB pages, no option-bytes alt) that STALLs CLRSTATUS outside dfuERROR',
  identity: { bcdUSB: 0x0200, bcdDevice: 0x0200, product: 'DFU in FS Mode', serial: '3A5F32413136' },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  altNames: ['@Internal Flash   /0x08000000/64*008Kg'],
  wTransferSize: 1024,
  functionalAfter: 'every-alt',
  timing: { erase: () => same(50), massErase: same(400), program: () => same(10) },
  readUnprotect: 'erase-and-reset',
});
