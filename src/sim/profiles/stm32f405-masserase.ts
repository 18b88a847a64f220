/**
 * STM32F405/407 ROM bootloader whose MASS_ERASE lies about its duration: the
 * same device as `stm32f4-sysboot` (descriptors, layouts, timing), except that
 * the mass erase reports bwPollTimeout 100 ms and really takes 32 s.
 *
 * Facts: dfu-util src/dfuse.c ("STM32F405 lies about mass erase timeout": it
 * reports 100 ms, the erase takes up to 32 seconds; dfu-util waits 35 s); DS8626
 * gives a mass erase of up to 32 s at x8 parallelism. The device NAKs EP0 while
 * it erases, so a host that polls after 100 ms sees its GETSTATUS time out
 * (5 s per control transfer), as dfu-util did before the workaround.
 */
import type { SimDfuseBehaviour, SimProfile } from '../profile-types.js';
import { stm32f4Sysboot } from './stm32f4-sysboot.js';

const base = stm32f4Sysboot.behaviour as SimDfuseBehaviour;

export const STM32F405_MASS_ERASE_MS = 32_000;

export const stm32f405MassErase: SimProfile = {
  ...stm32f4Sysboot,
  name: 'stm32f405-masserase',
  description: 'STM32F405 ROM whose mass erase reports 100 ms but takes 32 s (dfu-util waits 35 s)',
  behaviour: {
    ...base,
    timing: { ...base.timing, massErase: { reportedMs: 100, actualMs: STM32F405_MASS_ERASE_MS } },
  },
};
