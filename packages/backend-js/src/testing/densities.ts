/**
 * Log densities of posteriordb-like models for benchmarks and tests: each written with tensor ops (as the
 * model code and distributions of Phlox trace them) and by hand on Float64Arrays (value and gradient), over
 * the same flat unconstrained vector. Data are synthetic, with the posteriordb sizes.
 */

import type { Tensor } from "@phlox/tensor";
import * as T from "@phlox/tensor";
import { at } from "./models.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A model density in both forms. */
export interface DensityCase {
  readonly name: string;
  readonly dim: number;
  /** Log density of the flat vector, with tensor ops. */
  readonly logp: (z: Tensor) => Tensor;
  /** The same value, gradient written into `g`, by hand. */
  readonly hand: (z: Float64Array, g: Float64Array) => number;
  /** A point in the typical set. */
  readonly z: Float64Array;
}

/** A deterministic uniform generator on [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const normalLp = (x: Tensor, loc: T.TensorLike, scale: T.TensorLike): Tensor => {
  const d = T.div(T.sub(x, loc), scale);
  return T.sub(T.sub(T.mul(T.mul(d, d), -0.5), T.log(scale)), HALF_LOG_2PI);
};

/**
 * Linear regression with flat priors (posteriordb nes1972-nes: N = 1330, D = 9; diamonds: N = 5000, D = 24):
 * z = [beta(D), log sigma], y ~ N(X·beta, sigma), plus the log-Jacobian of exp.
 */
export function linearRegression(n = 1330, d = 9, seed = 1, label = "nes"): DensityCase {
  const r = lcg(seed);
  const Xd = new Float64Array(n * d).map((_, k) => (k % d === 0 ? 1 : r() * 4 - 2));
  const beta0 = Array.from({ length: d }, () => r() - 0.5);
  const yd = new Float64Array(n).map((_, i) => {
    let m = 0;
    for (let j = 0; j < d; j++) m += (Xd[i * d + j] as number) * (beta0[j] as number);
    return m + (r() - 0.5) * 2;
  });
  const X = T.tensor(Xd, { shape: [n, d] });
  const y = T.tensor(yd);
  const logp = (z: Tensor): Tensor => {
    const beta = T.slice(z, [0], [d]);
    const logSigma = at(z, d);
    const sigma = T.exp(logSigma);
    return T.add(T.sum(normalLp(y, T.matmul(X, beta), sigma)), logSigma);
  };
  const hand = (z: Float64Array, g: Float64Array): number => {
    const ls = z[d] as number;
    const sigma = Math.exp(ls);
    const inv = 1 / sigma;
    let ss = 0;
    for (let j = 0; j < d; j++) g[j] = 0;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let m = 0;
      for (let j = 0; j < d; j++) m += (Xd[row + j] as number) * (z[j] as number);
      const e = ((yd[i] as number) - m) * inv;
      ss += e * e;
      const w = e * inv;
      for (let j = 0; j < d; j++) g[j] = (g[j] as number) + (Xd[row + j] as number) * w;
    }
    g[d] = ss - n + 1;
    return -0.5 * ss - n * ls - n * HALF_LOG_2PI + ls;
  };
  const z = new Float64Array(d + 1);
  z.set(beta0);
  return { name: `linear regression N=${n} D=${d} (${label})`, dim: d + 1, logp, hand, z };
}

/**
 * Logistic regression (posteriordb wells: N = 3020, D = 6, flat priors; sim_logistic: N = 10000, D = 10,
 * alpha ~ N(0, 5), beta ~ N(0, 2.5)): z = [alpha, beta(D)], y ~ Bernoulli(logits = X·beta + alpha).
 */
