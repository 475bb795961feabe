/** Hand-written potentials with known posteriors, for this package's tests and for kernels elsewhere. */
import type { PotentialFn } from "../internal/trajectory.js";

/** Independent normals N(mu_i, sigma_i²): U(z) = ½ Σ ((z_i − mu_i)/sigma_i)². */
export function normalPotential(mu: readonly number[], sigma: readonly number[]): PotentialFn {
  return (z, g) => {
    let u = 0;
    for (let i = 0; i < z.length; i++) {
      const e = (z[i] - mu[i]) / sigma[i];
      u += 0.5 * e * e;
      g[i] = e / sigma[i];
    }
    return u;
  };
}

/** Zero-mean multivariate normal with covariance `cov` ([d·d] row-major): U(z) = ½ zᵀ Σ⁻¹ z. */
export function mvnPotential(precision: Float64Array, d: number): PotentialFn {
  return (z, g) => {
    let u = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += precision[i * d + j] * z[j];
      g[i] = s;
      u += 0.5 * z[i] * s;
    }
    return u;
  };
}

/**
 * Neal's funnel in its centred form: v ~ N(0, 3²), x_i ~ N(0, e^v), i = 1..d−1 (z = [v, x…]). Its neck
 * makes NUTS diverge.
 */
export function funnelPotential(): PotentialFn {
  return (z, g) => {
    const v = z[0];
    const ev = Math.exp(-v);
    let u = (v * v) / 18;
    let gv = v / 9;
    for (let i = 1; i < z.length; i++) {
      u += 0.5 * z[i] * z[i] * ev + 0.5 * v;
      gv += -0.5 * z[i] * z[i] * ev + 0.5;
      g[i] = z[i] * ev;
    }
    g[0] = gv;
    return u;
  };
}
