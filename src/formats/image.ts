/**
 * Every firmware file format parses into this one sparse image: a list of
 * segments at absolute addresses, plus what the file said about itself.
 */
export interface ImageSegment {
  address: number;
  data: Uint8Array;
}

export interface DfuSuffixInfo {
  bcdDevice: number;
  idProduct: number;
  idVendor: number;
  bcdDFU: number;
  /** bLength as stored (16 normally; 29 seen with fwupd metadata). */
  length: number;
  crc: number;
}

export interface FirmwareImage {
  /** 'bin', 'ihex', 'srec', 'elf', 'dfuse', 'dfu-suffix'... */
  format: string;
  /** Sorted by address, non-overlapping. A raw binary has one segment at `address` (0 when unknown). */
  segments: ImageSegment[];
  /** True when the addresses came from the file (hex, srec, elf, dfuse); false for raw binaries. */
  addressed: boolean;
  suffix?: DfuSuffixInfo | undefined;
  /** Entry point, when the file names one. */
  startAddress?: number | undefined;
}

export function imageSize(image: FirmwareImage): number {
  return image.segments.reduce((n, s) => n + s.data.length, 0);
}
