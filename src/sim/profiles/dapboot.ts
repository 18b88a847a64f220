/**
 * dapboot (devanlai/dapboot) on a "blue pill" STM32F103C8: a plain DFU 1.1 bootloader.
 *
 * Facts (devices.md row 29; dapboot sources src/usb_conf.c, src/dfu.c,
 * src/stm32f103/target_stm32f103.c, read for facts only):
 * - 1209:db42, bcdUSB 0x0210 (BOS/WebUSB), bcdDevice 0x0111; strings "Devanarchy",
 *   "DAPBoot DFU Bootloader", a 24-hex-digit serial from the chip UID (index 3), and
 *   iInterface 4 "DAPBoot DFU". Configuration 0xC0, 100 mA, one interface, protocol 2.
 * - Functional descriptor: CanDnload | CanUpload | WillDetach = 0x0B (manifestation
 *   intolerant), wDetachTimeOut 255, wTransferSize 1024, bcdDFUVersion 0x0110.
 * - Blocks are written one after another from APP_BASE_ADDRESS = 0x08002000 (the
 *   8 KiB bootloader sits below), whatever wBlockNum says; each page is erased when the
 *   write first reaches it. Flash: 64 KiB of 1 KiB pages (the chip's official size;
 *   newer dapboot builds for the blue pill assume 128 KiB). A write past the end of
 *   flash fails the device's read-back check: errVERIFY. UPLOAD reads the application
 *   area and ends with a short frame at the end of flash. DETACH in DFU mode stalls.
 * - Every block's GETSTATUS reports bwPollTimeout 100 ms (dfu.c). After the zero-length
 *   DNLOAD, GETSTATUS reports dfuMANIFEST with bwPollTimeout 0 and the device resets into
 *   the application right away: it leaves the bus.
 *
 * Timing estimates (STM32F103 datasheet: page erase 20 ms typ / 40 ms max, half-word
 * program 52.5 µs typ): a 1 KiB block takes 512 × 52.5 µs ≈ 27 ms, plus 20 ms when it
 * starts a fresh page; the reset after manifestation takes 1 ms. Timing 'worst-case': page
 * erase 40 ms (the F103's maximum, devices.md "Timings"); the reported 100 ms is the firmware's.
 */
import { DfuState, DfuStatus } from '../../dfu/constants.js';
import type { SimPlainDfuBehaviour, SimProfile } from '../profile-types.js';

export const DAPBOOT_APP_START = 0x08002000;
export const DAPBOOT_FLASH_END = 0x08010000;

export const dapboot: SimProfile = {
  name: 'dapboot',
  description: 'dapboot DFU 1.1 bootloader on a blue pill (1209:db42, writes from 0x08002000, leaves after manifest)',
  identity: {
    bcdUSB: 0x0210,
    idVendor: 0x1209,
    idProduct: 0xdb42,
    bcdDevice: 0x0111,
    manufacturer: 'Devanarchy',
    product: 'DAPBoot DFU Bootloader',
    serial: '0669FF545150898367243741',
  },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: ['DAPBoot DFU'],
    functional: { bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 1024, bcdDFUVersion: 0x0110 },
    functionalAfter: 'every-alt',
  },
  initial: { state: DfuState.dfuIDLE, status: DfuStatus.OK },
  behaviour: {
    kind: 'dfu',
    memory: '@Flash/0x08000000/08*001Ka,56*001Kg',
    appStart: DAPBOOT_APP_START,
    appEnd: DAPBOOT_FLASH_END,
    timing: {
      blockReportedMs: 100,
      pageEraseMs: 20,
      programMs: (length) => (length / 2) * 0.0525,
      manifest: { reportedMs: 0, actualMs: 1 },
    },
    // 'worst-case': the F103's maximum page erase, 40 ms (devices.md "Timings")
    worstCase: { pageEraseMs: 40 },
    writeFailStatus: DfuStatus.errVERIFY,
  },
};

export const DAPBOOT_128K_FLASH_END = 0x08020000;

/**
 * The same bootloader built for a blue pill with 128 KiB of flash: the STM32F103C8 is sold
 * as 64 KiB, most parts have 128 KiB, and newer dapboot builds for the blue pill use it
 * (estimate for the layout; the behaviour is the 64 KiB profile's). 120 KiB above the bootloader.
 */
export const dapboot128k: SimProfile = {
  ...dapboot,
  name: 'dapboot-128k',
  description: 'dapboot on a blue pill with 128 KiB of flash (120 KiB for the application from 0x08002000)',
  identity: { ...dapboot.identity, serial: '0669FF545150898367243742' },
  behaviour: { ...(dapboot.behaviour as SimPlainDfuBehaviour), memory: '@Flash/0x08000000/08*001Ka,120*001Kg', appEnd: DAPBOOT_128K_FLASH_END },
};
