/**
 * ListedDevice values built from real device facts (shared/research/devices.md,
 * anchors.md §8): STM32F4 system bootloader, Black Magic Probe in runtime mode,
 * an STM32F0 bootloader with its non-unique serial, a device whose strings
 * could not be read.
 */
import { parseMemoryLayout } from '../../src/dfu/memory-layout.js';
import type { ListedAlt, ListedDevice } from '../../src/ops/types.js';
import type { FunctionalDescriptor } from '../../src/transport/types.js';

export function functional(bmAttributes: number, wTransferSize: number, bcdDFUVersion: number): FunctionalDescriptor {
  return {
    bLength: 9,
    bmAttributes,
    wDetachTimeOut: 255,
    wTransferSize,
    bcdDFUVersion,
    canDownload: (bmAttributes & 1) !== 0,
    canUpload: (bmAttributes & 2) !== 0,
    manifestationTolerant: (bmAttributes & 4) !== 0,
    willDetach: (bmAttributes & 8) !== 0,
  };
}

function alt(interfaceNumber: number, alternateSetting: number, name: string | undefined, f: FunctionalDescriptor, protocol = 2): ListedAlt {
  const a: ListedAlt = { interfaceNumber, alternateSetting, interfaceProtocol: protocol, iInterface: name === undefined ? 0 : 4 + alternateSetting, name, functional: f };
  if (name?.startsWith('@')) a.layout = parseMemoryLayout(name);
  return a;
}

const base = { bcdUSB: 0x0200, bMaxPacketSize0: 64, configurationValue: 1, busNumber: 1 };

const F4 = functional(0x0b, 2048, 0x011a);
export const STM32F4: ListedDevice = {
  ...base,
  key: 'sim:1-1',
  vendorId: 0x0483,
  productId: 0xdf11,
  bcdDevice: 0x2100,
  deviceAddress: 5,
  portPath: '1-1',
  manufacturer: 'STMicroelectronics',
  product: 'STM32  BOOTLOADER',
  serial: '3276365B3138',
  mode: 'dfu',
  dfuse: true,
  alts: [
    alt(0, 0, '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg', F4),
    alt(0, 1, '@Option Bytes  /0x1FFFC000/01*016 g', F4),
    alt(0, 2, '@OTP Memory /0x1FFF7800/01*512 g,01*016 g', F4),
    alt(0, 3, '@Device Feature/0xFFFF0000/01*004 g', F4),
  ],
};

export const BMP_RUNTIME: ListedDevice = {
  ...base,
  key: 'sim:3-4.2',
  vendorId: 0x1d50,
  productId: 0x6018,
  bcdDevice: 0x0100,
  busNumber: 3,
  deviceAddress: 76,
  portPath: '3-4.2',
  serial: 'C2C89BDB',
  mode: 'runtime',
  dfuse: true,
  alts: [alt(4, 0, 'Black Magic Firmware Upgrade (STLINK)', functional(0x09, 1024, 0x011a), 1)],
};

export const STM32F0: ListedDevice = {
  ...base,
  key: 'sim:1-2',
  vendorId: 0x0483,
  productId: 0xdf11,
  bcdDevice: 0x2200,
  deviceAddress: 9,
  portPath: '1-2',
  serial: 'FFFFFFFEFFFF',
  serialNotUnique: true,
  mode: 'dfu',
  dfuse: true,
  alts: [alt(0, 0, '@Option Bytes  /0x1FFFF800/01*016 e', functional(0x0b, 2048, 0x011a))],
};

export const UNREADABLE: ListedDevice = {
  ...base,
  key: 'usb:2-8:12',
  vendorId: 0x28e9,
  productId: 0x0189,
  bcdDevice: 0x0100,
  busNumber: 2,
  deviceAddress: 12,
  portPath: '2-8',
  stringError: { code: 'ACCESS', message: 'cannot open 28e9:0189 at 2-8: permission denied', hint: 'install a udev rule: SUBSYSTEMS=="usb", ATTRS{idVendor}=="28e9", ATTRS{idProduct}=="0189", TAG+="uaccess"' },
  mode: 'dfu',
  dfuse: false,
  alts: [
    { interfaceNumber: 0, alternateSetting: 0, interfaceProtocol: 2, iInterface: 4, name: undefined, nameError: 'LIBUSB_ERROR_ACCESS', functional: functional(0x07, 256, 0x0110) },
    { interfaceNumber: 0, alternateSetting: 1, interfaceProtocol: 2, iInterface: 0, name: undefined, functional: functional(0x07, 256, 0x0110) },
  ],
};
