/**
 * Counter-based randomness for the SVI loop: threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel
 * random numbers: as easy as 1, 2, 3"; the variant JAX uses). A key is a uint32 pair; a step's noise is a
 * pure function of its key, so a run is reproducible from its seed and restartable from its state.
 *
 * The SVI hot loop draws ε ~ N(0, I) straight into a preallocated Float64Array from the key, which costs a
 * few tens of nanoseconds per number and allocates nothing.
 */

const pair = new Uint32Array(2);

/**
 * threefry-2x32: encrypts the counter (x0, x1) under the key (k0, k1) into `out[0]`, `out[1]`. Unrolled,
 * in int32 arithmetic (additions wrap with `| 0`), which V8 keeps in registers.
 */
export function threefry2x32(k0: number, k1: number, x0: number, x1: number, out: Uint32Array): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = ks0 ^ ks1 ^ 0x1bd11bda;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0;
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
  x1 = (x1 + ks2 + 4) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 5) | 0;
  out[0] = x0;
  out[1] = x1;
}

/**
 * What SVI accepts as a PRNG key: an integer seed, a `[hi, lo]` uint32 pair, or a `@phlox/tensor` key (any
 * object with `dataSync()` giving two uint32 words).
 */
export type KeyLike = number | ArrayLike<number> | { dataSync(): ArrayLike<number> | ArrayLike<bigint> };

/**
 * Normalises a {@link KeyLike} into a fresh `Uint32Array(2)`; a seed `s` becomes `[0, s]` (JAX's
 * `PRNGKey(s)` for 32-bit seeds).
 * @throws RangeError for a seed that is not an integer in [0, 2³²) or a key that is not two words.
 */
export function toKeyPair(key: KeyLike, who = "key"): Uint32Array {
  if (typeof key === "number") {
    if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
      throw new RangeError(`${who}: a numeric seed must be an integer in [0, 2^32), got ${key}.`);
    }
    return Uint32Array.of(0, key >>> 0);
  }
  const words =
    typeof (key as { dataSync?: unknown }).dataSync === "function"
      ? (key as { dataSync(): ArrayLike<number> }).dataSync()
      : (key as ArrayLike<number>);
  if (words.length !== 2) {
    throw new RangeError(
      `${who}: a key must hold two uint32 words, got ${words.length}. Pass a seed or key(seed).`,
    );
  }
  return Uint32Array.of(Number(words[0]) >>> 0, Number(words[1]) >>> 0);
}

/**
 * Splits `key` in place into (next, sub): `key` becomes the next key and the sub key is written to `sub`.
 * (JAX's `key, sub = split(key)` as two threefry blocks.)
 */
export function splitInPlace(key: Uint32Array, sub: Uint32Array): void {
  const k0 = key[0];
  const k1 = key[1];
  threefry2x32(k0, k1, 0, 1, sub);
  threefry2x32(k0, k1, 0, 0, key);
}

/** A child key of `key` for stream `i` (JAX's `fold_in`), written into `out`. */
export function foldIn(key: Uint32Array, i: number, out: Uint32Array): void {
  threefry2x32(key[0], key[1], 0x9e3779b9, i >>> 0, out);
}

const INV_2_31 = 1 / 2147483648;

/**
 * Fills `out` with independent N(0, 1) draws determined by the key (k0, k1): Marsaglia's polar method on
 * pairs of uniforms in (−1, 1) made from the two 32-bit threefry words of counters 0, 1, 2, … (a rejected
 * pair moves on to the next counter, so the draws stay a pure function of the key).
 */
export function fillNormal(k0: number, k1: number, out: Float64Array): void {
  const n = out.length;
  let c = 0;
  for (let i = 0; i < n; i += 2) {
    let v1 = 0;
    let v2 = 0;
    let r = 0;
    do {
      threefry2x32(k0, k1, 0, c++, pair);
      v1 = ((pair[0] | 0) + 0.5) * INV_2_31;
      v2 = ((pair[1] | 0) + 0.5) * INV_2_31;
      r = v1 * v1 + v2 * v2;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    out[i] = v1 * f;
    if (i + 1 < n) out[i + 1] = v2 * f;
  }
}
