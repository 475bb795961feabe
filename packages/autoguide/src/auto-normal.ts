import type { ParamsLike } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import type { LatentSite } from "./auto-guide-types.js";
import type { LatentGaussian } from "./auto-multivariate-normal.js";
import { DiagNormalFamily, type LatentFamily, type ParamSpec } from "./internal/family.js";

/**
 * A mean-field Normal guide in the unconstrained space, one Normal per latent site (NumPyro's
 * `AutoNormal`): q(z) = Πᵢ Normal(zᵢ; locᵢ, scaleᵢ). Parameters per site `<site>_<prefix>_loc` (the site's
 * unconstrained shape) and `<site>_<prefix>_scale` (positive, through softplus; initially `initScale`).
 * @example
 * const guide = new AutoNormal(model);
 * const { params } = new SVI(model, guide, new Adam(0.01), new TraceELBO()).run(key(0), 2000, data);
 * params.mu_auto_loc.item(); // → the posterior mean of mu (unconstrained)
 */
export class AutoNormal extends AutoContinuous {
  /** Local latent sites in subsampled plates get full-size `loc`/`scale`, read by the minibatch (NumPyro's). */
  protected override get localLatentFamily(): "normal" {
    return "normal";
  }
  protected makeFamily(dim: number): LatentFamily {
    return new DiagNormalFamily(dim, this.initScale);
  }
  protected paramSpecs(family: LatentFamily, layout: readonly LatentSite[]): ParamSpec[] {
    const specs: ParamSpec[] = [];
    for (const l of layout) {
      specs.push({
        name: `${l.name}_${this.prefix}_loc`,
        shape: [...l.shape],
        offset: l.offset,
        size: l.size,
        constraint: "real",
      });
    }
    for (const l of layout) {
      specs.push({
        name: `${l.name}_${this.prefix}_scale`,
        shape: [...l.shape],
        offset: family.dim + l.offset,
        size: l.size,
        constraint: "softplus_positive",
      });
    }
    return specs;
  }
}

/**
 * A diagonal Normal over the whole flat unconstrained latent vector (NumPyro's `AutoDiagonalNormal`):
 * parameters `<prefix>_loc` and `<prefix>_scale`, both of shape `[latentDim]`; `getPosterior` as the
 * multivariate guides'.
 * @example
 * const guide = new AutoDiagonalNormal(model, { initScale: 0.05 });
 */
export class AutoDiagonalNormal extends AutoContinuous {
  protected makeFamily(dim: number): LatentFamily {
    return new DiagNormalFamily(dim, this.initScale);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    const D = family.dim;
    return [
      { name: `${this.prefix}_loc`, shape: [D], offset: 0, size: D, constraint: "real" },
      { name: `${this.prefix}_scale`, shape: [D], offset: D, size: D, constraint: "softplus_positive" },
    ];
  }
  /**
   * The Gaussian q over the unconstrained latent vector (NumPyro's `get_posterior`, there a
   * `Normal(loc, scale)`).
   * @param params - the fitted parameters (`auto_loc` and `auto_scale`; one left out keeps its initial value).
   * @returns `{ loc, covariance, dim }` with covariance = diag(scale²), a dense dim × dim row-major matrix.
   * @throws PhloxError (`autoguide-not-setup`) before `setup`/SVI has bound the guide to the model;
   *   PhloxError (`unknown-param`) for a parameter name the guide does not have; ShapeError (a PhloxError) for a
   *   value of the wrong size; ConstraintError (a PhloxError) for a scale that is not positive.
   * @example
   * // model: sample("theta", new Normal(tensor([0, 0]), 1))
   * const guide = new AutoDiagonalNormal(model);
   * guide.setup(key(0), []);
   * const post = guide.getPosterior({ auto_loc: tensor([0.5, -1]), auto_scale: tensor([0.5, 2]) });
   * Array.from(post.covariance); // → [0.25, 0, 0, 4]
   * Array.from(post.loc); // → [0.5, -1]
   */
  getPosterior(params: ParamsLike): LatentGaussian {
    const b = this.requireBound("getPosterior");
    const D = b.family.dim;
    const p = this.constrain(b, this.unconstrain(b, params, this.initialU(b)));
    const s = p[`${this.prefix}_scale`].data;
    const cov = new Float64Array(D * D);
    for (let i = 0; i < D; i++) cov[i * D + i] = s[i] * s[i];
    return { loc: Float64Array.from(p[`${this.prefix}_loc`].data), covariance: cov, dim: D };
  }
}
