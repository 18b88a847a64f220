/** Simulated devices that behave as real ones do, each with the fault a quirk in src/dfu/quirk-table.ts works around. */
import type { SimProfile } from '../profile-types.js';
import { blackmagic } from './blackmagic.js';
import { dfuseNoBlockAddr } from './dfuse-no-blockaddr.js';
import { dsoNano } from './dso-nano.js';
import { gd32vf103 } from './gd32vf103.js';
import { maple } from './maple.js';
import { opc20 } from './opc20.js';
import { openmoko } from './openmoko.js';
import { stm32c5Sysboot } from './stm32c5-sysboot.js';
import { stm32f405MassErase } from './stm32f405-masserase.js';
import { stm32h750 } from './stm32h750.js';
import { stm32h7Sysboot } from './stm32h7-sysboot.js';
import { stm32l4Sysboot } from './stm32l4-sysboot.js';

export const QUIRK_PROFILES: readonly SimProfile[] = [
  stm32f405MassErase,
  stm32l4Sysboot,
  stm32h7Sysboot,
  stm32h750,
  stm32c5Sysboot,
  gd32vf103,
  blackmagic,
  dsoNano,
  opc20,
  dfuseNoBlockAddr,
  openmoko,
  maple,
];
