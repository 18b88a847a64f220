/**
 * A DfuSe bootloader without block addressing: every data block lands at the
 * address pointer, as if it were wBlockNum 2, so a host must SET_ADDRESS
 * before each block (dfu-util's way, anchors.md §3.5). Block-addressed
 * writes land on top of each other; block-addressed reads repeat the first block.
 *
 * Illustrative device: no public report names one, so it uses the pid.codes
 * test PID 1209:0001 and made-up strings; an STM32F103-style layout (8 KiB
 * read-only bootloader, 56 KiB application) and F103 timing (f103-timing.ts).
 */
import type { SimProfile } from '../profile-types.js';
import { f103Erase, f103EraseMax, f103Program, same } from './f103-timing.js';
import { stDfuseRom } from './st-dfuse-rom.js';

export const dfuseNoBlockAddr: SimProfile = stDfuseRom({
  name: 'dfuse-no-blockaddr',
  description: 'illustrative DfuSe bootloader (1209:0001) that writes every block at the address pointer (no block addressing)',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x1209,
    idProduct: 0x0001,
    bcdDevice: 0x0100,
    manufacturer: 'dfu-flash simulator',
    product: 'DfuSe without block addressing',
    serial: 'NOBLK0001',
  },
  configuration: { bmAttributes: 0x80, bMaxPower: 50 },
  altNames: ['@Internal Flash  /0x08000000/08*001Ka,56*001Kg'],
  wTransferSize: 1024,
  functionalAfter: 'every-alt',
  timing: { erase: f103Erase, massErase: same(1000), program: f103Program },
  readUnprotect: 'unsupported',
  extra: { dataAddressing: 'pointer-only', worstCase: { erase: f103EraseMax } },
});
