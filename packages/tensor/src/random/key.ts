import { ConstraintError, DtypeError, ShapeError } from "../core/errors.js";
import { fmt } from "../core/shape.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { threefry2x32 } from "./threefry.js";
import { threefryBlocks } from "./threefry-traced.js";

/** A PRNG key: a uint32 tensor of shape [2] (threefry-2x32), as `jax.random.key_data` gives. */
export type Key = Tensor;

/**
 * A PRNG key from an integer seed (0 ≤ seed < 2⁵³); equals `jax.random.key_data(jax.random.key(seed))` for the
 * threefry2x32 implementation.
 * @throws ConstraintError for a negative, fractional or too large seed.
 * @example
 * key(0).toArray(); // → [0, 0]
 */
export function key(seed: number): Key {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= Number.MAX_SAFE_INTEGER))
    throw new ConstraintError("bad-seed", `key(${seed}): the seed must be an integer in [0, 2^53).`);
  return tensor(new Uint32Array([Math.floor(seed / 4294967296), seed >>> 0]));
}

/** @internal Reads a concrete key's two words, validating shape and dtype. */
export function keyWords(k: Key, op: string): [number, number] {
  checkKey(k, op);
  const d = k._concrete(op).dataSync();
  return [d[0], d[1]];
}

/** True when `k` has no value here (it is traced by jit/makeProgram); autodiff tracers count as concrete. */
function isStaged(k: Key): boolean {
  let t: Tensor = k;
  while (t._primal !== null) t = t._primal;
  return t._trace !== null;
}

/** Checks a possibly traced key's dtype and shape without reading it. */
function checkKey(k: Key, op: string): void {
  if (k.dtype !== "uint32")
    throw new DtypeError("bad-key", `${op}: key must be a uint32 tensor of shape [2], got ${k.dtype}.`);
  if (k.shape.length !== 1 || k.shape[0] !== 2)
    throw new ShapeError(
      "bad-key",
      `${op}: key must have shape [2], got ${fmt(k.shape)}. Index a split result first.`,
    );
}

/**
 * Splits a key into `n` independent keys (JAX's partitionable threefry split: key i is the threefry block of
 * counter (0, i)). A traced key (inside `jit`/`makeProgram`) is split with tensor ops, bit-identical to the
 * concrete path.
 * @example
 * const [k1, k2] = split(key(0));
 */
export function split(k: Key, n = 2): Key[] {
  if (!(Number.isInteger(n) && n >= 0))
    throw new ConstraintError("bad-count", `split: n must be a non-negative integer, got ${n}.`);
  if (isStaged(k)) {
    checkKey(k, "split");
    if (n === 0) return [];
    const b = threefryBlocks(
      k,
      Array.from({ length: n }, (_, i) => i),
    );
    return Array.from({ length: n }, (_, i) => reshape(slice(b, [i, 0], [i + 1, 2]), [2]));
  }
  const [k0, k1] = keyWords(k, "split");
  const out: Key[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Uint32Array(2);
    threefry2x32(k0, k1, 0, i, w, 0);
    out.push(tensor(w));
  }
  return out;
}

/**
 * Derives a new key from `k` and an integer (0 ≤ data < 2³²), as `jax.random.fold_in`. Works on a traced
 * key too (see {@link split}).
 * @example
 * foldIn(key(0), 7).shape; // → [2]
 */
export function foldIn(k: Key, data: number): Key {
  if (!(Number.isInteger(data) && data >= 0 && data < 4294967296))
    throw new ConstraintError("bad-fold-in", `foldIn: data must be an integer in [0, 2^32), got ${data}.`);
  if (isStaged(k)) {
    checkKey(k, "foldIn");
    return reshape(threefryBlocks(k, [data]), [2]);
  }
  const [k0, k1] = keyWords(k, "foldIn");
  const w = new Uint32Array(2);
  threefry2x32(k0, k1, 0, data, w, 0);
  return tensor(w);
}
