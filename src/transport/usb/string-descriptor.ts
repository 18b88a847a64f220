/**
 * USB string descriptors (USB 2.0 §9.6.7): GET_DESCRIPTOR(STRING, index) with
 * a LANGID. Decoding tolerates what real bootloaders send: a bLength larger
 * than what arrived (seen on the STM32F427 ROM bootloader, per dfu-util), or
 * an odd length.
 */
import type { DfuTransport, SetupPacket } from '../types.js';

export const USB_DT_STRING = 0x03;
export const LANGID_EN_US = 0x0409;
/** libusb and dfu-util ask for up to 255 bytes. */
const STRING_REQUEST_LENGTH = 255;

export function stringDescriptorSetup(index: number, langId: number): SetupPacket {
  return { bmRequestType: 0x80, bRequest: 0x06, wValue: (USB_DT_STRING << 8) | (index & 0xff), wIndex: langId, wLength: STRING_REQUEST_LENGTH };
}

/** UTF-16LE text of a string descriptor; undefined when the bytes are not one. */
export function decodeStringDescriptor(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes[1] !== USB_DT_STRING) return undefined;
  const end = Math.min(bytes[0]!, bytes.length);
  const chars = Math.max(0, Math.floor((end - 2) / 2));
  let s = '';
  for (let i = 0; i < chars; i++) s += String.fromCharCode(bytes[2 + 2 * i]! | (bytes[3 + 2 * i]! << 8));
  return s;
}

/** The first LANGID of string descriptor 0, or en-US when the table is empty or unreadable. */
export function decodeLangIds(bytes: Uint8Array): number[] {
  if (bytes.length < 4 || bytes[1] !== USB_DT_STRING) return [];
  const end = Math.min(bytes[0]!, bytes.length);
  const ids: number[] = [];
  for (let i = 2; i + 1 < end; i += 2) ids.push(bytes[i]! | (bytes[i + 1]! << 8));
  return ids;
}

/** Read string `index` (0 = none → undefined). Errors are the transport's (STALL, TIMEOUT...). */
export async function readString(transport: DfuTransport, index: number, langId: number, timeoutMs: number): Promise<string | undefined> {
  if (index === 0) return undefined;
  const bytes = await transport.controlIn(stringDescriptorSetup(index, langId), { timeoutMs });
  return decodeStringDescriptor(bytes);
}

/** The device's first LANGID (falls back to en-US if descriptor 0 is missing or empty). */
export async function readLangId(transport: DfuTransport, timeoutMs: number): Promise<number> {
  const bytes = await transport.controlIn(stringDescriptorSetup(0, 0), { timeoutMs });
  return decodeLangIds(bytes)[0] ?? LANGID_EN_US;
}
