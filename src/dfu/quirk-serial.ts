/**
 * Serial numbers sent as raw UTF-8 in a string descriptor (GD32VF103: fwupd,
 * dfu-util QUIRK_UTF8_SERIAL). A host decodes the descriptor as UTF-16LE, so
 * "3CBJ" (bytes 33 43 42 4A) arrives as the two code units 0x4333 0x4A42.
 */

/**
 * Undo that: turn the code units back into the descriptor's bytes and decode
 * them as UTF-8. A serial whose code units all fit in one byte was decoded
 * right already and is returned unchanged, so applying this twice is harmless.
 */
export function fixUtf8Serial(serial: string): string {
  const units = Array.from({ length: serial.length }, (_, i) => serial.charCodeAt(i));
  if (units.every((u) => u <= 0xff)) return serial;
  const bytes: number[] = [];
  for (const u of units) bytes.push(u & 0xff, u >>> 8);
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}
