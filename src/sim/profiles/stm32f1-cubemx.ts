/**
 * The DfuSe bootloader STM32CubeMX generates (USB Device library DFU class,
 * usbd_dfu.c + usbd_dfu_if.c template), as built for an STM32F103RC.
 *
 * Facts: 0483:df11 (USBD_PID 0xDF11), bcdUSB/bcdDevice 0x0200, strings
 * "STMicroelectronics" / "STM32 Download Firmware" and a 12-hex-digit serial made
 * from the chip UID (CubeMX defaults); iInterface = USBD_IDX_INTERFACE_STR + 1 = 6.
 * Functional descriptor 0x0B, wDetachTimeOut 255, wTransferSize 1024 (USBD_DFU_XFER_SIZE),
 * bcdDFUVersion 0x011A. One alt; the layout string declares the first two 16 KiB
 * sectors read-only (the bootloader itself); the application starts at 0x08008000
 * (USBD_DFU_APP_DEFAULT_ADD). Starts in dfuIDLE.
 *
 * Timing: the template reports FLASH_ERASE_TIME / FLASH_PROGRAM_TIME = 50 ms as
 * bwPollTimeout (devices.md "Timings", STM32 Cube DFU example); the class reports the
 * program time for every non-erase command too, so SET_ADDRESS reports 50 ms while it
 * really takes ~1 ms (estimate). Actual erase/program = reported (estimate). The
 * manifestation reports bwPollTimeout 1 ms, then the device resets into the application.
 *
 * Quirk (a common hand-written MEM_If_Erase_FS): ERASE ignores its address and erases
 * everything from 0x08008000 to the end of flash — a host that interleaves erase and
 * write destroys what it wrote before. Mass erase does the same. READ_UNPROTECT is
 * listed by GET_COMMANDS but not implemented: it stalls.
 */
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimBusy, SimProfile } from '../profile-types.js';

const same = (ms: number): SimBusy => ({ reportedMs: ms, actualMs: ms });

export const CUBEMX_APP_START = 0x08008000;

export const stm32f1Cubemx: SimProfile = {
  name: 'stm32f1-cubemx',
  description: 'STM32CubeMX DfuSe bootloader on an STM32F103RC (1 alt, app at 0x08008000, erase wipes the whole app area)',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x0483,
    idProduct: 0xdf11,
    bcdDevice: 0x0200,
    manufacturer: 'STMicroelectronics',
    product: 'STM32 Download Firmware',
    serial: '8D7B35805348',
  },
  configuration: { bmAttributes: 0xc0, bMaxPower: 50 },
  dfu: {
    interfaceNumber: 0,
    protocol: 2,
    altNames: ['@Internal Flash   /0x08000000/02*016Ka,02*016Kg,01*064Kg,03*128Kg'],
    firstAltStringIndex: 6,
    functional: { bmAttributes: 0x0b, wDetachTimeOut: 255, wTransferSize: 1024, bcdDFUVersion: DFUSE_VERSION },
    functionalAfter: 'every-alt',
  },
  initial: { state: DfuState.dfuIDLE, status: DfuStatus.OK },
  behaviour: {
    kind: 'dfuse',
    timing: {
      setAddress: { reportedMs: 50, actualMs: 1 },
      getCommands: { reportedMs: 50, actualMs: 1 },
      erase: () => same(50),
      massErase: same(50),
      program: () => same(50),
      leave: same(1),
      readUnprotect: same(50),
    },
    eraseIgnoresAddress: { start: CUBEMX_APP_START },
    checkSetAddress: false,
    readUnprotect: 'unsupported',
    reenumerateAfterMs: 300,
  },
};
