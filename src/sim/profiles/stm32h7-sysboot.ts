/**
 * STM32H743 (Rev.V) system-memory DFU bootloader, which wedges in dfuDNBUSY on
 * the erase of the first sector of flash bank 2.
 *
 * Facts: devices.md rows 20/21 (0483:df11, bcdDevice 0x0200, alt 0
 * `@Internal Flash   /0x08000000/16*128Kg`, alt 1 `@Option Bytes   /0x5200201C/01*128 e`,
 * three spaces); betaflight-configurator PR #1861 and #5348: "H743 Rev.V (and
 * friends) stay in dfuDNBUSY past the poll timeout they themselves report and
 * never settle", typically on 0x08100000; STM32CubeProgrammer sends CLRSTATUS
 * (→ errUNKNOWN/dfuERROR) and CLRSTATUS again (→ OK/dfuIDLE). DS12110: a 128 KiB
 * sector erase takes 1–2 s typ, up to 4 s.
 *
 * Simulated: the first ERASE of 0x08100000 erases the sector and then stays
 * dfuDNBUSY, answering GETSTATUS with its 1000 ms poll timeout, until CLRSTATUS.
 * Estimates: iProduct "DFU in FS Mode", serial, bmAttributes 0x0B,
 * wDetachTimeOut 255, wTransferSize 1024, starts in dfuIDLE; SET_ADDRESS 1 ms,
 * bank erase 4 s, leave 5 ms. Timing 'typical' (DS12110 at x64, devices.md
 * "Timings"): sector erase 1000 ms reported and taken, a 1024-byte block =
 * 32 flash words × 100 µs = 3.2 ms, reported as 4 ms. 'worst-case' (DS12110
 * maxima at x8): sector erase 4 s, a block 32 × 580 µs = 18.6 ms, reported 19 ms.
 */
import type { SimDfuseBehaviour, SimProfile } from '../profile-types.js';
import { same, stDfuseRom } from './st-dfuse-rom.js';

export const H7_SECTOR_ERASE_MS = 1000;
export const H7_BANK2 = 0x08100000;

/** The H7 ROM's descriptors and timing; `extra` adds behaviour switches. */
export function stm32h7Rom(name: string, description: string, serial: string, extra: Partial<SimDfuseBehaviour> = {}): SimProfile {
  return stDfuseRom({
    name,
    description,
    identity: { bcdUSB: 0x0200, bcdDevice: 0x0200, product: 'DFU in FS Mode', serial },
    configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
    altNames: ['@Internal Flash   /0x08000000/16*128Kg', '@Option Bytes   /0x5200201C/01*128 e'],
    wTransferSize: 1024,
    functionalAfter: 'last-alt',
    timing: { erase: () => same(H7_SECTOR_ERASE_MS), massErase: same(4000), program: () => ({ reportedMs: 4, actualMs: 3.2 }) },
    readUnprotect: 'erase-and-reset',
    extra: { worstCase: { erase: () => same(4000), program: () => ({ reportedMs: 19, actualMs: 18.56 }) }, ...extra },
  });
}

export const stm32h7Sysboot: SimProfile = stm32h7Rom(
  'stm32h7-sysboot',
  'STM32H743 Rev.V ROM (DfuSe, 16 × 128 KiB) that wedges in dfuDNBUSY erasing 0x08100000 until a CLRSTATUS pair',
  '2065355B3437',
  { stuckErase: { address: H7_BANK2 } },
);
