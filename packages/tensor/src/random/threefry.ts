/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"), the
 * counter-based generator JAX uses; bit-for-bit equal to `jax.random`'s threefry2x32 implementation.
 */

/**
 * The threefry-2x32 block function (20 rounds, unrolled): encrypts the counter (c0, c1) under the key (k0, k1)
 * and writes the two output words to `out[o]`, `out[o + 1]`. Inputs are uint32 values; the arithmetic runs in
 * int32 (`| 0` wraps like uint32 addition), which V8 keeps in registers, and allocates nothing.
 * @param k0 - key word 0 (uint32).
 * @param k1 - key word 1 (uint32).
 * @param c0 - counter word 0 (uint32).
 * @param c1 - counter word 1 (uint32).
 * @param out - receives the two output words.
 * @param o - offset into `out` (default 0).
 * @example
 * const out = new Uint32Array(2);
 * threefry2x32(0, 0, 0, 0, out); // out → [0x6b200159, 0x99ba4efe] (the Random123 known answer)
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, o = 0): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const k2 = ks0 ^ ks1 ^ 0x1bd11bda;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + k2 + 1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + ks0 + 2) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1 + 3) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + k2 + 4) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + ks0 + 5) | 0;
  out[o] = x0;
  out[o + 1] = x1;
}

const pair = new Uint32Array(2);

/**
 * JAX's partitionable 32-bit random bits: element i is the xor of the two threefry words of counter
 * (hi(i), lo(i)) under key (k0, k1).
 */
export function randomBitsInto(k0: number, k1: number, out: Uint32Array): void {
  for (let i = 0; i < out.length; i++) {
    threefry2x32(k0, k1, Math.floor(i / 4294967296), i >>> 0, pair, 0);
    out[i] = (pair[0] ^ pair[1]) >>> 0;
  }
}
