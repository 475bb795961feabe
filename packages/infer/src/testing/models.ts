/** Models and hand-derived densities shared by this package's tests (not exported from the package). */
import { Bernoulli, HalfCauchy, Normal } from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import type { Tensor } from "@phlox/tensor";

export const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];
export const Y = [28, 8, -3, 7, -1, 1, 18, 12];
const LOG_2PI = Math.log(2 * Math.PI);

/** Centred eight schools. */
export function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const theta = sample("theta", new Normal(mu, tau));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/**
 * U and ∇U of centred eight schools at z = [mu, log tau, theta_1..8], written out by hand:
 * log p = log N(mu; 0, 5) + log HalfCauchy(tau; 5) + log tau + Σ log N(theta_j; mu, tau) + Σ log N(y_j; theta_j, σ_j).
 */
export function eightSchoolsPotential(z: Float64Array, grad: Float64Array): number {
  const mu = z[0];
  const s = z[1];
  const tau = Math.exp(s);
  let lp = -0.5 * (mu / 5) ** 2 - Math.log(5) - 0.5 * LOG_2PI;
  let dmu = -mu / 25;
  // HalfCauchy(5): log(2 / (π·5)) − log(1 + (τ/5)²); plus log|dτ/ds| = s.
  lp += Math.log(2 / (Math.PI * 5)) - Math.log1p((tau / 5) ** 2) + s;
  let ds = (-2 * (tau / 5) ** 2) / (1 + (tau / 5) ** 2) + 1;
  for (let j = 0; j < 8; j++) {
    const th = z[2 + j];
    const r = (th - mu) / tau;
    lp += -0.5 * r * r - s - 0.5 * LOG_2PI;
    dmu += r / tau;
    ds += r * r - 1;
    const q = (Y[j] - th) / SIGMA[j];
    lp += -0.5 * q * q - Math.log(SIGMA[j]) - 0.5 * LOG_2PI;
    grad[2 + j] = -(-r / tau + q / SIGMA[j]);
  }
  grad[0] = -dmu;
  grad[1] = -ds;
  return -lp;
}

/** Non-centred eight schools, written directly. */
export function eightSchoolsNonCentred(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const raw = sample("theta_decentered", new Normal(0, 1));
    const theta = mu.add(tau.mul(raw));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

/** Logistic regression with an intercept. */
export function logistic(X: Tensor, y?: Tensor): void {
  const [n, d] = X.shape;
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 2.5).expand([d]).toEvent(1));
  plate("data", n, () => sample("y", new Bernoulli({ logits: X.matmul(beta).add(alpha) }), { obs: y }));
}

/** U and ∇U of {@link logistic} at z = [alpha, beta_1..d], written out by hand. */
export function logisticPotential(X: number[][], y: number[], z: Float64Array, grad: Float64Array): number {
  const d = X[0].length;
  const alpha = z[0];
  let lp = -0.5 * (alpha / 5) ** 2 - Math.log(5) - 0.5 * LOG_2PI;
  grad[0] = alpha / 25;
  for (let k = 0; k < d; k++) {
    const b = z[1 + k];
    lp += -0.5 * (b / 2.5) ** 2 - Math.log(2.5) - 0.5 * LOG_2PI;
    grad[1 + k] = b / 6.25;
  }
  for (let i = 0; i < X.length; i++) {
    let eta = alpha;
    for (let k = 0; k < d; k++) eta += X[i][k] * z[1 + k];
    // log Bernoulli(y | logits η) = y·η − log(1 + e^η)
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    lp += y[i] * eta - softplus;
    const p = 1 / (1 + Math.exp(-eta));
    const g = -(y[i] - p);
    grad[0] += g;
    for (let k = 0; k < d; k++) grad[1 + k] += g * X[i][k];
  }
  return -lp;
}

/** Small deterministic data for the logistic regression tests. */
export function logisticData(n: number, d: number): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  let s = 12345;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let k = 0; k < d; k++) row.push(2 * rnd() - 1);
    X.push(row);
    y.push(rnd() < 0.5 ? 0 : 1);
  }
  return { X, y };
}
