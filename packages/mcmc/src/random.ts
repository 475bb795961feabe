/**
 * Counter-based randomness for the samplers: threefry-2x32 (Salmon et al. 2011, "Parallel random numbers:
 * as easy as 1, 2, 3"; the 20-round variant JAX uses) keyed by a chain's key. A stream's whole state is
 * its key and a counter, so it serialises into a few numbers and the same key always gives the same draws.
 *
 * Until `@phlox/tensor` exports `key()`/`split()`, keys are local `[hi, lo]` uint32 pairs and `splitKey`
 * derives children with this same threefry function; the integrator should swap in tensor's keys.
 */

/** A PRNG key: a uint32 pair (JAX's raw key layout). */
export type KeyPair = readonly [number, number];

/**
 * threefry-2x32 block function (20 rounds, unrolled): encrypts the counter (c0, c1) under key (k0, k1) and
 * writes the two output words into `out[0]`, `out[1]`. Int32 arithmetic wraps like uint32 addition.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
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
  out[0] = x0;
  out[1] = x1;
}

const scratch = new Uint32Array(2);

/** Anything that names a key: a uint32 seed, a `[hi, lo]` pair, or a `@phlox/tensor` key (uint32 tensor [2]). */
export type KeyLike = number | ArrayLike<number> | { dataSync(): ArrayLike<number> | ArrayLike<bigint> };

/**
 * Normalises a seed or key into a uint32 pair: a number `s` becomes `[0, s]` (JAX's `PRNGKey(s)` for 32-bit
 * seeds); an array-like of two uint32 is taken as is; a tensor key is read with `dataSync()`.
 * @throws RangeError for a seed outside [0, 2³²) or a key that is not two words.
 * @example
 * toKeyPair(7); // → [0, 7]
 */
export function toKeyPair(key: KeyLike): [number, number] {
  if (typeof key === "number") {
    if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
      throw new RangeError(`key: a numeric seed must be an integer in [0, 2^32), got ${key}.`);
    }
    return [0, key >>> 0];
  }
  const words =
    "dataSync" in key && typeof key.dataSync === "function" ? key.dataSync() : (key as ArrayLike<number>);
  if (words.length !== 2) {
    throw new RangeError(
      `key: expected a uint32 pair [hi, lo] (or a key tensor of shape [2]), got length ${words.length}.`,
    );
  }
  return [Number(words[0]) >>> 0, Number(words[1]) >>> 0];
}

/**
 * Derives `n` child keys: child i is threefry2x32(key, (0, i)), which is `jax.random.split` in JAX's default
 * (partitionable) mode; checked against JAX 0.10.2 in the tests.
 * @example
 * splitKey([0, 0], 1); // → [[1797259609, 2579123966]]
 */
export function splitKey(key: KeyPair, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    threefry2x32(key[0], key[1], 0, i, scratch);
    out.push([scratch[0], scratch[1]]);
  }
  return out;
}

/** The serialisable state of a {@link ChainRandom} stream. */
export interface ChainRandomState {
  key: [number, number];
  counter: number;
  spare: number | null;
}

const TWO_NEG_53 = 2 ** -53;

/**
 * A counter-based stream of uniforms and normals for one chain. No allocation per draw; the state is
 * `{ key, counter, spare }`, so a chain can be saved and resumed bit-for-bit.
 */
export class ChainRandom {
  k0: number;
  k1: number;
  counter: number;
  /** Second Box–Muller normal kept for the next call (NaN when none). */
  spare: number;
  private readonly buf = new Uint32Array(2);

  constructor(key: KeyPair, counter = 0, spare: number | null = null) {
    this.k0 = key[0] >>> 0;
    this.k1 = key[1] >>> 0;
    this.counter = counter;
    this.spare = spare ?? Number.NaN;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const c = this.counter++;
    threefry2x32(this.k0, this.k1, Math.floor(c / 4294967296) >>> 0, c >>> 0, this.buf);
    return ((this.buf[0] >>> 5) * 67108864 + (this.buf[1] >>> 6)) * TWO_NEG_53;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    const s = this.spare;
    if (!Number.isNaN(s)) {
      this.spare = Number.NaN;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const rad = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    this.spare = rad * Math.sin(th);
    return rad * Math.cos(th);
  }

  /** A fair coin. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Snapshot for JSON. */
  getState(): ChainRandomState {
    return {
      key: [this.k0, this.k1],
      counter: this.counter,
      spare: Number.isNaN(this.spare) ? null : this.spare,
    };
  }

  /** Restore a snapshot taken by {@link ChainRandom.getState}. */
  setState(s: ChainRandomState): void {
    this.k0 = s.key[0] >>> 0;
    this.k1 = s.key[1] >>> 0;
    this.counter = s.counter;
    this.spare = s.spare ?? Number.NaN;
  }
}
