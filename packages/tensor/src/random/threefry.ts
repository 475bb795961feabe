/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"), the
 * counter-based generator JAX uses; bit-for-bit equal to `jax.random`'s threefry2x32 implementation.
 */

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];

/**
 * Encrypts the counter (x0, x1) under the key (k0, k1); writes the two output words to `out[o]`, `out[o + 1]`.
 * All values are uint32.
 */
export function threefry2x32(
  k0: number,
  k1: number,
  x0: number,
  x1: number,
  out: Uint32Array,
  o: number,
): void {
  const k2 = (k0 ^ k1 ^ 0x1bd11bda) >>> 0;
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  x0 = (x0 + ks0) >>> 0;
  x1 = (x1 + ks1) >>> 0;
  for (let g = 1; g <= 5; g++) {
    const r = (g & 1) === 1 ? 0 : 4;
    for (let j = 0; j < 4; j++) {
      const rot = ROT[r + j];
      x0 = (x0 + x1) >>> 0;
      x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
      x1 = (x1 ^ x0) >>> 0;
    }
    const a = g % 3;
    const b = (g + 1) % 3;
    x0 = (x0 + (a === 0 ? ks0 : a === 1 ? ks1 : k2)) >>> 0;
    x1 = (x1 + (b === 0 ? ks0 : b === 1 ? ks1 : k2) + g) >>> 0;
  }
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
