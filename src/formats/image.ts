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

/** One DfuSe target (UM0391): the image for one alternate setting. */
export interface DfuseTarget {
  alternateSetting: number;
  /** szTargetName up to its first NUL ('' when bTargetNamed is 0). */
  name: string;
  /** The target's elements as a sparse image: sorted by address, non-overlapping, adjacent elements merged, empty ones dropped. */
  segments: ImageSegment[];
  /** The elements exactly as stored (file order, empty ones kept), for byte-exact rewriting. */
  elements?: ImageSegment[] | undefined;
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
  /**
   * DfuSe files only: one entry per Target, in file order. `segments` above is
   * then the union of all targets; use `targets` to route each one to its alt setting.
   */
  targets?: DfuseTarget[] | undefined;
  /** S-record files only: the text of the S0 header record. */
  header?: string | undefined;
}

export function imageSize(image: FirmwareImage): number {
  return image.segments.reduce((n, s) => n + s.data.length, 0);
}
