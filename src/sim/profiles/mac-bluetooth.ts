/**
 * A Mac's built-in Bluetooth controller: a runtime-mode DFU interface (05ac:8290)
 * that shows up in every `dfu-util -l` on a Mac and, with no name, as "UNKNOWN"
 * (devices.md row 41; electro-smith/libDaisy#195, Spagett1/pineflash#45).
 * A flasher must list it but never pick it on its own. DETACH is stalled: nobody
 * should ever send it one.
 */
import { DfuState, DfuStatus } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';

export const macBluetooth: SimProfile = {
  name: 'mac-bluetooth',
  description: "a Mac's Bluetooth controller (05ac:8290, runtime DFU interface): listed, never picked",
  identity: {
    bcdUSB: 0x0200,
    idVendor: 0x05ac,
    idProduct: 0x8290,
    bcdDevice: 0x0167,
    manufacturer: 'Apple Inc.',
    product: 'Bluetooth USB Host Controller',
    serial: undefined,
  },
  configuration: { bmAttributes: 0xe0, bMaxPower: 0 },
  dfu: {
    interfaceNumber: 5,
    protocol: 1,
    altNames: [undefined],
    functional: { bmAttributes: 0x07, wDetachTimeOut: 5000, wTransferSize: 1023, bcdDFUVersion: 0x0110 },
    functionalAfter: 'every-alt',
  },
  otherInterfaces: [
    { interfaceNumber: 0, interfaceClass: 0xe0, interfaceSubClass: 1, interfaceProtocol: 1, name: undefined },
  ],
  initial: { state: DfuState.appIDLE, status: DfuStatus.OK },
  behaviour: { kind: 'runtime', detachLeaveMs: 10, reenumerateAs: 'mac-bluetooth', reenumerateAfterMs: 300 },
};
