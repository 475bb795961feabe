import { ndtriScalar, PhloxError } from "@phlox/tensor";
import { fillNormal, type ParamsLike } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import type { AutoGuideOptions, LatentTransform } from "./auto-guide-types.js";
import type { LatentGaussian } from "./auto-multivariate-normal.js";
import { affineTransform, type LatentFamily, type ParamSpec, PointFamily } from "./internal/family.js";
import { choleskyInPlace, spdInverse } from "./internal/math.js";

/** Options of {@link AutoLaplaceApproximation}. */
export interface AutoLaplaceOptions extends AutoGuideOptions {
  /**
   * Hessian of U at z (D×D row-major). Default: central finite differences of the model's exact gradient
   * (step 1e-5·max(1, |zᵢ|)), symmetrized — accurate to about 1e-8 relative for smooth potentials.
   */
  hessianFn?: (potentialFn: (z: Float64Array, g: Float64Array) => number, z: Float64Array) => Float64Array;
}

/**
 * Central finite differences of an exact gradient: H[i][j] = (∂ⱼU(z + hᵢeᵢ) − ∂ⱼU(z − hᵢeᵢ)) / 2hᵢ,
 * symmetrized.
 * @param potentialFn - U(z), writing ∇U(z) into its second argument.
 * @param z - the point, length D (not mutated).
 * @returns the D×D Hessian, row-major.
 */
export function finiteDifferenceHessian(
  potentialFn: (z: Float64Array, g: Float64Array) => number,
  z: Float64Array,
): Float64Array {
  const D = z.length;
  const H = new Float64Array(D * D);
  const x = Float64Array.from(z);
  const gp = new Float64Array(D);
  const gm = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(z[i]));
    x[i] = z[i] + h;
    potentialFn(x, gp);
    x[i] = z[i] - h;
    potentialFn(x, gm);
    x[i] = z[i];
    for (let j = 0; j < D; j++) H[i * D + j] = (gp[j] - gm[j]) / (2 * h);
  }
  for (let i = 0; i < D; i++)
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i * D + j] + H[j * D + i]);
      H[i * D + j] = m;
      H[j * D + i] = m;
    }
  return H;
}

/**
 * The Laplace approximation (NumPyro's `AutoLaplaceApproximation`): SVI finds the mode `<prefix>_loc` of
 * the unconstrained posterior (the loss is U(loc)), and the posterior is MVN(loc, H⁻¹) with H the Hessian
 * of U at the mode; draws, quantiles, `getPosterior` and `getTransform` use that Gaussian.
 * @example
 * const guide = new AutoLaplaceApproximation(model);
 * const { params } = new SVI(model, guide, new Adam(0.05), new TraceELBO()).run(key(0), 3000, data);
 * const { covariance } = guide.getPosterior(params); // = inverse Hessian of U at the mode
 */
export class AutoLaplaceApproximation extends AutoContinuous {
  private readonly hessianFn: NonNullable<AutoLaplaceOptions["hessianFn"]>;
  /**
   * @param model - a model function or a `PotentialModel`.
   * @param options - `prefix`, `initLocFn`, `hessianFn`.
   */
  constructor(model: unknown, options: AutoLaplaceOptions = {}) {
    super(model, options);
    this.hessianFn = options.hessianFn ?? finiteDifferenceHessian;
  }
  protected makeFamily(dim: number): LatentFamily {
    return new PointFamily(dim);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    return [
      { name: `${this.prefix}_loc`, shape: [family.dim], offset: 0, size: family.dim, constraint: "real" },
    ];
  }

  /**
   * The Gaussian MVN(loc, H⁻¹) over the unconstrained latent vector.
   * @param params - the fitted parameters.
   * @returns `{ loc, covariance, dim }`.
   * @throws PhloxError when the Hessian at loc is not positive definite (loc is not a mode: run SVI longer).
   */
  getPosterior(params: ParamsLike): LatentGaussian {
    const b = this.requireBound("getPosterior");
    const D = b.family.dim;
    const loc = this.unconstrain(b, params, this.initialU(b)).slice(0, D);
    const H = this.hessianFn((z, g) => b.pm.potentialFn(z, g), loc);
    const cov = spdInverse(H, D);
    if (cov === null) {
      throw new PhloxError(
        "laplace-not-mode",
        "AutoLaplaceApproximation: the Hessian of the potential at auto_loc is not positive definite, so " +
          "auto_loc is not a mode. Run SVI for more steps or with a smaller step size.",
      );
    }
    return { loc, covariance: cov, dim: D };
  }

  /**
   * The affine map ε ↦ loc + L ε with L the Cholesky factor of H⁻¹ (NumPyro's `get_transform`,
   * `LowerCholeskyAffine(loc, cholesky_of_inverse(H))`), e.g. for `NeuTraReparam`.
   * @param params - the fitted parameters.
   * @returns a {@link LatentTransform}.
   * @throws PhloxError (`laplace-not-mode`) when the Hessian at loc is not positive definite (NumPyro warns
   *   and uses L = 0 there).
   * @example
   * // model: sample("theta", new Normal(1, 2)), so U(z) = (z − 1)²/8, H = ¼ and L = 2
   * const guide = new AutoLaplaceApproximation(model);
   * guide.setup(key(0), []);
   * const { dim, apply } = guide.getTransform({ auto_loc: tensor([1]) });
   * dim; // → 1
   * const [z, logDet] = apply(tensor([0.5]));
   * z.item(); // → 2 (1 + 2·0.5; to 1e-12, the finite-difference Hessian's accuracy)
   * logDet.item(); // → 0.6931471805599 (log 2)
   */
  override getTransform(params: ParamsLike): LatentTransform {
    this.requireBound("getTransform");
    const { loc, L, D } = this.scaleTril(params);
    return { dim: D, apply: affineTransform(loc, L, D) };
  }

  private scaleTril(params: ParamsLike): { loc: Float64Array; L: Float64Array; D: number } {
    const { loc, covariance, dim } = this.getPosterior(params);
    const L = Float64Array.from(covariance);
    if (!choleskyInPlace(L, dim))
      throw new PhloxError(
        "laplace-not-pd",
        "AutoLaplaceApproximation: the covariance is not positive definite.",
      );
    return { loc, L, D: dim };
  }

  protected override latentSampler(
    b: Parameters<AutoContinuous["latentSampler"]>[0],
    u: Float64Array,
  ): (k0: number, k1: number, z: Float64Array) => void {
    const D = b.family.dim;
    const params = this.constrain(b, u);
    const { loc, L } = this.scaleTril(params);
    const eps = new Float64Array(D);
    return (k0, k1, z) => {
      fillNormal(k0, k1, eps);
      for (let i = 0; i < D; i++) {
        let s = loc[i];
        for (let j = 0; j <= i; j++) s += L[i * D + j] * eps[j];
        z[i] = s;
      }
    };
  }

  protected override latentQuantile(
    b: Parameters<AutoContinuous["latentQuantile"]>[0],
    u: Float64Array,
    q: number,
    z: Float64Array,
  ): void {
    const { loc, covariance, dim } = this.getPosterior(this.constrain(b, u));
    const c = ndtriScalar(q);
    for (let i = 0; i < dim; i++) z[i] = loc[i] + Math.sqrt(covariance[i * dim + i]) * c;
  }
}
