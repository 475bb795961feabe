import { type Constraint, lowerCholesky, positive, positiveDefinite } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagonal,
  type Key,
  log,
  matmul,
  matT,
  mul,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  triangularSolve,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { bartlett, mvlgamma, scaleTrilOf, type WishartScale } from "../internal/wishart-helpers.js";

/**
 * Wishart(concentration ν, scale S) over n×n SPD matrices:
 * log p(X) = (ν−n−1)/2 log det X − tr(S⁻¹X)/2 − (νn/2) log 2 − (ν/2) log det S − log Γₙ(ν/2).
 * @example
 * new Wishart(3, { scaleMatrix: [[1, 0], [0, 1]] }).mean.toArray(); // → [[3, 0], [0, 3]]
 */
export class Wishart extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    scaleTril: lowerCholesky,
  };
  static override readonly support: Constraint = positiveDefinite;
  static override readonly hasRsample = true;
  readonly concentration: Tensor;
  readonly scaleTril: Tensor;
  constructor(concentration: TensorLike, scale: WishartScale, options?: DistributionOptions) {
    const c = toFloat(asTensor(concentration));
    const L = scaleTrilOf(scale);
    const n = L.shape[L.shape.length - 1]!;
    const batch = broadcastShapes("Wishart", c.shape, L.shape.slice(0, -2));
    super(batch, [n, n], options, { concentration: c, scaleTril: L });
    this.concentration = broadcastTo(c, batch);
    this.scaleTril = broadcastTo(L, [...batch, n, n]);
  }
  protected get n(): number {
    return this.eventShape[0]!;
  }
  /** S = LLᵀ. */
  get scaleMatrix(): Tensor {
    return matmul(this.scaleTril, matT(this.scaleTril));
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const A = bartlett(key, this.concentration, [...sampleShape, ...this.batchShape], this.n);
    const LA = matmul(this.scaleTril, A);
    return matmul(LA, matT(LA));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const X = asTensor(value);
    return this.logProbFromChol(X, cholesky(X));
  }
  protected logProbFromChol(X: Tensor, Lx: Tensor): Tensor {
    const n = this.n;
    const nu = this.concentration;
    const shape = broadcastShapes("Wishart.logProb", X.shape, this.scaleTril.shape);
    const L = broadcastTo(this.scaleTril, shape);
    // tr(S⁻¹X) = ‖L⁻¹ Lx‖²_F
    const M = triangularSolve(L, broadcastTo(Lx, shape), { lower: true });
    const tr = sum(square(M), [-2, -1]);
    const logDetX = mul(2, sum(log(diagonal(Lx)), -1));
    const logDetS = mul(2, sum(log(diagonal(this.scaleTril)), -1));
    return sub(
      sub(
        sub(sub(mul(mul(sub(nu, n + 1), 0.5), logDetX), mul(0.5, tr)), mul(nu, 0.5 * n * Math.LN2)),
        mul(mul(0.5, nu), logDetS),
      ),
      mvlgamma(mul(0.5, nu), n),
    );
  }
  override get mean(): Tensor {
    return mul(reshape(this.concentration, [...this.batchShape, 1, 1]), this.scaleMatrix);
  }
  override get variance(): Tensor {
    const S = this.scaleMatrix;
    const d = diagonal(S);
    const outer = mul(
      reshape(d, [...d.shape, 1]),
      reshape(d, [...d.shape.slice(0, -1), 1, d.shape[d.shape.length - 1]!]),
    );
    return mul(reshape(this.concentration, [...this.batchShape, 1, 1]), add(square(S), outer));
  }
}
