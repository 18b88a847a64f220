/**
 * Openmoko Freerunner (Neo1973 U-Boot 1.3.2-moko12) in DFU mode: plain DFU 1.0
 * whose bwPollTimeout values are bogus (dfu-util QUIRK_POLLTIMEOUT, fwupd
 * `ignore-polltimeout`: both poll every 5 ms instead).
 *
 * Facts (devices.md row 36; dfu-util device-logs openmoko-freerunner-dfumode.lsusb):
 * 1d50:5119, bcdUSB 1.00, bcdDevice 0x0000, "OpenMoko, Inc" / "Neo1973
 * Bootloader U-Boot 1.3.2-moko12", serial "0000000"; bus powered 100 mA; seven
 * alt settings (strings 8–14) `RAM 0x32000000`, `u-boot`, `u-boot_env`,
 * `kernel`, `splash`, `factory`, `rootfs`, protocol 2; one functional descriptor
 * after the last alt: bmAttributes 0x07 (manifestation tolerant, will not
 * detach), wDetachTimeOut 65280, wTransferSize 4096, bcdDFUVersion 0x0100.
 *
 * Simulated: every bwPollTimeout reads 0xFFFFFF ms (about 4.7 hours) while the
 * work takes milliseconds (estimates: a 4 KiB NAND write 1 ms, a 128 KiB block
 * erase 2 ms, manifestation 1 ms); a GETSTATUS before the bogus time is not an
 * early poll to it (bogusPollTimeout). Simplification: all seven alt settings
 * write one 4 MiB NAND area from its start (the sequential target has one memory).
 */
import { DfuState, DfuStatus } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';

export const BOGUS_POLL_TIMEOUT_MS = 0xffffff;

export const openmoko: SimProfile = {
  name: 'openmoko',
  description: 'Openmoko Freerunner U-Boot (1d50:5119, DFU 1.0): every bwPollTimeout is a bogus 0xFFFFFF ms',
  identity: {
    bcdUSB: 0x0100,
    idVendor: 0x1d50,
    idProduct: 0x5119,
    bcdDevice: 0x0000,
    manufacturer: 'OpenMoko, Inc',
    product: 'Neo1973 Bootloader U-Boot 1.3.2-moko12',
    serial: '0000000',
  },
  configuration: { bmAttributes: 0x80, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: ['RAM 0x32000000', 'u-boot', 'u-boot_env', 'kernel', 'splash', 'factory', 'rootfs'],
    firstAltStringIndex: 8,
    functional: { bmAttributes: 0x07, wDetachTimeOut: 65280, wTransferSize: 4096, bcdDFUVersion: 0x0100 },
    functionalAfter: 'last-alt',
  },
  initial: { state: DfuState.dfuIDLE, status: DfuStatus.OK },
  bogusPollTimeout: true,
  behaviour: {
    kind: 'dfu',
    memory: '@NAND/0x00000000/32*128Kg',
    appStart: 0x00000000,
    appEnd: 0x00400000,
    timing: {
      blockReportedMs: BOGUS_POLL_TIMEOUT_MS,
      pageEraseMs: 2,
      programMs: () => 1,
      manifest: { reportedMs: BOGUS_POLL_TIMEOUT_MS, actualMs: 1 },
    },
    writeFailStatus: DfuStatus.errWRITE,
  },
};
