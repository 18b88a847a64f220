/**
 * Bytes as text, one character per byte (ISO-8859-1: byte 0x80 is U+0080).
 * TextDecoder('latin1') is not used: the Encoding Standard maps that label to
 * windows-1252 (0x80 becomes '€'), which browsers do and Node 20 does not, so
 * S0 headers and DfuSe target names would read differently on the web page and
 * could not be written back.
 */
const CHUNK = 0x2000; // arguments per String.fromCharCode call, well below engine limits

export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let at = 0; at < bytes.length; at += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(at, at + CHUNK) as unknown as number[]);
  }
  return out;
}