export function logisticRegression(n: number, d: number, priors: boolean, seed = 2): DensityCase {
  const r = lcg(seed);
  const Xd = new Float64Array(n * d).map(() => r() * 2 - 1);
  const yd = new Float64Array(n).map(() => (r() < 0.4 ? 1 : 0));
  const X = T.tensor(Xd, { shape: [n, d] });
  const y = T.tensor(yd);
  const logp = (z: Tensor): Tensor => {
    const alpha = at(z, 0);
    const beta = T.slice(z, [1], [1 + d]);
    const logits = T.add(T.matmul(X, beta), alpha);
    const lik = T.sum(T.sub(T.mul(y, logits), T.softplus(logits)));
    if (!priors) return lik;
    return T.add(T.add(normalLp(alpha, 0, 5), T.sum(normalLp(beta, 0, 2.5))), lik);
  };
  const c5 = -Math.log(5) - HALF_LOG_2PI;
  const c25 = -Math.log(2.5) - HALF_LOG_2PI;
  const hand = (z: Float64Array, g: Float64Array): number => {
    const alpha = z[0] as number;
    let lp = 0;
    let ga = 0;
    for (let j = 0; j < d; j++) g[1 + j] = 0;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let l = alpha;
      for (let j = 0; j < d; j++) l += (Xd[row + j] as number) * (z[1 + j] as number);
      const e = Math.exp(-Math.abs(l));
      const yi = yd[i] as number;
      lp += yi * l - Math.max(l, 0) - Math.log1p(e);
      const w = yi - (l >= 0 ? 1 / (1 + e) : e / (1 + e));
      ga += w;
      for (let j = 0; j < d; j++) g[1 + j] = (g[1 + j] as number) + (Xd[row + j] as number) * w;
    }
    if (priors) {
      lp += -0.5 * (alpha / 5) * (alpha / 5) + c5;
      ga -= alpha / 25;
      for (let j = 0; j < d; j++) {
        const b = z[1 + j] as number;
        lp += -0.5 * (b / 2.5) * (b / 2.5) + c25;
        g[1 + j] = (g[1 + j] as number) - b / 6.25;
      }
    }
    g[0] = ga;
    return lp;
  };
  const z = new Float64Array(d + 1).map(() => r() * 0.4 - 0.2);
  const name = priors ? `logistic N=${n} D=${d} (sim_logistic)` : `logistic N=${n} D=${d} flat (wells)`;
  return { name, dim: d + 1, logp, hand, z };
}

/**
 * GP regression with a squared-exponential kernel (posteriordb gp_regr: n = 11; examples/gp-regression:
 * n = 30): z = [log rho, log alpha, log sigma], K = alpha²·exp(−d²/(2rho²)) + sigma²·I, y ~ MVN(0, K)
 * through L = cholesky(K) (the diagonal of L read as Σ_j L∘I, as the distributions do), standard normal
 * priors on the logs.
 */
