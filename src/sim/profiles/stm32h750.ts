/**
 * STM32H750 (Electro-Smith Daisy Seed) system-memory DFU bootloader: the H7
 * ROM reports the STM32H743's layout, 16 × 128 KiB = 2 MiB, but the chip has
 * one 128 KiB sector (devices.md row 20: bcdDevice 0x0200, serial 200364500000,
 * the same two alt strings as the H743). Everything else as `stm32h7-sysboot`
 * (estimates there), without its wedged erase. Past 0x0801FFFF there is no
 * memory: SET_ADDRESS fails with errTARGET and ERASE with errADDRESS.
 */
import type { SimProfile } from '../profile-types.js';
import { stm32h7Rom } from './stm32h7-sysboot.js';

export const stm32h750: SimProfile = stm32h7Rom(
  'stm32h750',
  'STM32H750 ROM (Daisy Seed): the layout claims 2 MiB, the chip has 128 KiB',
  '200364500000',
  { memory: ['@Internal Flash   /0x08000000/01*128Kg', undefined] },
);
