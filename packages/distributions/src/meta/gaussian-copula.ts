import { type Constraint, corrCholesky, corrMatrix, independent } from "../constraints/constraint.js";
import { Normal } from "../continuous/normal.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  broadcastTo,
  type Key,
  maximum,
  minimum,
  mul,
  PhloxError,
  ShapeError,
  square,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
  zeros,
} from "../internal/ops.js";
import { broadcastShapes, fmtShape } from "../internal/shape.js";
import { HALF_LOG_2PI } from "../internal/util.js";
import { MultivariateNormal } from "../multivariate/mvn.js";

/** The correlation of a {@link GaussianCopula}: the matrix R, or its lower Cholesky factor. */
export type CopulaCorrelation = { correlationMatrix: TensorLike } | { correlationCholesky: TensorLike };

const TINY = 2.2250738585072014e-308;
const EPS = 2.220446049250313e-16;
const STD_NORMAL = /* @__PURE__ */ new Normal(0, 1);

/**
 * Gaussian copula (NumPyro's `GaussianCopula`): couples the last batch axis (size d) of the univariate
 * `marginal` through a Gaussian copula with correlation R. With uᵢ = Fᵢ(xᵢ) clamped to [tiny, 1 − ε] and
 * zᵢ = Φ⁻¹(uᵢ), log p(x) = log N(z; 0, R) + ½‖z‖² + (d/2) log 2π + Σᵢ log fᵢ(xᵢ). Sampling draws
 * z ~ N(0, R) and returns Fᵢ⁻¹(Φ(zᵢ)), so the marginal needs `cdf` and `icdf`.
 * @param marginal - a univariate distribution with batch shape `[..., d]`.
 * @param correlation - `{ correlationMatrix }` (`[..., d, d]`) or `{ correlationCholesky }`.
 * @example
 * new GaussianCopula(new Normal([0, 0], 1), { correlationMatrix: [[1, 0], [0, 1]] }).logProb([0, 0]).item(); // → -1.8378770664093453
 */
export class GaussianCopula extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    correlationMatrix: corrMatrix,
    correlationCholesky: corrCholesky,
  };
  static readonly reparametrizedParams = ["correlationMatrix", "correlationCholesky"];
  readonly marginalDist: Distribution;
  /** The coupling N(0, R), batch shape as given, event shape `[d]`. */
  readonly baseDist: MultivariateNormal;
  constructor(marginal: Distribution, correlation: CopulaCorrelation, options?: DistributionOptions) {
    if (marginal.eventShape.length > 0 || marginal.batchShape.length === 0) {
      throw new ShapeError(
        "distribution-shape",
        `GaussianCopula: marginal must be univariate with at least one batch axis (the coupled axis), got ` +
          `batch shape ${fmtShape(marginal.batchShape)} and event shape ${fmtShape(marginal.eventShape)}.`,
      );
    }
    const hasM = "correlationMatrix" in correlation && correlation.correlationMatrix !== undefined;
    const hasL = "correlationCholesky" in correlation && correlation.correlationCholesky !== undefined;
    if (hasM === hasL) {
      throw new PhloxError(
        "distribution-argument",
        "GaussianCopula: give exactly one of correlationMatrix and correlationCholesky.",
      );
    }
    const r = toFloat(
      asTensor(
        hasM
          ? (correlation as { correlationMatrix: TensorLike }).correlationMatrix
          : (correlation as { correlationCholesky: TensorLike }).correlationCholesky,
      ),
    );
    const d = marginal.batchShape.at(-1)!;
    if (r.shape.length < 2 || r.shape.at(-1) !== d || r.shape.at(-2) !== d) {
      throw new ShapeError(
        "distribution-shape",
        `GaussianCopula: ${hasM ? "correlationMatrix" : "correlationCholesky"} must end in [${d}, ${d}] for a ` +
          `marginal of batch shape ${fmtShape(marginal.batchShape)}, got shape ${fmtShape(r.shape)}.`,
      );
    }
    const batch = broadcastShapes("GaussianCopula", marginal.batchShape.slice(0, -1), r.shape.slice(0, -2));
    super(batch, [d], options, hasM ? { correlationMatrix: r } : { correlationCholesky: r });
    this.marginalDist = marginal;
    const loc = zeros([d]);
    this.baseDist = hasM
      ? new MultivariateNormal(loc, { covarianceMatrix: r })
      : new MultivariateNormal(loc, { scaleTril: r });
  }
  override get support(): Constraint {
    return independent(this.marginalDist.support, 1);
  }
  /** R, `[..., d, d]`. */
  get correlationMatrix(): Tensor {
    return this.baseDist.covarianceMatrix;
  }
  /** The lower Cholesky factor of R. */
  get correlationCholesky(): Tensor {
    return this.baseDist.scaleTril;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const z = this.baseDist.expand([...sampleShape, ...this.batchShape]).sample(key);
    return this.marginalDist.icdf(STD_NORMAL.cdf(z));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const marginalLp = this.marginalDist.logProb(value);
    const u = minimum(maximum(this.marginalDist.cdf(value), TINY), 1 - EPS);
    const z = STD_NORMAL.icdf(u);
    const d = this.eventShape[0]!;
    const copula = add(add(this.baseDist.logProb(z), mul(0.5, sum(square(z), -1))), d * HALF_LOG_2PI);
    return add(copula, sum(marginalLp, -1));
  }
  override get mean(): Tensor {
    return broadcastTo(this.marginalDist.mean, this.shape());
  }
  override get variance(): Tensor {
    return broadcastTo(this.marginalDist.variance, this.shape());
  }
}
