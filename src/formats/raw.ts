/** Raw binary images: the bytes, at an address the user gives (or the device decides). */
import type { FirmwareImage } from './image.js';

export function rawImage(bytes: Uint8Array, address = 0): FirmwareImage {
  return { format: 'bin', segments: [{ address, data: bytes }], addressed: false };
}

/** Move a raw image to `address` (an addressed image is returned unchanged). */
export function placeImage(image: FirmwareImage, address: number): FirmwareImage {
  if (image.addressed) return image;
  return { ...image, segments: image.segments.map((s, i) => ({ address: i === 0 ? address : s.address, data: s.data })) };
}
