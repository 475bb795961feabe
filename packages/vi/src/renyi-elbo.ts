import { ConstraintError } from "@phlox/tensor";
import { type ELBO, type Objective, particleKey } from "./elbo.js";
import type { GuideSetup } from "./guide.js";
import { fillNormal } from "./random.js";

/** Options of {@link RenyiELBO}. */
export interface RenyiELBOOptions {
  /** The order α of the Rényi divergence, α ≠ 1 (default 0: the importance-weighted bound). */
  alpha?: number;
  /** Particles per step (default 2). */
  numParticles?: number;
}

/**
 * The variational Rényi bound (NumPyro's `RenyiELBO`; Li & Turner 2016):
 * L_α = 1/(1−α) · log (1/K) Σₖ exp((1−α) wₖ), wₖ = log p(x, zₖ) − log q(zₖ). α = 0 gives the importance-
 * weighted bound (Burda et al. 2016); α → 1 tends to the ELBO. The loss is −L_α; its gradient weighs each
 * particle's gradient by softmax((1−α) w)ₖ.
 * @example
 * const loss = new RenyiELBO({ alpha: 0.5, numParticles: 8 });
 * loss.alpha; // → 0.5
 * @throws ConstraintError (a PhloxError) for α = 1 (use TraceELBO) or a non-positive particle count.
 */
export class RenyiELBO implements ELBO {
  readonly name: string = "RenyiELBO";
  readonly alpha: number;
  readonly numParticles: number;
  /** @param options - `alpha` (default 0), `numParticles` (default 2). */
  constructor(options: RenyiELBOOptions = {}) {
    const alpha = options.alpha ?? 0;
    const K = options.numParticles ?? 2;
    if (!Number.isFinite(alpha) || alpha === 1) {
      throw new ConstraintError(
        "renyi-alpha",
        `RenyiELBO: alpha must be a finite number other than 1, got ${alpha}. For alpha = 1 use TraceELBO.`,
      );
    }
    if (!Number.isInteger(K) || K < 1) {
      throw new ConstraintError(
        "num-particles",
        `RenyiELBO: numParticles must be a positive integer, got ${K}.`,
      );
    }
    this.alpha = alpha;
    this.numParticles = K;
  }

  build(setup: GuideSetup): Objective {
    const P = setup.numParams;
    const D = setup.noiseDim;
    const K = this.numParticles;
    const c = 1 - this.alpha;
    const eps = new Float64Array(K * D);
    const views: Float64Array[] = [];
    for (let k = 0; k < K; k++) views.push(eps.subarray(k * D, (k + 1) * D));
    const grads = new Float64Array(K * P);
    const gviews: Float64Array[] = [];
    for (let k = 0; k < K; k++) gviews.push(grads.subarray(k * P, (k + 1) * P));
    const a = new Float64Array(K);
    const logK = Math.log(K);
    return (u, grad, k0, k1) => {
      if (D > 0) fillNormal(k0, k1, eps);
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        // particle returns log q − log p = −w
        const v = setup.particle(u, views[k], gviews[k], "elbo", k0, particleKey(k1, k));
        a[k] = -c * v;
        if (a[k] > m) m = a[k];
      }
      grad.fill(0);
      if (!Number.isFinite(m)) {
        // every weight −∞ (or NaN): report it; SVI's stable update skips such steps
        for (let i = 0; i < P; i++) grad[i] = Number.NaN;
        return Number.NaN;
      }
      let s = 0;
      for (let k = 0; k < K; k++) {
        a[k] = Math.exp(a[k] - m);
        s += a[k];
      }
      for (let k = 0; k < K; k++) {
        const wk = a[k] / s;
        const gk = gviews[k];
        for (let i = 0; i < P; i++) grad[i] += wk * gk[i];
      }
      return -(m + Math.log(s) - logK) / c;
    };
  }
}
