/**
 * Batching rule of `randomBits` with a batched key: slice b must equal `randomBits(key_b, shape)`. Concrete keys
 * take the scalar threefry kernel row by row; traced keys (under jit, or keys derived from a traced value) run
 * the threefry-2x32 written in tensor primitives (`../random/threefry-traced.js`) under a nested batch trace,
 * which is bit-identical to the kernel. Either way a vmapped sampler draws exactly what a loop over the keys
 * would draw.
 */
import { sizeOf } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { fromArray } from "../core/tensor.js";
import { cast } from "../primitives/cast.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { randomBitsInto } from "../random/threefry.js";
import { rotlXor, threefryBlocks } from "../random/threefry-traced.js";
import { moveAxis, range } from "./axes.js";
import { endBatch, startBatch } from "./batch-trace.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

/** True when `t` has a value (no staging or batch tracer under its autodiff tracers). */
function concrete(t: Tensor): boolean {
  let x = t;
  while (x._primal !== null) x = x._primal;
  return x._trace === null;
}

/** `randomBits(k, shape)` for a possibly traced key, written with primitives (bit-identical to the kernel). */
function bitsTraced(k: Tensor, shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  const f = cast(threefryBlocks(k, range(0, n)), "float64");
  const x0 = reshape(slice(f, [0, 0], [n, 1]), [n]);
  const x1 = reshape(slice(f, [0, 1], [n, 2]), [n]);
  return reshape(cast(rotlXor(x0, 0, x1), "uint32"), shape);
}

const randomBitsRule: BatchingRule<"randomBits"> = (_prim, [key], [d], p, size) => {
  const k0 = moveAxis(key as Tensor, d as number, 0);
  const n = sizeOf(p.shape);
  if (n === 0 || concrete(k0)) {
    const words = n === 0 ? new Uint32Array(0) : (k0._concrete("randomBits").dataSync() as Uint32Array);
    const out = new Uint32Array(size * n);
    for (let b = 0; b < size; b++)
      randomBitsInto(words[2 * b] as number, words[2 * b + 1] as number, out.subarray(b * n, (b + 1) * n));
    return [fromArray(out, [size, ...p.shape], "uint32"), 0];
  }
  const t = startBatch(size);
  let res: [Tensor, number | null];
  try {
    res = t.unwrap(bitsTraced(t.wrap(k0, 0), p.shape));
  } finally {
    endBatch(t);
  }
  return res;
};

/** Registers the random-bits rule (called once by `./register.js`). */
export function registerRandomRules(): void {
  registerBatchingRule("randomBits", randomBitsRule);
}
