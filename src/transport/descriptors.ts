/** Pure parsers for the USB descriptors dfu-flash needs. Shared by the libusb and simulated backends. */
import type { FunctionalDescriptor } from './types.js';
import { DFU_FUNCTIONAL_DESCRIPTOR_TYPE } from '../dfu/constants.js';

/**
 * Decode a DFU functional descriptor (type 0x21). A 7-byte descriptor has no
 * bcdDFUVersion: such devices are DFU 1.0 (dfu-util deduces the same).
 * Returns undefined when `bytes` does not start with one.
 */
export function parseFunctionalDescriptor(bytes: Uint8Array): FunctionalDescriptor | undefined {
  if (bytes.length < 7 || bytes[1] !== DFU_FUNCTIONAL_DESCRIPTOR_TYPE || bytes[0]! < 7) return undefined;
  const bLength = bytes[0]!;
  const bmAttributes = bytes[2]!;
  const wDetachTimeOut = bytes[3]! | (bytes[4]! << 8);
  const wTransferSize = bytes[5]! | (bytes[6]! << 8);
  const bcdDFUVersion = bLength >= 9 && bytes.length >= 9 ? bytes[7]! | (bytes[8]! << 8) : 0x0100;
  return {
    bLength,
    bmAttributes,
    wDetachTimeOut,
    wTransferSize,
    bcdDFUVersion,
    canDownload: (bmAttributes & 0x01) !== 0,
    canUpload: (bmAttributes & 0x02) !== 0,
    manifestationTolerant: (bmAttributes & 0x04) !== 0,
    willDetach: (bmAttributes & 0x08) !== 0,
  };
}

/**
 * Find the first DFU functional descriptor in a run of descriptors (an
 * interface's or configuration's "extra" bytes, or a whole configuration).
 */
export function findFunctionalDescriptor(bytes: Uint8Array): FunctionalDescriptor | undefined {
  let i = 0;
  while (i + 2 <= bytes.length) {
    const len = bytes[i]!;
    if (len < 2) return undefined;
    if (bytes[i + 1] === DFU_FUNCTIONAL_DESCRIPTOR_TYPE) return parseFunctionalDescriptor(bytes.subarray(i, i + len));
    i += len;
  }
  return undefined;
}
