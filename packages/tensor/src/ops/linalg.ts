import type { Tensor, TensorLike } from "../core/tensor.js";
import { toFloat } from "../internal/elementwise.js";
import { cholesky } from "../primitives/cholesky.js";
import { log } from "../primitives/log.js";
import { mul } from "../primitives/mul.js";
import { sum } from "../primitives/reduce-sum.js";
import { triangularSolve } from "../primitives/triangular-solve.js";
import { diagonal } from "./shape-ops.js";

/**
 * log det(A) of symmetric positive-definite matrices via Cholesky: 2 Σ log Lᵢᵢ. Batched: `[..., n, n] → [...]`.
 * Not positive definite gives NaN.
 * @example
 * logdet([[4, 0], [0, 1]]).item(); // → 1.3862943611198906
 */
export function logdet(a: TensorLike): Tensor {
  return mul(sum(log(diagonal(cholesky(toFloat(a)))), -1), 2);
}

/**
 * Solves A x = b given the lower Cholesky factor L of A (A = L Lᵀ): x = L⁻ᵀ (L⁻¹ b).
 * @param L - lower factors `[..., n, n]`.
 * @param b - right-hand sides `[..., n, m]`.
 * @example
 * choSolve([[2, 0], [0, 1]], [[4], [1]]).toArray(); // → [[1], [1]]
 */
export function choSolve(L: TensorLike, b: TensorLike): Tensor {
  const y = triangularSolve(L, b, { lower: true });
  return triangularSolve(L, y, { lower: true, transposeA: true });
}

/**
 * Solves A x = b for symmetric positive-definite A (Cholesky, then two triangular solves).
 * @example
 * solvePD([[4, 0], [0, 1]], [[4], [1]]).toArray(); // → [[1], [1]]
 */
export function solvePD(a: TensorLike, b: TensorLike): Tensor {
  return choSolve(cholesky(a), b);
}
