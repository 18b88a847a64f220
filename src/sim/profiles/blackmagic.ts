/**
 * Black Magic Probe DFU bootloader (STM32F103 on an ST-LINK), DfuSe dialect,
 * which answers GETSTATUS with dfuDNBUSY and bwPollTimeout 0 while it works.
 *
 * Facts (devices.md row 27; dfu-util device-logs blackmagic.lsusb / .log):
 * 1d50:6017 in DFU mode (1d50:6018 at runtime), bcdDevice 0x0100, serial
 * C2C89BDB (bcdUSB 2.00 and iManufacturer "Black Sphere Technologies" as in the
 * runtime dump), alt 0
 * `@Internal Flash   /0x08000000/8*001Ka,120*001Kg` (three spaces), wTransferSize
 * 1024, bcdDFUVersion 0x011A; bus powered, 100 mA. dfu-util src/dfuse.c: the
 * bootloader reports zero poll timeouts while busy (dfu-util gives up after 100
 * in a row: "Device stuck after special command request").
 *
 * Estimates: iProduct "Black Magic Probe (Upgrade)"; DFU-mode bmAttributes 0x0B;
 * starts in dfuIDLE (the log shows "state = dfuIDLE"). Timing from the F103
 * datasheet (1 KiB page erase 20 ms typ, half-word program 52.5 µs: 27 ms per
 * 1 KiB block), all reported as 0 ms; the device answers GETSTATUS at once
 * (dfuDNBUSY) instead of NAKing while it works.
 */
import type { SimProfile } from '../profile-types.js';
import { stDfuseRom } from './st-dfuse-rom.js';

const zero = (actualMs: number) => ({ reportedMs: 0, actualMs });

export const BMP_PAGE_ERASE_MS = 20;

export const blackmagic: SimProfile = stDfuseRom({
  name: 'blackmagic',
  description: 'Black Magic Probe bootloader (1d50:6017, DfuSe) reporting bwPollTimeout 0 while busy',
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x1d50,
    idProduct: 0x6017,
    bcdDevice: 0x0100,
    manufacturer: 'Black Sphere Technologies',
    product: 'Black Magic Probe (Upgrade)',
    serial: 'C2C89BDB',
  },
  configuration: { bmAttributes: 0x80, bMaxPower: 50 },
  altNames: ['@Internal Flash   /0x08000000/8*001Ka,120*001Kg'],
  wTransferSize: 1024,
  functionalAfter: 'every-alt',
  timing: {
    setAddress: zero(0),
    getCommands: zero(0),
    erase: () => zero(BMP_PAGE_ERASE_MS),
    massErase: zero(BMP_PAGE_ERASE_MS * 120),
    program: (length) => zero((length / 2) * 0.0525),
    leave: zero(1),
    readUnprotect: zero(100),
  },
  readUnprotect: 'unsupported',
  extra: { busyGetStatus: 'answer-busy' },
});
