/**
 * Flash timing of an STM32F103-class part, for the simulated bootloaders that
 * run on one (estimates from the F103 datasheet: 1–2 KiB page erase 20 ms typ,
 * half-word program 52.5 µs typ), plus an M25P64 SPI NOR sector erase (64 KiB,
 * 0.6 s typ) for the larger pages some of them expose. Reported = taken.
 */
import type { SimBusy } from '../profile-types.js';

export const same = (ms: number): SimBusy => ({ reportedMs: ms, actualMs: ms });

export function f103Erase(pageSize: number): SimBusy {
  return same(pageSize <= 2048 ? 20 : 600);
}

/** Timing 'worst-case': a 1–2 KiB page erase at the F103's maximum, 40 ms (devices.md "Timings"); the SPI sector as typical. */
export function f103EraseMax(pageSize: number): SimBusy {
  return same(pageSize <= 2048 ? 40 : 600);
}

/** `length` bytes programmed a half-word at a time, rounded up to whole ms. */
export function f103Program(length: number): SimBusy {
  return same(Math.ceil((length / 2) * 0.0525));
}
