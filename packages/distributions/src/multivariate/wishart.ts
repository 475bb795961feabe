import { type Constraint, lowerCholesky, positive, positiveDefinite } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  asTensor as t,
  broadcastTo,
  cholesky,
  diagEmbed,
  diagonal,
  gammaSample,
  type Key,
  lgamma,
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

} from "../internal/ops.js";
import { broadcastShapes } from "../internal/shape.js";
import { choleskyOfInverse } from "./mvn.js";

/** Scale of a Wishart: one of `scaleMatrix`, `rateMatrix` (its inverse) or `scaleTril`. */
export type WishartScale =
  | { scaleMatrix: TensorLike; rateMatrix?: undefined; scaleTril?: undefined }
  | { rateMatrix: TensorLike; scaleMatrix?: undefined; scaleTril?: undefined }
  | { scaleTril: TensorLike; scaleMatrix?: undefined; rateMatrix?: undefined };

/** log Γ_p(a), the multivariate log-gamma function. */
function mvlgamma(a: Tensor, p: number): Tensor {
  let r = mul(a, 0).add((p * (p - 1) * Math.log(Math.PI)) / 4);
  for (let j = 1; j <= p; j++) r = add(r, lgamma(add(a, (1 - j) / 2)));
  return r;
}

function scaleTrilOf(s: WishartScale): Tensor {
  if (s.scaleTril !== undefined) return toFloat(asTensor(s.scaleTril));
  if (s.scaleMatrix !== undefined) return cholesky(toFloat(asTensor(s.scaleMatrix)));
  return choleskyOfInverse(toFloat(asTensor(s.rateMatrix!)));
}

/** Bartlett decomposition: lower-triangular A with Aᵢᵢ² ~ χ²(ν − i), Aᵢⱼ ~ N(0, 1) below. */
function bartlett(key: Key, df: Tensor, shape: readonly number[], n: number): Tensor {
  const [k1, k2] = splitKey(key, 2) as [Key, Key];
  const dfs = sub(reshape(df, [...df.shape, 1]), t(Array.from({ length: n }, (_, i) => i)));
  const chi2 = mul(2, gammaSample(k1, mul(0.5, dfs), [...shape, n]));
  const z = mul(normal(k2, [...shape, n, n]), trilMask(n, -1));
  return add(z, diagEmbed(sqrt(chi2)));
}

/**
 * Wishart(concentration ν, scale S) over n×n SPD matrices:
 * log p(X) = (ν−n−1)/2 log det X − tr(S⁻¹X)/2 − (νn/2) log 2 − (ν/2) log det S − log Γₙ(ν/2).
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
      sub(sub(sub(mul(mul(sub(nu, n + 1), 0.5), logDetX), mul(0.5, tr)), mul(nu, 0.5 * n * Math.LN2)), mul(mul(0.5, nu), logDetS)),
      mvlgamma(mul(0.5, nu), n),
    );
  }
  override get mean(): Tensor {
    return mul(reshape(this.concentration, [...this.batchShape, 1, 1]), this.scaleMatrix);
  }
  override get variance(): Tensor {
    const S = this.scaleMatrix;
    const d = diagonal(S);
    const outer = mul(reshape(d, [...d.shape, 1]), reshape(d, [...d.shape.slice(0, -1), 1, d.shape[d.shape.length - 1]!]));
    return mul(reshape(this.concentration, [...this.batchShape, 1, 1]), add(square(S), outer));
  }
}

/**
 * The Cholesky factor of a Wishart matrix: log p(L) = Wishart.logProb(LLᵀ) + n log 2 + Σ (n−i) log Lᵢᵢ.
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
