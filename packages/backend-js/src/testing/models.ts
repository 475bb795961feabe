/**
 * Models shared by tests and benchmarks: the eight-schools (non-centred) and logistic-regression log
 * densities written with tensor ops, and the same written by hand on Float64Arrays.
 */

import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Eight-schools data. */
export const EIGHT_SCHOOLS = {
  y: [28, 8, -3, 7, -1, 1, 18, 12],
  sigma: [15, 10, 16, 11, 9, 11, 10, 18],
} as const;

/** z[k] as a scalar tensor. */
export const at = (z: Tensor, k: number): Tensor => T.reshape(T.slice(z, [k], [k + 1]), []);

const normalLogProb = (x: Tensor, loc: T.TensorLike, scale: T.TensorLike): Tensor => {
  const d = T.div(T.sub(x, loc), scale);
  return T.sub(T.sub(T.mul(T.mul(d, d), -0.5), T.log(scale)), HALF_LOG_2PI);
};

/**
 * Log density of non-centred eight schools over z = [mu, log tau, theta_raw(8)]: mu ~ N(0, 5),
 * tau ~ HalfCauchy(5) plus the log-Jacobian of exp, theta_raw ~ N(0, 1), y ~ N(mu + tau·theta_raw, sigma).
 */
export function eightSchoolsLogp(z: Tensor): Tensor {
  const y = T.tensor([...EIGHT_SCHOOLS.y]);
  const sigma = T.tensor([...EIGHT_SCHOOLS.sigma]);
  const mu = at(z, 0);
  const logTau = at(z, 1);
  const tau = T.exp(logTau);
  const thetaRaw = T.slice(z, [2], [10]);
  const r = T.div(tau, 5);
  const halfCauchy = T.sub(Math.log(2 / Math.PI) - Math.log(5), T.log1p(T.mul(r, r)));
  const theta = T.add(mu, T.mul(tau, thetaRaw));
  return T.add(
    T.add(T.add(normalLogProb(mu, 0, 5), halfCauchy), logTau),
    T.add(T.sum(normalLogProb(thetaRaw, 0, 1)), T.sum(normalLogProb(y as Tensor, theta, sigma))),
  );
}

/** The same value and gradient, written by hand (writes the gradient into `g`). */
export function eightSchoolsHand(z: Float64Array, g: Float64Array): number {
  const ys = EIGHT_SCHOOLS.y;
  const ss = EIGHT_SCHOOLS.sigma;
  const mu = z[0] as number;
  const lt = z[1] as number;
  const tau = Math.exp(lt);
  let lp = -0.5 * (mu / 5) * (mu / 5) - Math.log(5) - HALF_LOG_2PI;
  let gmu = -mu / 25;
  const r = tau / 5;
  lp += Math.log(2 / Math.PI) - Math.log(5) - Math.log1p(r * r) + lt;
  let gtau = (-2 * r) / 5 / (1 + r * r);
  for (let j = 0; j < 8; j++) {
    const th = z[2 + j] as number;
    const s = ss[j] as number;
    const d = ((ys[j] as number) - mu - tau * th) / s;
    lp += -0.5 * th * th - 0.5 * d * d - Math.log(s) - 2 * HALF_LOG_2PI;
    const dm = d / s;
    gmu += dm;
    gtau += dm * th;
    g[2 + j] = -th + dm * tau;
  }
  g[0] = gmu;
  g[1] = gtau * tau + 1;
  return lp;
}

/** Logistic regression log density over z = [alpha, beta(D)]: alpha ~ N(0, 5), beta ~ N(0, 2.5), y ~ Bernoulli(logits). */
export function logisticLogp(X: Tensor, y: Tensor): (z: Tensor) => Tensor {
  const d = X.shape[1] as number;
  return (z) => {
    const alpha = at(z, 0);
    const beta = T.slice(z, [1], [1 + d]);
    const logits = T.add(T.matmul(X, beta), alpha);
    const lik = T.sum(T.sub(T.mul(y, logits), T.softplus(logits)));
    return T.add(T.add(normalLogProb(alpha, 0, 5), T.sum(normalLogProb(beta, 0, 2.5))), lik);
  };
}

/** The same value and gradient as one hand-written fused loop. */
export function logisticHand(X: Float64Array, y: Float64Array, n: number, d: number) {
  return (z: Float64Array, g: Float64Array): number => {
    const alpha = z[0] as number;
    let lp = -0.5 * (alpha / 5) * (alpha / 5) - Math.log(5) - HALF_LOG_2PI;
    let ga = -alpha / 25;
    for (let j = 0; j < d; j++) {
      const b = z[1 + j] as number;
      lp += -0.5 * (b / 2.5) * (b / 2.5) - Math.log(2.5) - HALF_LOG_2PI;
      g[1 + j] = -b / 6.25;
    }
    for (let i = 0; i < n; i++) {
      let l = alpha;
      const row = i * d;
      for (let j = 0; j < d; j++) l += (X[row + j] as number) * (z[1 + j] as number);
      const sp = l > 0 ? l + Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l));
      const yi = y[i] as number;
      lp += yi * l - sp;
      const dl = yi - 1 / (1 + Math.exp(-l));
      ga += dl;
      for (let j = 0; j < d; j++) g[1 + j] = (g[1 + j] as number) + (X[row + j] as number) * dl;
    }
    g[0] = ga;
    return lp;
  };
}
