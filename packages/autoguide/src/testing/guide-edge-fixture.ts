/**
 * The shared part of the guide-edge tests (src/guide-edge.test.ts, src/guide-edge-laplace-flows.test.ts): the
 * NumPyro 0.21 fixture fixtures/guide-edge.json (written by scripts/guide_edge_fixtures.py) and its types, the
 * models it was computed on, and the comparison helpers.
 */
import { readFileSync } from "node:fs";
import {
  Beta,
  Dirichlet,
  Gamma,
  HalfCauchy,
  ImproperUniform,
  LKJCholesky,
  LogNormal,
  Normal,
  orderedVector,
  Uniform,
} from "@phlox/distributions";
import { deterministic, factor, plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import type { Params, PotentialModel } from "@phlox/vi";
import type { AutoContinuous } from "../auto-continuous.js";
import { AutoDelta } from "../auto-delta.js";
import { AutoLaplaceApproximation } from "../auto-laplace-approximation.js";
import { AutoLowRankMultivariateNormal, AutoMultivariateNormal } from "../auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "../auto-normal.js";

export type Enc = { data: number[]; shape: number[] };
export interface Point {
  z: number[];
  logQ: number;
  /** NumPyro's `log_density(model) − log_density(guide)` with the latent substituted, negated. */
  negElbo: number;
  /** The same sum formed by NumPyro's primitives from z itself (no constrained → unconstrained round trip). */
  negElboFromZ: number;
}
export interface GuideCase {
  guide: string;
  params: Record<string, Enc>;
  median: Record<string, number[]>;
  quantiles?: Record<string, number[]>;
  points?: Point[];
  transform?: { loc: number[]; scaleTril: number[] };
  covariance?: number[];
  negElbo?: number;
}
export interface LaplaceCase {
  params: Record<string, Enc>;
  hessian: number[];
  minEigenvalue: number;
  numpyroWarned: boolean;
  scaleTril: number[];
  covariance: number[];
  median: Record<string, number[]>;
  quantiles: Record<string, number[]>;
  negElbo: number;
}
export interface FlowPoint {
  eps: number[];
  z: number[];
  logDet: number;
  logQ: number;
  negElbo: number;
}
export interface FlowCase {
  numFlows: number;
  hiddenDims?: number[];
  hiddenFactors?: number[];
  params: Record<string, Enc>;
  points: FlowPoint[];
}
export interface Fixture {
  y: number[];
  levels: number[];
  latentSites: { name: string; shape: number[] }[];
  cases: Record<string, GuideCase>;
  laplace: Record<"map" | "offMode" | "indefinite", LaplaceCase>;
  initValues: Record<string, number | number[] | number[][]>;
  init: Record<string, { model: "mixed" | "mean"; initScale: number | null; params: Record<string, Enc> }>;
  flows: Record<string, FlowCase>;
}
export const fx = JSON.parse(
  readFileSync(new URL("../../fixtures/guide-edge.json", import.meta.url), "utf8"),
) as Fixture;

// ------------------------------------------------------------------------------------------ models
export const y = tensor(fx.y);

/** One latent site per constraint (scripts/guide_edge_fixtures.py's `mixed`). */
export function mixed(obs: Tensor): void {
  const mu = sample("mu", new Normal(0, 10));
  const sigma = sample("sigma", new LogNormal(0, 1));
  sample("p", new Beta(2, 3));
  sample("u", new Uniform(-1, 3));
  sample("w", new Dirichlet(tensor([1, 2, 3])));
  sample("L", new LKJCholesky(3, 2));
  const c = sample("c", new ImproperUniform(orderedVector, [], [3]));
  factor("c_prior", new Normal(0, 2).logProb(c).sum());
  plate("J", 2, () => sample("tau", new HalfCauchy(1)));
  deterministic("s2", sigma.mul(sigma));
  plate("N", 5, () => sample("y", new Normal(mu, sigma), { obs }));
}

/** Every site has a finite prior mean (for initToMean). */
export function meanModel(): void {
  sample("a", new Normal(1.5, 2));
  sample("b", new LogNormal(0.3, 0.5));
  sample("p", new Beta(2, 3));
  sample("u", new Uniform(-1, 3));
  sample("w", new Dirichlet(tensor([1, 2, 3])));
  plate("J", 2, () => sample("g", new Gamma(tensor([2, 5]), 3)));
}

/** Four latent dimensions for the flows. */
export function flowModel(): void {
  const mu = sample("mu", new Normal(0, 2));
  const sigma = sample("sigma", new LogNormal(0, 1));
  sample("w", new Dirichlet(tensor([1, 2, 3])));
  plate("N", 5, () => sample("y", new Normal(mu, sigma), { obs: y }));
}

/** U ≡ 0 over the mixed model's unconstrained layout: a particle's value is then log q(z) alone. */
export function zeroPotential(): PotentialModel {
  let off = 0;
  const layout = fx.latentSites.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const l = { name: s.name, shape: [...s.shape], offset: off, size };
    off += size;
    return l;
  });
  return {
    dim: off,
    initialZ: new Float64Array(off),
    layout,
    potentialFn: (_z, g) => {
      g.fill(0);
      return 0;
    },
  };
}

