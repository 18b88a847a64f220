/**
 * LeafLabs Maple (rev 0x0200 bootloader, STM32F103RB): plain DFU whose
 * functional descriptor claims bcdDFUVersion 0x011A, ST's DfuSe marker, so a
 * host that trusts it speaks DfuSe to a device that does not (dfu-util
 * QUIRK_FORCE_DFU11 and fwupd DfuForceVersion = 0x0110 force DFU 1.1).
 *
 * Facts (devices.md row 28; dfu-util quirks.c; fwupd dfu.quirk): 1eaf:0003,
 * bcdDevice 0x0200, serial "LLM 003"; not DfuSe: the alt names are prose and the
 * alt number selects where the image goes; plain DFU download.
 *
 * Estimates: "LeafLabs" / "Maple 003"; alt names "DFU Program RAM 0x20000C00"
 * and "DFU Program FLASH 0x08005000" (as in LeafLabs' maple-bootloader, not checked
 * against a dump); bmAttributes 0x03 (manifestation intolerant: it waits for a
 * USB reset), wDetachTimeOut 255, wTransferSize 1024; the application area from
 * 0x08005000 to the end of the 128 KiB flash; bwPollTimeout 50 ms per block,
 * F103 erase/program times. Simplification: both alts write the flash area.
 */
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';

export const MAPLE_APP_START = 0x08005000;

export const maple: SimProfile = {
  name: 'maple',
  description: 'LeafLabs Maple bootloader (1eaf:0003 rev 0x0200): plain DFU that claims bcdDFUVersion 0x011A',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x1eaf,
    idProduct: 0x0003,
    bcdDevice: 0x0200,
    manufacturer: 'LeafLabs',
    product: 'Maple 003',
    serial: 'LLM 003',
  },
  configuration: { bmAttributes: 0x80, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: ['DFU Program RAM 0x20000C00', 'DFU Program FLASH 0x08005000'],
    functional: { bmAttributes: 0x03, wDetachTimeOut: 255, wTransferSize: 1024, bcdDFUVersion: DFUSE_VERSION },
    functionalAfter: 'every-alt',
  },
  initial: { state: DfuState.dfuIDLE, status: DfuStatus.OK },
  behaviour: {
    kind: 'dfu',
    memory: '@Flash/0x08000000/20*001Ka,108*001Kg',
    appStart: MAPLE_APP_START,
    appEnd: 0x08020000,
    timing: {
      blockReportedMs: 50,
      pageEraseMs: 20,
      programMs: (length) => (length / 2) * 0.0525,
      manifest: { reportedMs: 10, actualMs: 10 },
    },
    writeFailStatus: DfuStatus.errWRITE,
  },
};
