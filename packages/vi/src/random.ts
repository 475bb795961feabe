/**
 * Counter-based randomness for the SVI loop, on `@phlox/tensor`'s scalar threefry-2x32 stream. A key is a uint32
 * pair; a step's noise is a pure function of its key, so a run is reproducible from its seed and restartable
 * from its state.
 *
 * The SVI hot loop draws ε ~ N(0, I) straight into a preallocated Float64Array from the key, which costs a
 * few tens of nanoseconds per number and allocates nothing.
 */
import { type KeyLike, threefry2x32, toKeyPair as toPair } from "@phlox/tensor";

export type { KeyLike };

const pair = new Uint32Array(2);

/**
 * Normalises a {@link KeyLike} into a fresh, mutable `Uint32Array(2)`; a seed `s` becomes `[0, s]` (JAX's
 * `PRNGKey(s)` for 32-bit seeds).
 * @param key - a seed, a `[hi, lo]` pair or a key tensor.
 * @param who - the caller named in error messages.
 * @throws ConstraintError (a PhloxError) for a seed that is not an integer in [0, 2³²) or a key that is not two words.
 * @example
 * toKeyPair(3); // → Uint32Array [0, 3]
 */
export function toKeyPair(key: KeyLike, who = "key"): Uint32Array {
  return Uint32Array.from(toPair(key, who));
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
