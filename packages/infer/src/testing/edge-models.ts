import { readFileSync } from "node:fs";
import {
  Bernoulli,
  Beta,
  Binomial,
  Categorical,
  Dirichlet,
  Exponential,
  Gamma,
  HalfCauchy,
  HalfNormal,
  ImproperUniform,
  InverseGamma,
  LKJ,
  LKJCholesky,
  LogNormal,
  MultivariateNormal,
  Normal,
  OrderedLogistic,
  OrderedTransform,
  orderedVector,
  Poisson,
  positiveOrderedVector,
  StudentT,
  TransformedDistribution,
  TruncatedNormal,
  Uniform,
  VonMises,
  Weibull,
  Wishart,
  WishartCholesky,
} from "@phlox/distributions";
import { factor, plate, reparam, sample } from "@phlox/handlers";
import { div, exp, eye, sigmoid, type Tensor, tensor, zeros } from "@phlox/tensor";
import { CircularReparam } from "../reparam/circular.js";
import { LocScaleReparam } from "../reparam/loc-scale.js";
import { TransformReparam } from "../reparam/transform.js";

// The model corpus of potential-edge.test.ts: fixtures/potential-edge.json (scripts/potential_edge_fixtures.py,
// NumPyro 0.21) and the same models written with Phlox.

export type Num = number;
/** Values (or gradients) by site name, flattened row-major. */
export type Z = Record<string, Num[]>;
export interface Point {
  label: string;
  z: Z;
  value: Num;
  grad: Z;
  /** NumPyro's un-jitted value and gradient, where they differ from the jitted ones. */
  eager?: { value: Num; grad: Z };
  /**
   * The true U (and, where it is finite, ∇U) at z, from a 60-digit decimal evaluation of the density in the
   * script (U from z exactly, ∇U by central differences at that precision); only for models in its TRUTH table.
   */
  truth?: { value: Num; grad?: Z };
}
export interface FixtureModel {
  name: string;
  data: Record<string, Num[] | Num[][]>;
  sites: { name: string; shape: number[] }[];
  points: Point[];
}
export const fx = JSON.parse(
  readFileSync(new URL("../../fixtures/potential-edge.json", import.meta.url), "utf8"),
  (_k, v) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? Number.NaN : v),
) as { numpyro: string; models: FixtureModel[] };

export type Data = Record<string, Tensor>;
const int = (d: FixtureModel["data"], k: string): Tensor => tensor(d[k] as Num[], { dtype: "int32" });

