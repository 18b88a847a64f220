/**
 * The STM32F4 ROM (stm32f4-sysboot) as boards on a flashing line see it after
 * `:leave`, for the station's tests and rehearsals:
 * - stm32f4-leave-app: the new firmware starts and enumerates as an application
 *   with a DFU runtime interface (the `runtime-app` profile, 0483:5740, its own
 *   serial) on the same port, 300 ms after the ROM left (estimate: reset,
 *   clock set-up, enumeration);
 * - stm32f4-boot0-high: BOOT0 is still high, so the chip boots straight back into
 *   its ROM bootloader (devices.md row 10: F0 boards "boot straight back into
 *   DFU" after :leave); the ROM is back on the same port with the same serial
 *   and the flash as written, 300 ms later (estimate).
 * Everything else is the F4 ROM's.
 */
import type { SimDfuseBehaviour, SimProfile } from '../profile-types.js';
import { stm32f4Sysboot } from './stm32f4-sysboot.js';

function variant(name: string, description: string, afterLeave: NonNullable<SimDfuseBehaviour['afterLeave']>): SimProfile {
  const b = stm32f4Sysboot.behaviour as SimDfuseBehaviour;
  return { ...stm32f4Sysboot, name, description, behaviour: { ...b, afterLeave } };
}

export const stm32f4LeaveApp = variant(
  'stm32f4-leave-app',
  'STM32F4 ROM whose :leave starts an application with a DFU runtime interface (runtime-app) on the same port',
  { profile: 'runtime-app', afterMs: 300 },
);

export const stm32f4Boot0High = variant(
  'stm32f4-boot0-high',
  'STM32F4 ROM with BOOT0 held high: :leave comes back to the ROM on the same port (same serial, flash kept)',
  { profile: 'self', afterMs: 300 },
);
