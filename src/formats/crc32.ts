/**
 * CRC-32 as zlib computes it (reflected, polynomial 0xEDB88320, initial and
 * final XOR 0xFFFFFFFF), and the DFU suffix dwCRC derived from it. Pure
 * JavaScript, so the parsers run wherever the library does (Node, browsers):
 * a firmware file of a few MiB takes milliseconds.
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  table = t;
  return t;
}

/** Standard CRC-32 (`crc32('123456789') === 0xcbf43926`); `previous` continues an earlier result (as zlib.crc32 does). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The DFU suffix dwCRC of `covered`, the bytes it protects: everything in the
 * file except the last 4 bytes (the dwCRC field itself). It is the CRC-32
 * without its final XOR: `~crc32(covered)`.
 */
export function dfuCrc(covered: Uint8Array): number {
  return ~crc32(covered) >>> 0;
}
