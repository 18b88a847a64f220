/**
 * What the bench's bridge module (sim-probe.ts) adds to each transcript entry
 * of a simulated device, so the device-imposed minimum can be computed from
 * the device's own transcript: the GETSTATUS reply as sent (bwPollTimeout,
 * bState) and, for DNLOAD, the block number and the DfuSe command.
 */
import type { SimTranscriptEntry } from '../src/sim/types.js';

/** The 6-byte GETSTATUS reply, decoded. */
export interface ProbeStatusReply {
  bStatus: number;
  bwPollTimeout: number;
  bState: number;
}

/** A DNLOAD request as the device saw it. */
export interface ProbeDnload {
  /** wValue. */
  block: number;
  /** OUT payload length (0 = the zero-length DNLOAD that starts manifestation / leave). */
  length: number;
  /** DfuSe command byte (block 0 with data): 0x21 SET_ADDRESS, 0x41 ERASE, … */
  command?: number | undefined;
  /** DfuSe command address (4 bytes little-endian after the command byte), when present. */
  address?: number | undefined;
}

export interface ProbeEntry extends SimTranscriptEntry {
  /** The device clock's origin (ms since the epoch): origin + t is wall-clock time. */
  origin?: number | undefined;
  reply?: ProbeStatusReply | undefined;
  dnload?: ProbeDnload | undefined;
}

/** Flash contents to load into a device before the run (incremental re-flash). */
export interface PreloadSpec {
  profile: string;
  /** Serial of the device to preload (default: every device of the profile). */
  serial?: string | undefined;
  address: number;
  /** Path of a raw binary file. */
  file: string;
}

/** Environment variable naming a JSON file with PreloadSpec[]. */
export const PRELOAD_ENV = 'DFU_FLASH_BENCH_PRELOAD';
