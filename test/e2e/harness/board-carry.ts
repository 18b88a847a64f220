/**
 * The same physical board plugged in again (DeviceSpec.name repeated): what a
 * new enumeration of it keeps from before. Flash is non-volatile, so the new
 * device starts with the pages of the board's latest device that has any (a
 * runtime application in front of the bootloader has none of its own); its
 * serial is the one the board last showed in this profile. Everything else —
 * DFU state, claims, alt settings, the transcript, armed faults — is fresh,
 * as after a power cycle.
 */
import type { BridgeDevice } from './device-state.js';

function pageCount(entry: BridgeDevice): number {
  try {
    const snap = entry.device.snapshot?.() as { pages?: unknown[] } | undefined;
    return snap?.pages?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Earlier devices of `board`, oldest first. */
export function boardHistory(devices: Iterable<BridgeDevice>, board: string): BridgeDevice[] {
  return [...devices].filter((d) => d.board === board);
}

/** The serial to give a new device of the board in `profile` when the spec names none. */
export function carriedSerial(history: BridgeDevice[], profile: string): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const d = history[i]!.device;
    if (d.profile === profile) return d.serial;
  }
  return undefined;
}

/**
 * Copy the board's flash into `next` (a freshly created device). Returns the
 * device it came from, or undefined when there was nothing to carry or `next`
 * has no memory (the board came back as an application without DFU memory).
 */
export function carryFlash(history: BridgeDevice[], next: BridgeDevice): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const from = history[i]!;
    if (pageCount(from) === 0) continue;
    if (!next.device.restore || !from.device.snapshot) return undefined;
    try {
      next.device.restore(from.device.snapshot() as never);
      return from.dev;
    } catch {
      return undefined; // no memory on this side
    }
  }
  return undefined;
}