export const makers: Record<string, (m: unknown, o?: Record<string, unknown>) => AutoContinuous> = {
  AutoNormal: (m, o) => new AutoNormal(m, o),
  AutoDiagonalNormal: (m, o) => new AutoDiagonalNormal(m, o),
  AutoMultivariateNormal: (m, o) => new AutoMultivariateNormal(m, o),
  AutoLowRankMultivariateNormal: (m, o) => new AutoLowRankMultivariateNormal(m, o),
  AutoLaplaceApproximation: (m, o) => new AutoLaplaceApproximation(m, o),
  AutoDelta: (m, o) => new AutoDelta(m, o),
};

// ------------------------------------------------------------------------------------------ helpers
export const toParams = (p: Record<string, Enc>): Params =>
  Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, { data: Float64Array.from(v.data), shape: [...v.shape] }]),
  );
export const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

/**
 * Elementwise |a − e| ≤ rtol·|e| + atol; returns the failing entries (empty when all agree), so a failure
 * names every disagreement at once.
 */
export function mismatches(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-9,
  atol = 0,
): string[] {
  if (actual.length !== expected.length) return [`${label}: length ${actual.length} ≠ ${expected.length}`];
  const out: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = a === e || Math.abs(a - e) <= rtol * Math.abs(e) + atol;
    if (!ok) out.push(`${label}[${i}]: Phlox ${a}, NumPyro ${e}`);
  }
  return out;
}

/** Site-by-site comparison of a `{ site: Tensor }` result with NumPyro's `{ site: number[] }`. */
export function siteMismatches(
  label: string,
  actual: Record<string, Tensor>,
  expected: Record<string, number[]>,
  rtol = 1e-9,
): string[] {
  const out: string[] = [];
  const got = Object.keys(actual).sort().join(", ");
  const want = Object.keys(expected).sort().join(", ");
  if (got !== want) out.push(`${label}: sites ${got} ≠ NumPyro's ${want}`);
  for (const [k, v] of Object.entries(expected))
    out.push(...mismatches(`${label}.${k}`, f64(actual[k]), v, rtol));
  return out;
}

/** The noise ε (family layout) that a guide's particle maps to the unconstrained latent z. */
export function noiseFor(c: GuideCase, z: number[]): Float64Array {
  const D = z.length;
  const p = c.params;
  if (c.guide === "AutoNormal") {
    let off = 0;
    const eps = new Float64Array(D);
    for (const s of fx.latentSites) {
      const loc = p[`${s.name}_auto_loc`].data;
      const scale = p[`${s.name}_auto_scale`].data;
      for (let i = 0; i < loc.length; i++) eps[off + i] = (z[off + i] - loc[i]) / scale[i];
      off += loc.length;
    }
    return eps;
  }
  const loc = p.auto_loc.data;
  if (c.guide === "AutoDiagonalNormal")
    return Float64Array.from(z, (v, i) => (v - loc[i]) / p.auto_scale.data[i]);
  if (c.guide === "AutoMultivariateNormal") {
    const L = p.auto_scale_tril.data;
    const eps = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let r = z[i] - loc[i];
      for (let j = 0; j < i; j++) r -= L[i * D + j] * eps[j];
      eps[i] = r / L[i * D + i];
    }
    return eps;
  }
  // low rank: noise [η (R), ε (D)] with z = loc + s ⊙ (V η + ε); η = 0 is one preimage (log q depends on z only)
  const R = p.auto_cov_factor.shape[1];
  const eps = new Float64Array(R + D);
  for (let i = 0; i < D; i++) eps[R + i] = (z[i] - loc[i]) / p.auto_scale.data[i];
  return eps;
}

export const particle = (
  guide: AutoContinuous,
  args: unknown[],
  params: Params,
  eps: Float64Array,
): number => {
  const setup = guide.setup(0, args);
  const u = setup.unconstrainParams(params);
  return setup.particle(u, eps, new Float64Array(setup.numParams), "elbo", 0, 0);
};