export function gpRegression(n: number, seed = 3): DensityCase {
  const r = lcg(seed);
  const xs = Array.from({ length: n }, (_, i) => -3 + (6 * i) / (n - 1));
  const yd = new Float64Array(xs.map((x) => Math.sin(x) + (r() - 0.5) * 0.4));
  const x = T.tensor(xs);
  const y = T.tensor(yd);
  const logp = (z: Tensor): Tensor => {
    const lr = at(z, 0);
    const la = at(z, 1);
    const ls = at(z, 2);
    const rho = T.exp(lr);
    const alpha = T.exp(la);
    const sigma = T.exp(ls);
    const dd = T.sub(T.reshape(x, [n, 1]), T.reshape(x, [1, n]));
    const K = T.add(
      T.mul(T.square(alpha), T.exp(T.mul(T.div(T.square(dd), T.square(rho)), -0.5))),
      T.mul(T.eye(n), T.square(sigma)),
    );
    const L = T.cholesky(K);
    const w = T.triangularSolve(L, T.reshape(y, [n, 1]), { lower: true });
    const diag = T.sum(T.mul(L, T.eye(n)), -1);
    const lik = T.sub(T.sub(T.mul(T.sum(T.square(w)), -0.5), T.sum(T.log(diag))), n * HALF_LOG_2PI);
    const prior = T.add(T.add(normalLp(lr, 0, 1), normalLp(la, 0, 1)), normalLp(ls, 0, 1));
    return T.add(lik, prior);
  };
  const K = new Float64Array(n * n);
  const E = new Float64Array(n * n);
  const L = new Float64Array(n * n);
  const Li = new Float64Array(n * n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const hand = (z: Float64Array, g: Float64Array): number => {
    const lr = z[0] as number;
    const la = z[1] as number;
    const ls = z[2] as number;
    const rho2 = Math.exp(2 * lr);
    const a2 = Math.exp(2 * la);
    const s2 = Math.exp(2 * ls);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        const d = (xs[i] as number) - (xs[j] as number);
        const e = Math.exp((-0.5 * d * d) / rho2);
        E[i * n + j] = e;
        K[i * n + j] = a2 * e + (i === j ? s2 : 0);
      }
    // L Lᵀ = K
    for (let j = 0; j < n; j++) {
      let s = K[j * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[j * n + k] as number) * (L[j * n + k] as number);
      const dj = Math.sqrt(s);
      L[j * n + j] = dj;
      for (let i = j + 1; i < n; i++) {
        let t = K[i * n + j] as number;
        for (let k = 0; k < j; k++) t -= (L[i * n + k] as number) * (L[j * n + k] as number);
        L[i * n + j] = t / dj;
      }
    }
    // L⁻¹ (lower), column by column
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < j; i++) Li[i * n + j] = 0;
      Li[j * n + j] = 1 / (L[j * n + j] as number);
      for (let i = j + 1; i < n; i++) {
        let s = 0;
        for (let k = j; k < i; k++) s -= (L[i * n + k] as number) * (Li[k * n + j] as number);
        Li[i * n + j] = s / (L[i * n + i] as number);
      }
    }
    // w = L⁻¹ y, a = L⁻ᵀ w = K⁻¹ y
    let quad = 0;
    let logdet = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += (Li[i * n + k] as number) * (yd[k] as number);
      a[i] = s;
      quad += s * s;
      logdet += Math.log(L[i * n + i] as number);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (Li[k * n + i] as number) * (a[k] as number);
      b[i] = s;
    }
    // dlp/dK = ½(a aᵀ − K⁻¹), K⁻¹ = L⁻ᵀ L⁻¹; contract with dK/dθ over the lower triangle (symmetric)
    let gr = 0;
    let gal = 0;
    let gs = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let kinv = 0;
        for (let k = i; k < n; k++) kinv += (Li[k * n + i] as number) * (Li[k * n + j] as number);
        const w = (i === j ? 0.5 : 1) * ((b[i] as number) * (b[j] as number) - kinv);
        const e = E[i * n + j] as number;
        const ae = i === j ? a2 : a2 * e;
        const d = (xs[i] as number) - (xs[j] as number);
        gr += w * ae * ((d * d) / rho2);
        gal += w * 2 * ae;
        if (i === j) gs += w * 2 * s2;
      }
    g[0] = gr - lr;
    g[1] = gal - la;
    g[2] = gs - ls;
    return -0.5 * quad - logdet - n * HALF_LOG_2PI - 0.5 * (lr * lr + la * la + ls * ls) - 3 * HALF_LOG_2PI;
  };
  const z = new Float64Array([0.2, -0.1, -1.2]);
  return { name: `GP regression n=${n} (cholesky)`, dim: 3, logp, hand, z };
}

/**
 * GARCH(1,1) (posteriordb garch11: T = 200), the recurrence traced as a JavaScript loop of scalar ops:
 * z = [mu, log alpha0, logit alpha1, logit u], beta1 = u·(1 − alpha1), sigma_t² = alpha0 +
 * alpha1·(y_{t−1} − mu)² + beta1·sigma_{t−1}², y_t ~ N(mu, sigma_t), flat priors plus log-Jacobians.
 */
