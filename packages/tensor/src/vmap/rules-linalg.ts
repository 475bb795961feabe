/**
 * Batching rules of `matmul`, `cholesky` and `triangularSolve`: the batch axis becomes one more leading batch
 * axis (these primitives are already batched over leading axes). A batched matrix times an unbatched one is
 * one matmul of the stacked rows.
 */
import type { Tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { choleskyP } from "../primitives/cholesky.js";
import { matmulP } from "../primitives/matmul.js";
import { triangularSolveP } from "../primitives/triangular-solve.js";
import { batchAt, moveAxis, reshapeTo } from "./axes.js";
import { type BatchingRule, registerBatchingRule } from "./rules.js";

const matmulRule: BatchingRule<"matmul"> = (_prim, [a, b], [da, db], _p, size) => {
  const av = a as Tensor;
  const bv = b as Tensor;
  if (db === null && da !== null && bv.shape.length === 2) {
    const a0 = moveAxis(av, da, 0);
    const [m, k] = a0.shape.slice(1) as [number, number];
    const prod = bind(matmulP, [reshapeTo(a0, [size * m, k]), bv], {});
    return [reshapeTo(prod, [size, m, bv.shape[1] as number]), 0];
  }
  return [bind(matmulP, [batchAt(av, da, 0, size), batchAt(bv, db, 0, size)], {}), 0];
};

const choleskyRule: BatchingRule<"cholesky"> = (_prim, [a], [d]) => [
  bind(choleskyP, [moveAxis(a as Tensor, d as number, 0)], {}),
  0,
];

const triangularSolveRule: BatchingRule<"triangularSolve"> = (_prim, [a, b], [da, db], p, size) => [
  bind(triangularSolveP, [batchAt(a as Tensor, da, 0, size), batchAt(b as Tensor, db, 0, size)], p),
  0,
];

/** Registers the linear-algebra rules (called once by `./register.js`). */
export function registerLinalgRules(): void {
  registerBatchingRule("matmul", matmulRule);
  registerBatchingRule("cholesky", choleskyRule);
  registerBatchingRule("triangularSolve", triangularSolveRule);
}
