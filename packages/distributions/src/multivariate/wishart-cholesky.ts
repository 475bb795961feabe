import { type Constraint, lowerCholesky } from "../constraints/constraint.js";
import {
  add,
  asTensor,
  diagonal,
  type Key,
  log,
  matmul,
  matT,
  mul,
  sum,
  type Tensor,
  type TensorLike,
  asTensor as t,
} from "../internal/ops.js";
import { bartlett } from "../internal/wishart-helpers.js";
import { Wishart } from "./wishart.js";

/**
 * The Cholesky factor of a Wishart matrix: log p(L) = Wishart.logProb(LLᵀ) + n log 2 + Σ (n−i) log Lᵢᵢ.
 * @example
 * new WishartCholesky(3, { scaleMatrix: [[1, 0], [0, 1]] }).eventShape; // → [2, 2]
 */
export class WishartCholesky extends Wishart {
  static override readonly support: Constraint = lowerCholesky;
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const A = bartlett(key, this.concentration, [...sampleShape, ...this.batchShape], this.n);
    return matmul(this.scaleTril, A);
  }
  override logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const Lx = asTensor(value);
    const n = this.n;
    const X = matmul(Lx, matT(Lx));
    const order = t(Array.from({ length: n }, (_, i) => n - i));
    const jac = add(n * Math.LN2, sum(mul(order, log(diagonal(Lx))), -1));
    return add(this.logProbFromChol(X, Lx), jac);
  }
  override get mean(): Tensor {
    throw this.notImplemented("mean");
  }
  override get variance(): Tensor {
    throw this.notImplemented("variance");
  }
}
