/** The registry of simulated device profiles. */
import type { SimProfile } from '../profile-types.js';
import { dapboot, dapboot128k } from './dapboot.js';
import { macBluetooth } from './mac-bluetooth.js';
import { QUIRK_PROFILES } from './quirk-devices.js';
import { runtimeAppReset, runtimeAppWillDetach } from './runtime-app.js';
import { stm32f1Cubemx } from './stm32f1-cubemx.js';
import { stm32f4Sysboot } from './stm32f4-sysboot.js';
import { stm32f4Boot0High, stm32f4LeaveApp } from './stm32f4-leave-variants.js';

export const PROFILES: readonly SimProfile[] = [
  stm32f4Sysboot,
  stm32f1Cubemx,
  dapboot,
  runtimeAppWillDetach,
  runtimeAppReset,
  macBluetooth,
  dapboot128k,
  ...QUIRK_PROFILES,
  stm32f4LeaveApp,
  stm32f4Boot0High,
];

export function findProfile(name: string): SimProfile | undefined {
  return PROFILES.find((p) => p.name === name);
}
