/**
 * @internal Random straight-line programs for the vmap tests (here and in backend-js): `randomProgram(seed)`
 * returns a function of two `[2, 3]` float64 tensors built from a seeded sequence of ops that cover every
 * family of batching rule (elementwise, reductions, shapes, indexing, matmul, cumsum, select).
 */
import type { Tensor } from "../core/tensor.js";
import { tensor } from "../core/tensor.js";
import { concatenate } from "../primitives/concatenate.js";
import { cumsum } from "../primitives/cumsum.js";
import { take } from "../primitives/gather.js";
import { gt } from "../primitives/gt.js";
import { matmul } from "../primitives/matmul.js";
import { maximum } from "../primitives/maximum.js";
import { reshape } from "../primitives/reshape.js";
import { where } from "../primitives/select.js";
import { slice } from "../primitives/slice.js";
import { transpose } from "../primitives/transpose.js";

type Op = (a: Tensor, b: Tensor) => Tensor;

const OPS: Op[] = [
  (a) => a.sin(),
  (a) => a.tanh().mul(1.5),
  (a) => a.tanh().exp(),
  (a) => a.square().add(1).log(),
  (a, b) => a.add(b),
  (a, b) => a.mul(b).mul(0.5),
  (a, b) => a.sub(b.mul(0.3)),
  (a, b) => maximum(a, b),
  (a, b) => where(gt(a, b), a, b.mul(0.5)),
  (a, b) => a.sum(1, true).mul(0.2).add(b),
  (a, b) => a.sum(0, true).mul(0.3).sub(b),
  (a, b) => matmul(matmul(a, transpose(b)), a).mul(0.1),
  (a) => cumsum(a, 1).mul(0.4),
  (a, b) => concatenate([slice(a, [0, 1], [2, 3]), slice(b, [0, 0], [2, 1])], 1),
  (a) => take(a, tensor([2, 0, 1], { dtype: "int32" }), 1),
  (a) => reshape(transpose(a), [2, 3]),
  (a, b) => a.div(b.square().add(1)),
];

function rng(seed: number): () => number {
  let s = seed * 2654435761 + 1;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A seeded random program `(x, y) → { value: scalar, out: [2, 3] }` of `length` ops. */
export function randomProgram(
  seed: number,
  length = 8,
): (x: Tensor, y: Tensor) => { value: Tensor; out: Tensor } {
  const u = rng(seed);
  const plan = Array.from({ length }, () => ({
    op: Math.floor(u() * OPS.length),
    a: Math.floor(u() * 1000),
    b: Math.floor(u() * 1000),
  }));
  return (x, y) => {
    const vals = [x, y];
    for (const s of plan) {
      const op = OPS[s.op] as Op;
      vals.push(op(vals[s.a % vals.length] as Tensor, vals[s.b % vals.length] as Tensor));
    }
    const out = vals[vals.length - 1] as Tensor;
    return { value: out.mul(vals[vals.length - 2] as Tensor).sum(), out };
  };
}
