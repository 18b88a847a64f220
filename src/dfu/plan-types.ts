/** Value types shared by the planner, the engines, ops and the reporters. */

/** One run of equally sized sectors from a DfuSe memory-layout string, e.g. `04*016Kg`. */
export interface MemorySegment {
  /** First address. */
  start: number;
  /** One past the last address. */
  end: number;
  /** Size of each sector (page) in bytes. */
  pageSize: number;
  /** Number of sectors. */
  count: number;
  /** The type letter as written (a–g). */
  type: string;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

/** A parsed DfuSe memory layout, e.g. `@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg`. */
export interface MemoryLayout {
  /** The name trimmed of its padding, e.g. 'Internal Flash'. */
  name: string;
  /** The whole interface string, padding kept. */
  raw: string;
  segments: MemorySegment[];
}

/** A DfuSe `-s ADDR[:LEN][:leave][:mass-erase][:unprotect][:will-reset][:force]` option. */
export interface DfuseOptions {
  address?: number | undefined;
  length?: number | undefined;
  leave: boolean;
  massErase: boolean;
  unprotect: boolean;
  willReset: boolean;
  force: boolean;
}

/** A contiguous run of bytes to write, sent as consecutive blocks after one SET_ADDRESS. */
export interface WriteRun {
  address: number;
  data: Uint8Array;
  /** Number of DNLOAD blocks (ceil(length / transferSize)). */
  blocks: number;
}

/** One sector to erase. */
export interface EraseStep {
  address: number;
  size: number;
}

/**
 * Everything a download will do, computed before the first transfer.
 * DfuSe: optional unprotect/mass erase, every page erase, then every write; then leave.
 * DFU 1.1: one write run from the device's own start (address 0 by convention), then manifestation.
 */
export interface DownloadPlan {
  protocol: 'dfuse' | 'dfu';
  transferSize: number;
  massErase: boolean;
  erase: EraseStep[];
  writes: WriteRun[];
  /** DfuSe leave: jump address (SET_ADDRESS before the zero-length DNLOAD), if any. */
  leave: { address?: number | undefined } | undefined;
  willReset: boolean;
  totals: { eraseBytes: number; writeBytes: number; blocks: number };
}
