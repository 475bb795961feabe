import { ConstraintError } from "@phlox/tensor";
import type { ParamsLike } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import { type LatentFamily, LowRankFamily, MvnFamily, type ParamSpec } from "./internal/family.js";

/** A Gaussian posterior over the flat unconstrained latent vector. */
export interface LatentGaussian {
  /** Mean, length D. */
  loc: Float64Array;
  /** Covariance, D×D row-major. */
  covariance: Float64Array;
  /** D. */
  dim: number;
}

/**
 * A full-rank multivariate Normal over the flat unconstrained latent vector (NumPyro's
 * `AutoMultivariateNormal`): parameters `<prefix>_loc` `[D]` and `<prefix>_scale_tril` `[D, D]`, lower
 * triangular with positive diagonal, parameterised as diag(s)(I + W) (`scaled_unit_lower_cholesky`).
 * @example
 * const guide = new AutoMultivariateNormal(model);
 */
export class AutoMultivariateNormal extends AutoContinuous {
  protected makeFamily(dim: number): LatentFamily {
    return new MvnFamily(dim, this.initScale);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    const D = family.dim;
    return [
      { name: `${this.prefix}_loc`, shape: [D], offset: 0, size: D, constraint: "real" },
      {
        name: `${this.prefix}_scale_tril`,
        shape: [D, D],
        offset: D,
        size: (D * (D - 1)) / 2 + D,
        constraint: "scaled_unit_lower_cholesky",
      },
    ];
  }
  /**
   * The Gaussian q over the unconstrained latent vector.
   * @param params - the fitted parameters.
   * @returns `{ loc, covariance, dim }` with covariance = L Lᵀ.
   */
  getPosterior(params: ParamsLike): LatentGaussian {
    const b = this.requireBound("getPosterior");
    const D = b.family.dim;
    const p = this.constrain(b, this.unconstrain(b, params, this.initialU(b)));
    const L = p[`${this.prefix}_scale_tril`].data;
    const cov = new Float64Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k <= Math.min(i, j); k++) s += L[i * D + k] * L[j * D + k];
        cov[i * D + j] = s;
      }
    return { loc: Float64Array.from(p[`${this.prefix}_loc`].data), covariance: cov, dim: D };
  }
}

/** Options of {@link AutoLowRankMultivariateNormal}. */
export interface AutoLowRankOptions {
  prefix?: string;
  initLocFn?: unknown;
  initScale?: number;
  /** Rank of the covariance factor (default round(√D), as NumPyro). */
  rank?: number;
}

/**
 * A multivariate Normal with low-rank-plus-diagonal covariance diag(s)(V Vᵀ + I)diag(s) over the flat
 * unconstrained latent vector (NumPyro's `AutoLowRankMultivariateNormal`): parameters `<prefix>_loc` `[D]`,
 * `<prefix>_cov_factor` `[D, rank]` (initially 0) and `<prefix>_scale` `[D]` (positive).
 * @example
 * const guide = new AutoLowRankMultivariateNormal(model, { rank: 2 });
 */
export class AutoLowRankMultivariateNormal extends AutoContinuous {
  readonly rank: number | undefined;
  /**
   * @param model - a model function or a `PotentialModel`.
   * @param options - `prefix`, `initLocFn`, `initScale`, `rank`.
   * @throws ConstraintError (a PhloxError) for a rank that is not a positive integer.
   */
  constructor(model: unknown, options: AutoLowRankOptions = {}) {
    super(model, options);
    if (options.rank !== undefined && (!Number.isInteger(options.rank) || options.rank < 1)) {
      throw new ConstraintError(
        "autoguide-rank",
        `AutoLowRankMultivariateNormal: rank must be a positive integer, got ${options.rank}.`,
      );
    }
    this.rank = options.rank;
  }
  protected makeFamily(dim: number): LatentFamily {
    return new LowRankFamily(dim, this.rank ?? Math.max(1, Math.round(Math.sqrt(dim))), this.initScale);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    const D = family.dim;
    const R = (family as LowRankFamily).rank;
    return [
      { name: `${this.prefix}_loc`, shape: [D], offset: 0, size: D, constraint: "real" },
      { name: `${this.prefix}_cov_factor`, shape: [D, R], offset: D, size: D * R, constraint: "real" },
      {
        name: `${this.prefix}_scale`,
        shape: [D],
        offset: D + D * R,
        size: D,
        constraint: "softplus_positive",
      },
    ];
  }
  /**
   * The Gaussian q over the unconstrained latent vector.
   * @param params - the fitted parameters.
   * @returns `{ loc, covariance, dim }` with covariance = diag(s)(V Vᵀ + I)diag(s).
   */
  getPosterior(params: ParamsLike): LatentGaussian {
    const b = this.requireBound("getPosterior");
    const D = b.family.dim;
    const R = (b.family as LowRankFamily).rank;
    const p = this.constrain(b, this.unconstrain(b, params, this.initialU(b)));
    const V = p[`${this.prefix}_cov_factor`].data;
    const s = p[`${this.prefix}_scale`].data;
    const cov = new Float64Array(D * D);
    for (let i = 0; i < D; i++)
      for (let j = 0; j < D; j++) {
        let v = i === j ? 1 : 0;
        for (let k = 0; k < R; k++) v += V[i * R + k] * V[j * R + k];
        cov[i * D + j] = s[i] * v * s[j];
      }
    return { loc: Float64Array.from(p[`${this.prefix}_loc`].data), covariance: cov, dim: D };
  }
}