export function garch(t = 200, seed = 4): DensityCase {
  const r = lcg(seed);
  const yd = Array.from({ length: t }, () => 5 + (r() - 0.5) * 2);
  const sigma1 = 0.5;
  const logp = (z: Tensor): Tensor => {
    const mu = at(z, 0);
    const a0 = T.exp(at(z, 1));
    const a1 = T.logistic(at(z, 2));
    const u = T.logistic(at(z, 3));
    const b1 = T.mul(u, T.sub(1, a1));
    const sig: Tensor[] = [T.tensor(sigma1)];
    for (let k = 1; k < t; k++) {
      const prev = sig[k - 1] as Tensor;
      const e = T.sub(yd[k - 1] as number, mu);
      sig.push(T.sqrt(T.add(T.add(a0, T.mul(a1, T.square(e))), T.mul(b1, T.square(prev)))));
    }
    const lik = T.sum(normalLp(T.tensor(yd), mu, T.stack(sig)));
    // log-Jacobians: exp, two logistics, (1 − alpha1) for beta1
    const jac = T.add(
      T.add(at(z, 1), T.log(T.mul(a1, T.sub(1, a1)))),
      T.add(T.log(T.mul(u, T.sub(1, u))), T.log(T.sub(1, a1))),
    );
    return T.add(lik, jac);
  };
  const s2 = new Float64Array(t);
  const hand = (z: Float64Array, g: Float64Array): number => {
    const mu = z[0] as number;
    const a0 = Math.exp(z[1] as number);
    const a1 = 1 / (1 + Math.exp(-(z[2] as number)));
    const u = 1 / (1 + Math.exp(-(z[3] as number)));
    const b1 = u * (1 - a1);
    s2[0] = sigma1 * sigma1;
    for (let k = 1; k < t; k++) {
      const e = (yd[k - 1] as number) - mu;
      s2[k] = a0 + a1 * e * e + b1 * (s2[k - 1] as number);
    }
    let lp = 0;
    // backward: adjoint of s2[k], accumulated from the last step
    let adj = 0;
    let gmu = 0;
    let ga0 = 0;
    let ga1 = 0;
    let gb1 = 0;
    for (let k = t - 1; k >= 0; k--) {
      const v = s2[k] as number;
      const e = (yd[k] as number) - mu;
      lp += (-0.5 * (e * e)) / v - 0.5 * Math.log(v);
      gmu += e / v;
      adj += (0.5 * (e * e)) / (v * v) - 0.5 / v;
      if (k === 0) break;
      const ep = (yd[k - 1] as number) - mu;
      ga0 += adj;
      ga1 += adj * ep * ep;
      gmu -= adj * 2 * a1 * ep;
      gb1 += adj * (s2[k - 1] as number);
      adj *= b1;
    }
    lp -= t * HALF_LOG_2PI;
    lp += (z[1] as number) + Math.log(a1 * (1 - a1)) + Math.log(u * (1 - u)) + Math.log(1 - a1);
    g[0] = gmu;
    g[1] = ga0 * a0 + 1;
    // d/dz2 through a1 (and b1 = u(1 − a1)); Jacobian terms: log a1 + 2 log(1 − a1)
    const da1 = a1 * (1 - a1);
    g[2] = (ga1 - gb1 * u) * da1 + (1 - a1) - 2 * a1;
    g[3] = gb1 * (1 - a1) * u * (1 - u) + (1 - 2 * u);
    return lp;
  };
  const z = new Float64Array([5, -1, -1.5, 0.5]);
  return { name: `GARCH(1,1) T=${t} (scalar recurrence)`, dim: 4, logp, hand, z };
}

