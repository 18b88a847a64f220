/** Fitting a parsed image to the chosen device: suffix IDs, DfuSe targets, plain-DFU flattening. */
import { DfuFlashError, hex16, hex32 } from '../shared/errors.js';
import type { FirmwareImage } from '../formats/image.js';
import type { DfuDeviceInfo } from '../transport/types.js';

/** A DFU suffix names the device the file is for (0xFFFF = any); refuse a file for another device. */
export function checkSuffixIds(image: FirmwareImage, device: DfuDeviceInfo, file: string): void {
  const s = image.suffix;
  if (s === undefined) return;
  const vidOk = s.idVendor === 0xffff || s.idVendor === device.vendorId;
  const pidOk = s.idProduct === 0xffff || s.idProduct === device.productId;
  if (vidOk && pidOk) return;
  throw new DfuFlashError(
    'IMAGE_MISMATCH',
    `${file} is for device ${hex16(s.idVendor)}:${hex16(s.idProduct)} (its DFU suffix says so), but the device is ${hex16(device.vendorId)}:${hex16(device.productId)}`,
    {
      hint: 'check that this is the right firmware for this board; if it is, flash it anyway, ignoring the suffix (or remove the suffix)',
      details: { suffixVendorId: s.idVendor, suffixProductId: s.idProduct, reason: 'suffix-mismatch' },
    },
  );
}

/**
 * Plain DFU has no addresses: the bytes go from the device's own start. An
 * addressed image (hex, srec, elf) is flattened from its lowest address (gaps
 * filled with 0xFF) and must start where the device writes, when we know that.
 */
export function flattenForDfu(image: FirmwareImage, deviceStart: number | undefined, file: string): Uint8Array {
  const segs = image.segments;
  if (!image.addressed) return segs[0]!.data;
  const lo = segs[0]!.address;
  const last = segs[segs.length - 1]!;
  const hi = last.address + last.data.length;
  if (deviceStart !== undefined && lo !== deviceStart) {
    throw new DfuFlashError('DOES_NOT_FIT', `${file} starts at ${hex32(lo)}, but this device writes its firmware from ${hex32(deviceStart)}`, {
      hint: `rebuild the firmware for ${hex32(deviceStart)} (the linker script's flash origin), or check that the file is for this bootloader`,
    });
  }
  if (segs.length === 1) return segs[0]!.data;
  const out = new Uint8Array(hi - lo).fill(0xff);
  for (const s of segs) out.set(s.data, s.address - lo);
  return out;
}
