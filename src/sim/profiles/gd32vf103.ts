/**
 * GigaDevice GD32VF103CBT6 ROM bootloader as found on the Sipeed Longan Nano:
 * DfuSe dialect with three faults.
 *
 * Facts (devices.md row 24; riscv-mcu/gd32-dfu-utils#3, #4, #5, PR #6;
 * dfu-rs/cargo-dfu#7; fwupd dfu.quirk; dfu-util 0.11 quirks.c):
 * - 28e9:0189, bcdDevice 0x1000 (Longan Nano), bcdDFUVersion 0x011A, wTransferSize
 *   2048; alt 0 `@Internal Flash  /0x08000000/512*002Kg`, alt 1
 *   `@Option Bytes  /0x1FFFF800/01*016 g`; iManufacturer "GigaDevice", iProduct
 *   "GD32 USB DFU in FS Mode"; starts in dfuERROR, status 10.
 * - The serial "3CBJ" (the part code GD32VF103CB) is sent as raw UTF-8 bytes in the
 *   string descriptor, not UTF-16LE.
 * - The layout lies: the chip has 128 KiB in 1 KiB pages. An ERASE erases the 1 KiB
 *   page holding its address; programming over bytes that are not erased silently
 *   ANDs them ("reporting success but read-out not matching", gd32-dfu-utils#5).
 * - Leave: it jumps to the application on the zero-length DNLOAD without a proper
 *   status; a GETSTATUS in between answers dfuERROR/errUNKNOWN (cargo-dfu#7).
 * - Poll timeouts: SET_ADDRESS 100 ms, a data block 104 ms (gd32-dfu-utils#3).
 *
 * Estimates: bmAttributes 0x0B, wDetachTimeOut 255; page erase 100 ms reported and
 * taken; SET_ADDRESS really takes 1 ms; the jump happens 10 ms after the leave request.
 */
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';
import { same } from './f103-timing.js';

export const GD32_LONGAN_LAYOUT = '@Internal Flash  /0x08000000/512*002Kg';
export const GD32_REAL_LAYOUT = '@Internal Flash  /0x08000000/128*001Kg';

export const gd32vf103: SimProfile = {
  name: 'gd32vf103',
  description: 'GD32VF103CB ROM on a Longan Nano (28e9:0189): UTF-8 serial, layout claims 512 × 2 KiB (real 128 × 1 KiB), leaves without a status',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x28e9,
    idProduct: 0x0189,
    bcdDevice: 0x1000,
    manufacturer: 'GigaDevice',
    product: 'GD32 USB DFU in FS Mode',
    serial: '3CBJ',
    serialEncoding: 'utf8',
  },
  configuration: { bmAttributes: 0x80, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: [GD32_LONGAN_LAYOUT, '@Option Bytes  /0x1FFFF800/01*016 g'],
    functional: { bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 2048, bcdDFUVersion: DFUSE_VERSION },
    functionalAfter: 'every-alt',
  },
  initial: { state: DfuState.dfuERROR, status: DfuStatus.errFIRMWARE },
  behaviour: {
    kind: 'dfuse',
    timing: {
      setAddress: { reportedMs: 100, actualMs: 1 },
      getCommands: same(1),
      erase: () => same(100),
      massErase: same(1000),
      program: () => same(104),
      leave: same(1),
      readUnprotect: same(100),
    },
    checkSetAddress: true,
    readUnprotect: 'unsupported',
    reenumerateAfterMs: 300,
    memory: [GD32_REAL_LAYOUT, undefined],
    writeOverProgrammed: 'and',
    leaveWithoutStatus: { status: DfuStatus.errUNKNOWN, afterMs: 10 },
  },
};
