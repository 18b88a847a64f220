/** Deterministic firmware images for the bench (pure): the same bytes in every run. */

/** `length` pseudo-random bytes (xorshift32 from `seed`), like compiled code: no long runs of 0xFF. */
export function firmware(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 0x9e3779b1) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A copy of `image` with the bytes of [offset, offset + length) changed (each byte inverted). */
export function changeRange(image: Uint8Array, offset: number, length: number): Uint8Array {
  const out = image.slice();
  for (let i = offset; i < offset + length && i < out.length; i++) out[i] = out[i]! ^ 0xff;
  return out;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
