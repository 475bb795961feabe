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

const ROT0 = [13, 15, 26, 6];
const ROT1 = [17, 29, 16, 24];

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * threefry-2x32 block function: encrypts the counter (c0, c1) under key (k0, k1).
 * Writes the two output words into `out[0]`, `out[1]`.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const k2 = (k0 ^ k1 ^ 0x1bd11bda) >>> 0;
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  let x0 = (c0 + ks0) >>> 0;
  let x1 = (c1 + ks1) >>> 0;
  // 5 groups of 4 rounds, key injection after each group.
  for (let g = 0; g < 5; g++) {
    const rot = g % 2 === 0 ? ROT0 : ROT1;
    for (let j = 0; j < 4; j++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, rot[j]) ^ x0;
    }
    const s = g + 1;
    const a = s % 3;
    const b = (s + 1) % 3;
    x0 = (x0 + (a === 0 ? ks0 : a === 1 ? ks1 : k2)) >>> 0;
    x1 = (x1 + (b === 0 ? ks0 : b === 1 ? ks1 : k2) + s) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
}

const scratch = new Uint32Array(2);

/**
 * Normalises a seed or key into a uint32 pair: a number `s` becomes `[0, s]` (like JAX's `PRNGKey(s)` for
 * 32-bit seeds); an array-like of two uint32 is taken as is.
 */
export function toKeyPair(key: number | ArrayLike<number>): [number, number] {
  if (typeof key === "number") {
    if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
      throw new RangeError(`key: a numeric seed must be an integer in [0, 2^32), got ${key}.`);
    }
    return [0, key >>> 0];
  }
  if (key.length !== 2) {
    throw new RangeError(`key: expected a uint32 pair [hi, lo], got length ${key.length}.`);
  }
  return [key[0] >>> 0, key[1] >>> 0];
}

/** Derives `n` independent child keys from `key` (threefry of the counters 0..n-1). */
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