/** The fixture's models, written as in scripts/potential_edge_fixtures.py (data from the fixture). */
export const MODELS: Record<string, (d: Data) => void> = {
  eight_schools_centered(d) {
    const mu = sample("mu", new Normal(0, 5));
    const tau = sample("tau", new HalfCauchy(5));
    plate("school", 8, () => {
      const theta = sample("theta", new Normal(mu, tau));
      sample("obs", new Normal(theta, d.sigma), { obs: d.y });
    });
  },
  eight_schools_noncentered(d) {
    const mu = sample("mu", new Normal(0, 5));
    const tau = sample("tau", new HalfCauchy(5));
    plate("school", 8, () => {
      const raw = sample("theta_raw", new Normal(0, 1));
      sample("obs", new Normal(mu.add(tau.mul(raw)), d.sigma), { obs: d.y });
    });
  },
  halfnormal_scale(d) {
    const sigma = sample("sigma", new HalfNormal(2));
    plate("data", 5, () => sample("y", new Normal(0.5, sigma), { obs: d.y }));
  },
  halfcauchy_scale(d) {
    const mu = sample("mu", new Normal(0, 10));
    const sigma = sample("sigma", new HalfCauchy(1));
    plate("data", 5, () => sample("y", new Normal(mu, sigma), { obs: d.y }));
  },
  exponential_rate(d) {
    const lam = sample("lam", new Exponential(1));
    plate("data", 4, () => sample("y", new Exponential(lam), { obs: d.y }));
  },
  gamma_inverse_gamma(d) {
    const a = sample("a", new Gamma(2, 0.5));
    const b = sample("b", new InverseGamma(3, 2));
    plate("data", 4, () => sample("y", new Gamma(a, b), { obs: d.y }));
  },
  lognormal_scale(d) {
    const s = sample("s", new LogNormal(0, 1));
    plate("data", 4, () => sample("y", new Normal(0, s), { obs: d.y }));
  },
  beta_binomial(d) {
    const p = sample("p", new Beta(2, 3));
    plate("data", 3, () => sample("y", new Binomial(10, { probs: p }), { obs: d.y }));
  },
  uniform_interval(d) {
    const u = sample("u", new Uniform(-1, 3));
    plate("data", 3, () => sample("y", new Normal(u, 1), { obs: d.y }));
  },
  dirichlet_categorical(d) {
    const w = sample("w", new Dirichlet([1, 2, 3]));
    plate("data", 4, () => sample("y", new Categorical({ probs: w }), { obs: d.y }));
  },
  lkj_cholesky_mvn(d) {
    const L = sample("L", new LKJCholesky(3, 2));
    const sd = sample("sd", new HalfNormal(1).expand([3]).toEvent(1));
    plate("data", 4, () =>
      sample("y", new MultivariateNormal(zeros([3]), { scaleTril: sd.reshape([3, 1]).mul(L) }), { obs: d.y }),
    );
  },
  lkj_corr_mvn(d) {
    const C = sample("C", new LKJ(3, 1.5));
    plate("data", 4, () =>
      sample("y", new MultivariateNormal(zeros([3]), { covarianceMatrix: C }), { obs: d.y }),
    );
  },
  wishart_mvn(d) {
    const S = sample("S", new Wishart(5, { scaleTril: eye(3) }));
    plate("data", 4, () =>
      sample("y", new MultivariateNormal(zeros([3]), { covarianceMatrix: S }), { obs: d.y }),
    );
  },
  wishart_cholesky_mvn(d) {
    const L = sample("L", new WishartCholesky(5, { scaleTril: eye(3) }));
    plate("data", 4, () => sample("y", new MultivariateNormal(zeros([3]), { scaleTril: L }), { obs: d.y }));
  },
  ordered_logistic(d) {
    const c = sample("cutpoints", new ImproperUniform(orderedVector, [], [3]));
    factor("cutpoints_prior", new Normal(0, 3).logProb(c).sum());
    const beta = sample("beta", new Normal(0, 2));
    plate("data", 6, () => sample("y", new OrderedLogistic(beta.mul(d.x), c), { obs: d.y }));
  },
  ordered_transformed(d) {
    const base = new Normal(0, 1).expand([3]).toEvent(1);
    const mu = sample("mu", new TransformedDistribution(base, new OrderedTransform()));
    sample("y", new Normal(mu, 1).toEvent(1), { obs: d.y });
  },
  positive_ordered(d) {
    const a = sample("a", new ImproperUniform(positiveOrderedVector, [], [3]));
    factor("a_prior", new Gamma(2, 1).logProb(a).sum());
    sample("y", new Exponential(div(1, a)).toEvent(1), { obs: d.y });
  },
  bernoulli_logit_glm(d) {
    const a = sample("a", new Normal(0, 2));
    const b = sample("b", new Normal(0, 2));
    plate("data", 6, () => sample("y", new Bernoulli({ logits: a.add(b.mul(d.x)) }), { obs: d.y }));
  },
  bernoulli_probs_glm(d) {
    const a = sample("a", new Normal(0, 2));
    const b = sample("b", new Normal(0, 2));
    plate("data", 6, () => sample("y", new Bernoulli({ probs: sigmoid(a.add(b.mul(d.x))) }), { obs: d.y }));
  },
  binomial_logit_glm(d) {
    const a = sample("a", new Normal(0, 2));
    const b = sample("b", new Normal(0, 2));
    plate("data", 6, () => sample("y", new Binomial(d.n, { logits: a.add(b.mul(d.x)) }), { obs: d.y }));
  },
  poisson_exp_glm(d) {
    const a = sample("a", new Normal(0, 2));
    const b = sample("b", new Normal(0, 2));
    plate("data", 6, () => sample("y", new Poisson(exp(a.add(b.mul(d.x)))), { obs: d.y }));
  },
  student_t_df(d) {
    const nu = sample("nu", new Gamma(2, 0.1));
    const mu = sample("mu", new Normal(0, 5));
    const sigma = sample("sigma", new HalfNormal(5));
    plate("data", 5, () => sample("y", new StudentT(nu, mu, sigma), { obs: d.y }));
  },
  truncated_normal(d) {
    const x = sample("x", new TruncatedNormal(1, 2, { low: 0 }));
    const w = sample("w", new TruncatedNormal(-3, 1, { low: 0 }));
    const v = sample("v", new TruncatedNormal(0, 1, { low: -1, high: 2 }));
    sample("y", new Normal(x.add(w).add(v), 1).expand([2]).toEvent(1), { obs: d.y });
  },
  von_mises(d) {
    const mu = sample("mu", new VonMises(0, 2));
    const kappa = sample("kappa", new HalfNormal(5));
    plate("data", 4, () => sample("y", new VonMises(mu, kappa), { obs: d.y }));
  },
  weibull(d) {
    const k = sample("k", new Exponential(1));
    const lam = sample("lam", new HalfNormal(5));
    plate("data", 4, () => sample("y", new Weibull(lam, k), { obs: d.y }));
  },
};
// packages/infer's own reparameterisers on models above, as in the script
MODELS.eight_schools_locscale = reparam(MODELS.eight_schools_centered as (d: Data) => void, {
  theta: new LocScaleReparam(0),
});
MODELS.eight_schools_partial = reparam(MODELS.eight_schools_centered as (d: Data) => void, {
  theta: new LocScaleReparam(0.3),
});
MODELS.ordered_transform_reparam = reparam(MODELS.ordered_transformed as (d: Data) => void, {
  mu: new TransformReparam(),
});
MODELS.von_mises_circular = reparam(MODELS.von_mises as (d: Data) => void, { mu: new CircularReparam() });
/** Data passed as integer tensors (class indices). */
const INT_DATA: Record<string, string[]> = { dirichlet_categorical: ["y"], ordered_logistic: ["y"] };

/** The model's data as tensors (integer tensors where INT_DATA says so). */
export function buildData(m: FixtureModel): Data {
  const out: Data = {};
  for (const k of Object.keys(m.data)) {
    out[k] = INT_DATA[m.name]?.includes(k) ? int(m.data, k) : tensor(m.data[k] as Num[]);
  }
  return out;
}