/**
 * Two-component normal mixture (posteriordb low_dim_gauss_mix: N = 1000): z = [mu(2), log sigma(2),
 * logit theta], y_i ~ theta·N(mu_0, sigma_0) + (1 − theta)·N(mu_1, sigma_1) through logaddexp, the
 * components read with `take` as the model does; mu ~ N(0, 2), sigma ~ N(0, 2) on the log scale.
 */
export function normalMixture(n = 1000, seed = 5): DensityCase {
  const r = lcg(seed);
  const yd = new Float64Array(n).map(() => (r() < 0.4 ? -1 : 2) + (r() - 0.5) * 1.5);
  const y = T.tensor(yd);
  const i0 = T.tensor(0, { dtype: "int32" });
  const i1 = T.tensor(1, { dtype: "int32" });
  const logp = (z: Tensor): Tensor => {
    const mu = T.slice(z, [0], [2]);
    const logSigma = T.slice(z, [2], [4]);
    const sigma = T.exp(logSigma);
    const theta = T.logistic(at(z, 4));
    const lp1 = normalLp(y, T.take(mu, i0), T.take(sigma, i0));
    const lp2 = normalLp(y, T.take(mu, i1), T.take(sigma, i1));
    const lik = T.sum(T.logaddexp(T.add(lp1, T.log(theta)), T.add(lp2, T.log1p(T.neg(theta)))));
    const prior = T.add(T.sum(normalLp(mu, 0, 2)), T.sum(normalLp(logSigma, 0, 2)));
    return T.add(T.add(lik, prior), T.log(T.mul(theta, T.sub(1, theta))));
  };
  const c2 = -Math.log(2) - HALF_LOG_2PI;
  const hand = (z: Float64Array, g: Float64Array): number => {
    const m0 = z[0] as number;
    const m1 = z[1] as number;
    const s0 = Math.exp(z[2] as number);
    const s1 = Math.exp(z[3] as number);
    const th = 1 / (1 + Math.exp(-(z[4] as number)));
    const la = Math.log(th) - Math.log(s0) - HALF_LOG_2PI;
    const lb = Math.log1p(-th) - Math.log(s1) - HALF_LOG_2PI;
    let lp = 0;
    let gm0 = 0;
    let gm1 = 0;
    let gs0 = 0;
    let gs1 = 0;
    let gw = 0;
    for (let i = 0; i < n; i++) {
      const yi = yd[i] as number;
      const d0 = (yi - m0) / s0;
      const d1 = (yi - m1) / s1;
      const a = la - 0.5 * d0 * d0;
      const b = lb - 0.5 * d1 * d1;
      const mx = Math.max(a, b);
      const e = Math.exp(-Math.abs(a - b));
      lp += mx + Math.log1p(e);
      const w = a > b ? 1 / (1 + e) : e / (1 + e); // responsibility of component 0
      gm0 += (w * d0) / s0;
      gm1 += ((1 - w) * d1) / s1;
      gs0 += w * (d0 * d0 - 1);
      gs1 += (1 - w) * (d1 * d1 - 1);
      gw += w;
    }
    const ls0 = z[2] as number;
    const ls1 = z[3] as number;
    lp += -0.125 * (m0 * m0 + m1 * m1 + ls0 * ls0 + ls1 * ls1) + 4 * c2 + Math.log(th * (1 - th));
    g[0] = gm0 - m0 / 4;
    g[1] = gm1 - m1 / 4;
    g[2] = gs0 - ls0 / 4;
    g[3] = gs1 - ls1 / 4;
    // d/dz4: Σ (w/θ − (1−w)/(1−θ))·θ(1−θ) + (1 − 2θ)
    g[4] = gw * (1 - th) - (n - gw) * th + (1 - 2 * th);
    return lp;
  };
  const z = new Float64Array([-1, 2, -0.3, -0.2, -0.4]);
  return { name: `normal mixture N=${n} (low_dim_gauss_mix)`, dim: 5, logp, hand, z };
}
