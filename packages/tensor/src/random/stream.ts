/**
 * Scalar threefry streams for code that lives outside the tensor world (samplers, SVI loops): keys as plain
 * uint32 pairs, JAX-compatible splitting, and a counter-based stream of uniforms and normals whose whole state
 * is its key and a counter, so it serialises into a few numbers and the same key always gives the same draws.
 */
import { ConstraintError, ShapeError } from "../core/errors.js";
import { threefry2x32 } from "./threefry.js";

export { threefry2x32 };

/** A PRNG key as a plain uint32 pair `[hi, lo]` (JAX's raw key layout, `jax.random.key_data`). */
export type KeyPair = readonly [number, number];

/**
 * Anything that names a key: an integer seed, a `[hi, lo]` uint32 pair, or a `@phlox/tensor` key (any object
 * whose `dataSync()` gives two uint32 words, e.g. `key(seed)`).
 */
export type KeyLike = number | ArrayLike<number> | { dataSync(): ArrayLike<number> | ArrayLike<bigint> };

/**
 * Normalises a seed or key into a uint32 pair: a number `s` becomes `[0, s]` (JAX's `PRNGKey(s)` for 32-bit
 * seeds); an array-like of two uint32 is taken as is; a tensor key is read with `dataSync()`.
 * @param key - a seed in [0, 2³²), a `[hi, lo]` pair, or a key tensor of shape [2].
 * @param who - the caller named in error messages (default `"key"`).
 * @returns a fresh `[hi, lo]` array.
 * @throws ConstraintError (a PhloxError) for a seed outside [0, 2³²) or a key that is not two words.
 * @example
 * toKeyPair(7); // → [0, 7]
 */
export function toKeyPair(key: KeyLike, who = "key"): [number, number] {
  if (typeof key === "number") {
    if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
      throw new ConstraintError(
        "bad-seed",
        `${who}: a numeric seed must be an integer in [0, 2^32), got ${key}.`,
      );
    }
    return [0, key >>> 0];
  }
  const words =
    typeof (key as { dataSync?: unknown }).dataSync === "function"
      ? (key as { dataSync(): ArrayLike<number> | ArrayLike<bigint> }).dataSync()
      : (key as ArrayLike<number>);
  if (words.length !== 2) {
    throw new ShapeError(
      "bad-key",
      `${who}: a key must be a uint32 pair [hi, lo] (two uint32 words, or a key tensor of shape [2]), got length ${words.length}. Pass a seed or key(seed).`,
    );
  }
  return [Number(words[0]) >>> 0, Number(words[1]) >>> 0];
}

const scratch = new Uint32Array(2);

/**
 * Derives `n` child keys: child i is threefry2x32(key, (0, i)), which is `jax.random.split` in JAX's default
 * (partitionable) mode and equals `split(key, n)` on tensors.
 * @param key - the parent `[hi, lo]`.
 * @param n - how many children (a non-negative integer).
 * @returns `n` fresh `[hi, lo]` pairs.
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
 * A counter-based stream of uniforms and normals (one per MCMC chain, say). Draw c is threefry of counter c
 * under the stream's key; no allocation per draw; the state is `{ key, counter, spare }`, so a stream can be
 * saved and resumed bit for bit.
 * @example
 * const r = new ChainRandom([0, 7]);
 * const z = r.normal(); // a standard normal
 * const u = r.uniform(); // in [0, 1)
 */
export class ChainRandom {
  /** Key word 0, as an int32 (the same bits as the uint32 word; int32 stays unboxed in V8). */
  k0: number;
  /** Key word 1, as an int32. */
  k1: number;
  /** Index of the next threefry block. */
  counter: number;
  /** Second Box–Muller normal kept for the next call (NaN when none). */
  spare: number;
  private readonly buf = new Uint32Array(2);

  /**
   * @param key - the stream's key.
   * @param counter - the first block to use (default 0).
   * @param spare - a pending second normal (default none).
   */
  constructor(key: KeyPair, counter = 0, spare: number | null = null) {
    this.k0 = key[0] | 0;
    this.k1 = key[1] | 0;
    this.counter = counter;
    this.spare = spare ?? Number.NaN;
  }

  /** Uniform in [0, 1) with 53 random bits (one threefry block). */
  uniform(): number {
    const c = this.counter++;
    // Counter words as int32 too (threefry only uses their bits), so no argument needs a heap number.
    threefry2x32(this.k0, this.k1, Math.floor(c / 4294967296) | 0, c | 0, this.buf);
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

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Snapshot for JSON. */
  getState(): ChainRandomState {
    return {
      key: [this.k0 >>> 0, this.k1 >>> 0],
      counter: this.counter,
      spare: Number.isNaN(this.spare) ? null : this.spare,
    };
  }

  /** Restore a snapshot taken by {@link ChainRandom.getState}. */
  setState(s: ChainRandomState): void {
    this.k0 = s.key[0] | 0;
    this.k1 = s.key[1] | 0;
    this.counter = s.counter;
    this.spare = s.spare ?? Number.NaN;
  }
}
