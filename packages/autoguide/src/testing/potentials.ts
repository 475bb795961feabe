/**
 * Hand-written potentials (U(z) = −log p(x, T(z)) − log|det J|, with exact gradients) for the tests: they
 * exercise the guides and SVI without tracing a model, against closed-form or quadrature references.
 */
import type { ParamValue, PotentialModel } from "@phlox/vi";

const sig = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const logSig = (x: number): number => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/**
 * Beta–Bernoulli: p ~ Beta(a, b), k successes in n trials; latent z = logit(p).
 * The exact posterior is Beta(a + k, b + n − k).
 */
export function betaBernoulli(a: number, b: number, k: number, n: number, z0 = 0): PotentialModel {
  const A = a + k;
  const B = b + n - k;
  return {
    dim: 1,
    initialZ: Float64Array.of(z0),
    layout: [{ name: "p", shape: [], offset: 0, size: 1 }],
    // log p(x, p) + log|dp/dz| = (A − 1) log p + (B − 1) log(1 − p) + log p + log(1 − p) (+ const)
    potentialFn(z, g) {
      const s = sig(z[0]);
      g[0] = -(A * (1 - s) - B * s);
      return -(A * logSig(z[0]) + B * logSig(-z[0]));
    },
    logJacobianFn(z, g) {
      const s = sig(z[0]);
      g[0] = 1 - 2 * s;
      return logSig(z[0]) + logSig(-z[0]);
    },
    postprocess(z): Record<string, ParamValue> {
      return { p: { data: Float64Array.of(sig(z[0])), shape: [] } };
    },
    unconstrain(values) {
      const p = values.p.data[0];
      return Float64Array.of(Math.log(p / (1 - p)));
    },
  };
}

/**
 * Conjugate Gaussian: θ ~ MVN(0, prior⁻¹) (prior precision P), observations through
 * U(θ) = ½ (θ − m)ᵀ Λ (θ − m) + const, i.e. the posterior is MVN(m, Λ⁻¹) exactly. Λ is D×D row-major.
 */
export function gaussianPotential(m: readonly number[], Lambda: readonly number[]): PotentialModel {
  const D = m.length;
  const d = new Float64Array(D);
  return {
    dim: D,
    initialZ: new Float64Array(D),
    layout: [{ name: "theta", shape: [D], offset: 0, size: D }],
    potentialFn(z, g) {
      for (let i = 0; i < D; i++) d[i] = z[i] - m[i];
      let u = 0;
      for (let i = 0; i < D; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += Lambda[i * D + j] * d[j];
        g[i] = s;
        u += 0.5 * d[i] * s;
      }
      return u;
    },
  };
}

/** The 2-parameter logistic regression of `fixtures/logistic-regression.json` (alpha, beta unconstrained). */
export function logisticPotential(
  x: readonly number[],
  y: readonly number[],
  sa: number,
  sb: number,
): PotentialModel {
  const N = x.length;
  return {
    dim: 2,
    initialZ: new Float64Array(2),
    layout: [
      { name: "alpha", shape: [], offset: 0, size: 1 },
      { name: "beta", shape: [], offset: 1, size: 1 },
    ],
    potentialFn(z, g) {
      const a = z[0];
      const b = z[1];
      let u = (0.5 * a * a) / (sa * sa) + (0.5 * b * b) / (sb * sb);
      let ga = a / (sa * sa);
      let gb = b / (sb * sb);
      for (let i = 0; i < N; i++) {
        const eta = a + b * x[i];
        // −[y η − log(1 + e^η)]
        u -= y[i] * eta + logSig(-eta);
        const r = sig(eta) - y[i];
        ga += r;
        gb += r * x[i];
      }
      g[0] = ga;
      g[1] = gb;
      return u;
    },
  };
}
