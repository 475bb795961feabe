import type { PotentialModel } from "@phlox/vi";
import { AutoContinuous } from "./auto-continuous.js";
import type { LatentSite } from "./auto-guide-types.js";
import { type LatentFamily, type ParamSpec, PointFamily } from "./internal/family.js";
import type { DefaultInit } from "./internal/resolve-model.js";

const warned = new Set<string>();

/**
 * A point mass at each latent site (NumPyro's `AutoDelta`): SVI with it finds the MAP estimate
 * argmax log p(x, θ) in the constrained space. Parameters `<site>_<prefix>_loc`, constrained to the site's
 * support (stored unconstrained). Default init `initToMedian()`, as in NumPyro.
 *
 * The MAP is taken in the constrained space, so the loss is U(z) + log|det J(z)| = −log p(x, T(z)); the
 * model must provide `logJacobianFn` for that (models without it get the mode of the unconstrained
 * density instead, with a one-time warning).
 * @example
 * const guide = new AutoDelta(model);
 * const { params } = new SVI(model, guide, new Adam(0.05), new TraceELBO()).run(key(0), 2000, data);
 * params.p_auto_loc.item(); // → the MAP of p
 */
export class AutoDelta extends AutoContinuous {
  /** Local latent sites in subsampled plates get a full-size `loc`, read by the minibatch (NumPyro's). */
  protected override get localLatentFamily(): "delta" {
    return "delta";
  }
  protected override get defaultInit(): DefaultInit {
    return "median";
  }
  protected makeFamily(dim: number): LatentFamily {
    return new PointFamily(dim);
  }
  protected paramSpecs(_family: LatentFamily, layout: readonly LatentSite[]): ParamSpec[] {
    return layout.map((l) => ({
      name: `${l.name}_${this.prefix}_loc`,
      shape: [...l.shape],
      offset: l.offset,
      size: l.size,
      constraint: "latent",
      site: { name: l.name, offset: l.offset },
    }));
  }
  protected override potential(pm: PotentialModel): (z: Float64Array, g: Float64Array) => number {
    const logJ = pm.logJacobianFn?.bind(pm);
    if (logJ === undefined) {
      if (!warned.has("delta")) {
        warned.add("delta");
        console.warn(
          "[phlox:autodelta-jacobian] AutoDelta: the model gives no logJacobianFn, so the mode is taken in the " +
            "unconstrained space (it equals the constrained MAP only for unconstrained latent sites).",
        );
      }
      return (z, g) => pm.potentialFn(z, g);
    }
    const gj = new Float64Array(pm.dim);
    return (z, g) => {
      const v = pm.potentialFn(z, g);
      const lj = logJ(z, gj);
      for (let i = 0; i < g.length; i++) g[i] += gj[i];
      return v + lj;
    };
  }
  /** Draws from a point mass are its location: every draw equals the median. */
  protected override latentSampler(
    b: Parameters<AutoContinuous["latentSampler"]>[0],
    u: Float64Array,
  ): (k0: number, k1: number, z: Float64Array) => void {
    return (_k0, _k1, z) => b.family.median(u, z);
  }
}
