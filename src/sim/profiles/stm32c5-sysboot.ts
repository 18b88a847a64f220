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
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimBusy, SimProfile } from '../profile-types.js';

const same = (ms: number): SimBusy => ({ reportedMs: ms, actualMs: ms });

export const stm32c5Sysboot: SimProfile = {
  name: 'stm32c5-sysboot',
  description: 'STM32C5 ROM bootloader (DfuSe, 8 KiB pages, no option-bytes alt) that STALLs CLRSTATUS outside dfuERROR',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x0483,
    idProduct: 0xdf11,
    bcdDevice: 0x0200,
    manufacturer: 'STMicroelectronics',
    product: 'DFU in FS Mode',
    serial: '3A5F32413136',
  },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: ['@Internal Flash   /0x08000000/64*008Kg'],
    functional: { bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 1024, bcdDFUVersion: DFUSE_VERSION },
    functionalAfter: 'every-alt',
  },
  initial: { state: DfuState.dfuIDLE, status: DfuStatus.OK },
  behaviour: {
    kind: 'dfuse',
    timing: {
      setAddress: same(1),
      getCommands: same(1),
      erase: () => same(50),
      massErase: same(400),
      program: () => same(10),
      leave: same(5),
      readUnprotect: same(100),
    },
    checkSetAddress: true,
    readUnprotect: 'erase-and-reset',
    reenumerateAfterMs: 300,
  },
};
