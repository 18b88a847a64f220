/**
 * An STM32 application with a DFU runtime interface (bInterfaceProtocol 1), the
 * way USB-DFU-capable firmware exposes "reboot into the bootloader".
 *
 * Identity is illustrative (no single real device): 0483:5740 (ST's virtual COM port
 * PID, often reused by applications), its own serial, interface 0 "DFU runtime" and a
 * vendor-specific interface 1 "Application" that hosts must skip. Functional descriptor
 * as an ST part would declare it: bmAttributes 0x0B, wDetachTimeOut 255,
 * wTransferSize 2048, bcdDFUVersion 0x011A.
 *
 * DFU_DETACH in appIDLE → appDETACH. With bitWillDetach (profile `runtime-app`) the
 * application drops off the bus 10 ms later (estimate) and the chip's ROM bootloader
 * (`stm32f4-sysboot`) arrives on the same port 300 ms after that (estimate: reset, ROM
 * start-up, enumeration). Without it (`runtime-app-reset`, bmAttributes 0x03) the
 * device waits up to wDetachTimeOut (1000 ms) for a USB reset; the reset then
 * re-enumerates it as the bootloader; without a reset it returns to appIDLE.
 */
import { DfuState, DfuStatus, DFUSE_VERSION } from '../../dfu/constants.js';
import type { SimProfile } from '../profile-types.js';

function runtimeApp(willDetach: boolean): SimProfile {
  return {
    name: willDetach ? 'runtime-app' : 'runtime-app-reset',
    description: willDetach
      ? 'application with a DFU runtime interface (0483:5740); DETACH → re-enumerates as stm32f4-sysboot'
      : 'runtime-app without WillDetach: DETACH, then a USB reset → re-enumerates as stm32f4-sysboot',
    identity: {
      bcdUSB: 0x0200,
      idVendor: 0x0483,
      idProduct: 0x5740,
      bcdDevice: 0x0200,
      manufacturer: 'STMicroelectronics',
      product: 'Example STM32 application',
      serial: '4A3B2C1D0E0F',
    },
    configuration: { bmAttributes: 0x80, bMaxPower: 50 },
    dfu: {
      interfaceNumber: 0,
      protocol: 1,
      altNames: ['DFU runtime'],
      functional: {
        bmAttributes: willDetach ? 0x0b : 0x03,
        wDetachTimeOut: willDetach ? 255 : 1000,
        wTransferSize: 2048,
        bcdDFUVersion: DFUSE_VERSION,
      },
      functionalAfter: 'every-alt',
    },
    otherInterfaces: [
      { interfaceNumber: 1, interfaceClass: 0xff, interfaceSubClass: 0, interfaceProtocol: 0, name: 'Application' },
    ],
    initial: { state: DfuState.appIDLE, status: DfuStatus.OK },
    behaviour: {
      kind: 'runtime',
      detachLeaveMs: 10,
      reenumerateAs: 'stm32f4-sysboot',
      reenumerateAfterMs: 300,
    },
  };
}

export const runtimeAppWillDetach: SimProfile = runtimeApp(true);
export const runtimeAppReset: SimProfile = runtimeApp(false);
