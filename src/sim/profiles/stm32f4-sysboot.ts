/**
 * STM32F405/407 system-memory (ROM) DFU bootloader, DfuSe protocol.
 *
 * Facts (/work/shared/research/devices.md rows 4, 5, 7, 8, the "Timings" table,
 * and the dfu-util device-log dump stm32f4discovery.lsusb):
 * - 0483:df11; iManufacturer "STMicroelectronics", iProduct "STM32  BOOTLOADER"
 *   (two spaces), iSerial 12 hex digits (e.g. 315A28A0B956); bcdDevice 0x2200 as on
 *   the later F4 ROMs (rows 5–7; the F4DISCOVERY dump shows 0x2100); bcdUSB 1.00,
 *   configuration self-powered (0xC0), 100 mA, as in the dump.
 * - One interface, four alt settings, strings byte-exact (note the padding);
 *   one functional descriptor after the last alt (wTotalLength 54 in the dump):
 *   bmAttributes 0x0B, wDetachTimeOut 255, wTransferSize 2048, bcdDFUVersion 0x011A.
 * - The first GETSTATUS reports dfuERROR / errFIRMWARE (status 10); the host must CLRSTATUS.
 * - Commands: the first GETSTATUS reports dfuDNBUSY, errors show at the next one; SET_ADDRESS
 *   outside the device's memory fails with errTARGET (AN2662 §4.5.2, same ROM command set).
 *
 * Timing ('typical', the default; reported = actual unless said otherwise):
 * - Each 2048-byte DNLOAD: 20 ms (estimate: datasheet-typical word programming at x32,
 *   512 words; the figure issue 12's independent emulation uses).
 * - Page erase, estimates from the datasheet figures (DS8626 / F411 notes, typical x32
 *   parallelism): 16 KiB 250 ms, 64 KiB 550 ms, 128 KiB 1000 ms; smaller pages
 *   (option bytes, OTP, device feature) 250 ms.
 * - SET_ADDRESS and GET_COMMANDS: 1 ms (estimate; the ROM only stores a pointer).
 * - Mass erase: reports bwPollTimeout 100 ms (dfu-util src/dfuse.c: "STM32F405 lies about
 *   mass erase timeout") and takes 8.55 s (estimate: the sum of the typical sector erases,
 *   4 × 250 + 550 + 7 × 1000 ms), NAKing EP0 meanwhile.
 * - Leave: dfuMANIFEST for 5 ms (estimate), then the ROM jumps to the application (disconnect).
 * Timing 'worst-case': each 2048-byte DNLOAD reports and takes 104 ms, as the STM32F469 ROM
 *   reported in a dfu-util -v log (devices.md "Timings"); the mass erase takes 32 s (DS8626 at
 *   x8, as dfu-util's comment says). Erase times as above.
 * - READ_UNPROTECT: 100 ms (estimate), flash erased, the chip resets and the ROM is back
 *   on the bus 300 ms later (estimate).
 */
import { DfuState, DfuStatus } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';
import { same, stDfuseRom } from './st-dfuse-rom.js';

export function f4PageEraseMs(pageSize: number): number {
  if (pageSize <= 16 * 1024) return 250;
  if (pageSize <= 64 * 1024) return 550;
  return 1000;
}

/** A 2048-byte block: datasheet-typical (estimate), and as the F469 ROM reported it (worst-case). */
export const F4_BLOCK_MS = 20;
export const F4_BLOCK_WORST_MS = 104;
/** Mass erase: the ROM reports 100 ms; typical duration = sum of the typical sector erases (estimate). */
export const F4_MASS_ERASE = { reportedMs: 100, actualMs: 4 * 250 + 550 + 7 * 1000 };

export const stm32f4Sysboot: SimProfile = stDfuseRom({
  name: 'stm32f4-sysboot',
  description: 'STM32F405/407 ROM bootloader (DfuSe, 0483:df11, 4 alt settings, starts in dfuERROR)',
  identity: { bcdUSB: 0x0100, bcdDevice: 0x2200, product: 'STM32  BOOTLOADER', serial: '315A28A0B956' },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  altNames: [
    '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg',
    '@Option Bytes  /0x1FFFC000/01*016 g',
    '@OTP Memory /0x1FFF7800/01*512 g,01*016 g',
    '@Device Feature/0xFFFF0000/01*004 g',
  ],
  wTransferSize: 2048,
  functionalAfter: 'last-alt',
  initial: { state: DfuState.dfuERROR, status: DfuStatus.errFIRMWARE },
  timing: { erase: (pageSize) => same(f4PageEraseMs(pageSize)), massErase: F4_MASS_ERASE, program: () => same(F4_BLOCK_MS) },
  readUnprotect: 'erase-and-reset',
  extra: { worstCase: { program: () => same(F4_BLOCK_WORST_MS), massErase: { reportedMs: 100, actualMs: 32_000 } } },
});
