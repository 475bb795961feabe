import { type Constraint, lowerCholesky, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  cholesky,
  diagEmbed,
  diagonal,
  div,
  eye,
  gammaSample,
  gt,
  type Key,
  log,
  matmul,
  matT,
  mul,
  normal,
  reshape,
  splitKey,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  triangularSolve,
  trilMask,
  where,
} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { mvlgamma, scaleTrilOf, type WishartScale } from "../internal/wishart-helpers.js";
import { trilInverse } from "./mvn.js";

/**
 * The lower Cholesky factor L of X = LLᵀ ~ InverseWishart(ν, Ψ) (NumPyro's InverseWishartCholesky), over
 * n×n lower-triangular matrices with positive diagonal:
 * log p(L) = (ν/2) log|Ψ| + n(1 − ν/2) log 2 − log Γₙ(ν/2) − Σᵢ (ν + 1 + i) log Lᵢᵢ − ‖L⁻¹ S‖²_F / 2,
 * with Ψ = SSᵀ and i = 0, …, n−1.
 * @param concentration - degrees of freedom ν (> n − 1), batch-shaped.
 * @param scale - one of `{ scaleMatrix: Ψ }`, `{ rateMatrix: Ψ⁻¹ }` or `{ scaleTril: S }`.
 * @example
 * new InverseWishartCholesky(5, { scaleMatrix: [[2, 0], [0, 2]] }).mean.toArray(); // → [[1, 0], [0, 1]]
 */
export class InverseWishartCholesky extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    scaleTril: lowerCholesky,
  };
  static override readonly support: Constraint = lowerCholesky;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["scaleMatrix", "rateMatrix", "scaleTril"];
  readonly concentration: Tensor;
  readonly scaleTril: Tensor;
  constructor(concentration: TensorLike, scale: WishartScale, options?: DistributionOptions) {
    const c = toFloat(asTensor(concentration));
    const S = scaleTrilOf(scale);
    const n = S.shape[S.shape.length - 1]!;
    const where = new.target?.name ?? "InverseWishartCholesky";
    const batch = broadcastShapes(where, c.shape, S.shape.slice(0, -2));
    super(batch, [n, n], options, { concentration: c, scaleTril: S });
    this.concentration = broadcastTo(c, batch);
    this.scaleTril = broadcastTo(S, [...batch, n, n]);
  }
  protected get n(): number {
    return this.eventShape[0]!;
  }
  /** Ψ = SSᵀ. */
  get scaleMatrix(): Tensor {
    return matmul(this.scaleTril, matT(this.scaleTril));
  }
  /** Ψ⁻¹. */
  get rateMatrix(): Tensor {
    const Si = trilInverse(this.scaleTril);
    return matmul(matT(Si), Si);
  }
  /**
   * NumPyro's sampler: lower-triangular A with Aᵢᵢ² ~ χ²(ν − n + 1 + i) and standard normal entries below the
   * diagonal; L = S·A⁻¹.
   */
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const n = this.n;
    const [k1, k2] = splitKey(key, 2) as [Key, Key];
    const shape = [...sampleShape, ...this.batchShape];
    const nu = reshape(this.concentration, [...this.batchShape, 1]);
    const dfs = add(nu, asTensor(Array.from({ length: n }, (_, i) => i - n + 1)));
    const chi2 = mul(2, gammaSample(k1, mul(0.5, dfs), [...shape, n]));
    const A = add(mul(normal(k2, [...shape, n, n]), trilMask(n, -1)), diagEmbed(sqrt(chi2)));
    const Ainv = triangularSolve(A, broadcastTo(eye(n), A.shape), { lower: true });
    return matmul(this.scaleTril, Ainv);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return this.logProbOfFactor(asTensor(value));
  }
  /** log p of the factor L, shared with InverseWishart (which subtracts the Jacobian of L ↦ LLᵀ). */
  protected logProbOfFactor(L: Tensor): Tensor {
    const n = this.n;
    const nu = this.concentration;
    const shape = broadcastShapes(this.name, L.shape, this.scaleTril.shape);
    const x = triangularSolve(broadcastTo(L, shape), broadcastTo(this.scaleTril, shape), { lower: true });
    const trace = sum(square(x), [-2, -1]);
    const logDetS = sum(log(diagonal(this.scaleTril)), -1);
    const coef = sub(
      mul(-1, add(reshape(nu, [...nu.shape, 1]), 1)),
      asTensor(Array.from({ length: n }, (_, i) => i)),
    );
    const logDiag = sum(mul(coef, log(diagonal(L))), -1);
    const norm = sub(
      add(mul(nu, logDetS), mul(sub(1, mul(0.5, nu)), n * Math.LN2)),
      mvlgamma(mul(0.5, nu), n),
    );
    return sub(add(norm, logDiag), mul(0.5, trace));
  }
  /** NumPyro's convention: the Cholesky factor of E[X] = Ψ/(ν − n − 1) where ν > n + 1, else NaN. */
  override get mean(): Tensor {
    const n = this.n;
    const nu = reshape(this.concentration, [...this.batchShape, 1, 1]);
    const ok = gt(nu, n + 1);
    const m = div(this.scaleMatrix, where(ok, sub(nu, n + 1), 1));
    return where(ok, cholesky(m), Number.NaN);
  }
}
