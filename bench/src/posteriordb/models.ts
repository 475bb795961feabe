/**
 * Phlox models for the 16 reference posteriors in `../shared/reference/posteriordb/`. Each is written from the
 * Stan program's definition in the public stan-dev/posteriordb repository (same target density up to a
 * constant): bounded parameters get the distribution whose support matches the Stan bound, and Stan's implicit
 * flat priors are `ImproperUniform`.
 */
import {
  Bernoulli,
  Beta,
  Gamma,
  HalfCauchy,
  HalfNormal,
  ImproperUniform,
  MultivariateNormal,
  Normal,
  orderedVector,
  Poisson,
  positive,
  real,
  StudentT,
  Uniform,
} from "@phlox/distributions";
import { deterministic, factor, plate, sample, scan } from "@phlox/handlers";
import {
  cholesky,
  concatenate,
  exp,
  eye,
  log,
  log1p,
  logaddexp,
  matmul,
  neg,
  slice,
  sqrt,
  square,
  stack,
  sub,
  sum,
  type Tensor,
  tensor,
} from "@phlox/tensor";

/** A posteriordb data set as the reference JSON gives it. */
export type PosteriorData = Record<string, number | number[] | number[][]>;

/** A model plus the arguments built from its data. */
export interface PosteriorModel {
  model: (...args: never[]) => void;
  args: unknown[];
}

const vec = (x: unknown) => tensor(x as number[]);
const mat = (x: unknown) => tensor(x as number[][]);
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

function eightSchoolsCentered(sigma: Tensor, y: Tensor) {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const theta = sample("theta", new Normal(mu, tau));
    sample("y", new Normal(theta, sigma), { obs: y });
  });
}

function eightSchoolsNoncentered(sigma: Tensor, y: Tensor) {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const thetaTrans = sample("theta_trans", new Normal(0, 1));
    const theta = deterministic("theta", thetaTrans.mul(tau).add(mu));
    sample("y", new Normal(theta, sigma), { obs: y });
  });
}

function glmPoisson(year: Tensor, counts: Tensor) {
  const alpha = sample("alpha", new Uniform(-20, 20));
  const beta1 = sample("beta1", new Uniform(-10, 10));
  const beta2 = sample("beta2", new Uniform(-10, 10));
  const beta3 = sample("beta3", new Uniform(-10, 10));
  const logLambda = deterministic(
    "log_lambda",
    alpha
      .add(beta1.mul(year))
      .add(beta2.mul(square(year)))
      .add(beta3.mul(year.mul(square(year)))),
  );
  deterministic("lambda", exp(logLambda));
  plate("year", year.shape[0], () => sample("C", new Poisson(exp(logLambda)), { obs: counts }));
}

function arK(lags: Tensor, target: Tensor) {
  const k = lags.shape[1];
  const alpha = sample("alpha", new Normal(0, 10));
  const beta = sample("beta", new Normal(0, 10).expand([k]).toEvent(1));
  const sigma = sample("sigma", new HalfCauchy(2.5));
  const mu = matmul(lags, beta).add(alpha);
  plate("t", target.shape[0], () => sample("y", new Normal(mu, sigma), { obs: target }));
}

function garch11(y: number[], sigma1: number) {
  const mu = sample("mu", new ImproperUniform(real, [], []));
  const alpha0 = sample("alpha0", new ImproperUniform(positive, [], []));
  const alpha1 = sample("alpha1", new Uniform(0, 1));
  // beta1 ∈ (0, 1 − alpha1) with a flat density: beta1 = (1 − alpha1)·u, u ∈ (0, 1), Jacobian (1 − alpha1).
  const u = sample("beta1_unit", new Uniform(0, 1));
  const oneMinusA1 = neg(alpha1).add(1);
  const beta1 = deterministic("beta1", u.mul(oneMinusA1));
  factor("beta1_jacobian", log(oneMinusA1));
  const sigmas: Tensor[] = [tensor(sigma1)];
  for (let t = 1; t < y.length; t++) {
    const prev = sigmas[t - 1];
    sigmas.push(sqrt(alpha0.add(alpha1.mul(square(sub(y[t - 1], mu)))).add(beta1.mul(square(prev)))));
  }
  const sigma = stack(sigmas);
  plate("t", y.length, () => sample("y", new Normal(mu, sigma), { obs: tensor(y) }));
}

/** arK with the recursion written as a scan over time (the carry is the window of the last K values). */
function arKScan(y: Tensor, K: number) {
  const alpha = sample("alpha", new Normal(0, 10));
  const beta = sample("beta", new Normal(0, 10).expand([K]).toEvent(1));
  const sigma = sample("sigma", new HalfCauchy(2.5));
  const n = y.shape[0] as number;
  // window[k] = y[t − k − 1]
  const init = stack(Array.from({ length: K }, (_, k) => slice(y, [K - 1 - k], [K - k]).reshape([])));
  scan(
    (window: Tensor, yt: Tensor) => {
      sample("y", new Normal(sum(window.mul(beta)).add(alpha), sigma), { obs: yt });
      return [concatenate([yt.reshape([1]), slice(window, [0], [K - 1])]), null];
    },
    init,
    slice(y, [K], [n]),
  );
}

/** garch11 with the volatility recursion written as a scan. */
function garch11Scan(y: number[], sigma1: number) {
  const mu = sample("mu", new ImproperUniform(real, [], []));
  const alpha0 = sample("alpha0", new ImproperUniform(positive, [], []));
  const alpha1 = sample("alpha1", new Uniform(0, 1));
  const u = sample("beta1_unit", new Uniform(0, 1));
  const oneMinusA1 = neg(alpha1).add(1);
  const beta1 = deterministic("beta1", u.mul(oneMinusA1));
  factor("beta1_jacobian", log(oneMinusA1));
  const yt = tensor(y);
  const n = y.length;
  sample("y0", new Normal(mu, sigma1), { obs: slice(yt, [0], [1]).reshape([]) });
  scan(
    ([prev, yPrev]: [Tensor, Tensor], ycur: Tensor) => {
      const s = sqrt(alpha0.add(alpha1.mul(square(sub(yPrev, mu)))).add(beta1.mul(square(prev))));
      sample("y", new Normal(mu, s), { obs: ycur });
      return [[s, ycur] as [Tensor, Tensor], null];
    },
    [tensor(sigma1), slice(yt, [0], [1]).reshape([])] as [Tensor, Tensor],
    slice(yt, [1], [n]),
  );
}

function sqExpCov(x: Tensor, alpha: Tensor, rho: Tensor): Tensor {
  const d = sub(x.reshape([-1, 1]), x.reshape([1, -1]));
  return square(alpha).mul(exp(square(d).div(square(rho)).mul(-0.5)));
}

function gpPoisRegr(x: Tensor, k: Tensor) {
  const n = x.shape[0];
  const rho = sample("rho", new Gamma(25, 4));
  const alpha = sample("alpha", new HalfNormal(2));
  const fTilde = sample("f_tilde", new Normal(0, 1).expand([n]).toEvent(1));
  const L = cholesky(sqExpCov(x, alpha, rho).add(eye(n).mul(1e-10)));
  const f = deterministic("f", matmul(L, fTilde.reshape([n, 1])).reshape([n]));
  plate("data", n, () => sample("k", new Poisson(exp(f)), { obs: k }));
}

function gpRegr(x: Tensor, y: Tensor) {
  const n = x.shape[0];
  const rho = sample("rho", new Gamma(25, 4));
  const alpha = sample("alpha", new HalfNormal(2));
  const sigma = sample("sigma", new HalfNormal(1));
  const cov = sqExpCov(x, alpha, rho).add(eye(n).mul(sigma));
  sample("y", new MultivariateNormal(0, { scaleTril: cholesky(cov) }), { obs: y });
}

function kilpisjarvi(
  x: Tensor,
  y: Tensor,
  p: { pmualpha: number; psalpha: number; pmubeta: number; psbeta: number },
) {
  const alpha = sample("alpha", new Normal(p.pmualpha, p.psalpha));
  const beta = sample("beta", new Normal(p.pmubeta, p.psbeta));
  const sigma = sample("sigma", new ImproperUniform(positive, [], []));
  plate("data", x.shape[0], () => sample("y", new Normal(alpha.add(beta.mul(x)), sigma), { obs: y }));
}

function lowDimGaussMix(y: Tensor) {
  const mu = sample("mu", new ImproperUniform(orderedVector, [], [2]));
  factor("mu_prior", sum(new Normal(0, 2).logProb(mu)));
  const sigma = sample("sigma", new HalfNormal(2).expand([2]).toEvent(1));
  const theta = sample("theta", new Beta(5, 5));
  const lp1 = new Normal(
    mu.take(tensor(0, { dtype: "int32" })),
    sigma.take(tensor(0, { dtype: "int32" })),
  ).logProb(y);
  const lp2 = new Normal(
    mu.take(tensor(1, { dtype: "int32" })),
    sigma.take(tensor(1, { dtype: "int32" })),
  ).logProb(y);
  factor("lik", sum(logaddexp(lp1.add(log(theta)), lp2.add(log1p(neg(theta))))));
}

function linearFlat(X: Tensor, y: Tensor) {
  const beta = sample("beta", new ImproperUniform(real, [], [X.shape[1]]));
  const sigma = sample("sigma", new ImproperUniform(positive, [], []));
  plate("data", y.shape[0], () => sample("y", new Normal(matmul(X, beta), sigma), { obs: y }));
}

function blr(X: Tensor, y: Tensor) {
  const beta = sample("beta", new Normal(0, 10).expand([X.shape[1]]).toEvent(1));
  const sigma = sample("sigma", new HalfNormal(10));
  plate("data", y.shape[0], () => sample("y", new Normal(matmul(X, beta), sigma), { obs: y }));
}

function diamonds(Xc: Tensor, y: Tensor) {
  const b = sample("b", new Normal(0, 1).expand([Xc.shape[1]]).toEvent(1));
  const intercept = sample("Intercept", new StudentT(3, 8, 10));
  const sigma = sample("sigma", new ImproperUniform(positive, [], []));
  factor("sigma_prior", new StudentT(3, 0, 10).logProb(sigma));
  plate("data", y.shape[0], () => sample("Y", new Normal(matmul(Xc, b).add(intercept), sigma), { obs: y }));
}

function logisticFlat(X: Tensor, y: Tensor) {
  const alpha = sample("alpha", new ImproperUniform(real, [], []));
  const beta = sample("beta", new ImproperUniform(real, [], [X.shape[1]]));
  plate("data", y.shape[0], () =>
    sample("y", new Bernoulli({ logits: matmul(X, beta).add(alpha) }), { obs: y }),
  );
}

function logisticSim(X: Tensor, y: Tensor) {
  const alpha = sample("alpha", new Normal(0, 5));
  const beta = sample("beta", new Normal(0, 2.5).expand([X.shape[1]]).toEvent(1));
  plate("data", y.shape[0], () =>
    sample("y", new Bernoulli({ logits: matmul(X, beta).add(alpha) }), { obs: y }),
  );
}

function radon(centered: boolean) {
  return (J: number, county: Tensor, logUppm: Tensor, floor: Tensor, logRadon: Tensor) => {
    const muAlpha = sample("mu_alpha", new Normal(0, 10));
    const sigmaAlpha = sample("sigma_alpha", new HalfNormal(1));
    const sigmaY = sample("sigma_y", new HalfNormal(1));
    const beta = sample("beta", new Normal(0, 10).expand([2]).toEvent(1));
    const alpha = plate("county", J, () => {
      if (centered) return sample("alpha", new Normal(muAlpha, sigmaAlpha));
      const raw = sample("alpha_raw", new Normal(0, 1));
      return deterministic("alpha", raw.mul(sigmaAlpha).add(muAlpha));
    });
    const b0 = beta.take(tensor(0, { dtype: "int32" }));
    const b1 = beta.take(tensor(1, { dtype: "int32" }));
    const mu = alpha.take(county).add(logUppm.mul(b0)).add(floor.mul(b1));
    plate("house", logRadon.shape[0], () => sample("log_radon", new Normal(mu, sigmaY), { obs: logRadon }));
  };
}

/** Builds the model and its arguments for a posterior name (the reference file's `name`). */
export function buildPosterior(name: string, data: PosteriorData): PosteriorModel {
  const d = data as Record<string, never>;
  switch (name) {
    case "eight_schools-eight_schools_centered":
      return { model: eightSchoolsCentered as never, args: [vec(d.sigma), vec(d.y)] };
    case "eight_schools-eight_schools_noncentered":
      return { model: eightSchoolsNoncentered as never, args: [vec(d.sigma), vec(d.y)] };
    case "GLM_Poisson_Data-GLM_Poisson_model":
      return { model: glmPoisson as never, args: [vec(d.year), vec(d.C)] };
    case "arK-arK": {
      const y = d.y as number[];
      const K = d.K as number;
      const lags: number[][] = [];
      for (let t = K; t < y.length; t++) lags.push(Array.from({ length: K }, (_, k) => y[t - k - 1]));
      return { model: arK as never, args: [mat(lags), vec(y.slice(K))] };
    }
    case "garch-garch11":
      return { model: garch11 as never, args: [d.y, d.sigma1] };
    case "garch-garch11:scan":
      return { model: garch11Scan as never, args: [d.y, d.sigma1] };
    case "arK-arK:scan":
      return { model: arKScan as never, args: [vec(d.y), d.K] };
    case "gp_pois_regr-gp_pois_regr":
      return { model: gpPoisRegr as never, args: [vec(d.x), vec(d.k)] };
    case "gp_pois_regr-gp_regr":
      return { model: gpRegr as never, args: [vec(d.x), vec(d.y)] };
    case "kilpisjarvi_mod-kilpisjarvi":
      return { model: kilpisjarvi as never, args: [vec(d.x), vec(d.y), d] };
    case "low_dim_gauss_mix-low_dim_gauss_mix":
      return { model: lowDimGaussMix as never, args: [vec(d.y)] };
    case "nes1972-nes": {
      const n = d.N as number;
      const age = d.age_discrete as number[];
      const rows: number[][] = [];
      for (let i = 0; i < n; i++) {
        rows.push([
          1,
          (d.real_ideo as number[])[i],
          (d.race_adj as number[])[i],
          age[i] === 2 ? 1 : 0,
          age[i] === 3 ? 1 : 0,
          age[i] === 4 ? 1 : 0,
          (d.educ1 as number[])[i],
          (d.gender as number[])[i],
          (d.income as number[])[i],
        ]);
      }
      return { model: linearFlat as never, args: [mat(rows), vec(d.partyid7)] };
    }
    case "sblrc-blr":
      return { model: blr as never, args: [mat(d.X), vec(d.y)] };
    case "diamonds-diamonds": {
      const X = d.X as number[][];
      const K = d.K as number;
      const means = Array.from({ length: K - 1 }, (_, j) => mean(X.map((r) => r[j + 1])));
      const Xc = X.map((r) => r.slice(1).map((v, j) => v - means[j]));
      return { model: diamonds as never, args: [mat(Xc), vec(d.Y)] };
    }
    case "wells_data-wells_dae_inter_model": {
      const dist = d.dist as number[];
      const ars = d.arsenic as number[];
      const educ = d.educ as number[];
      const md = mean(dist);
      const ma = mean(ars);
      const me = mean(educ);
      const rows = dist.map((_, i) => {
        const cd = (dist[i] - md) / 100;
        const ca = ars[i] - ma;
        const ce = (educ[i] - me) / 4;
        return [cd, ca, ce, cd * ca, cd * ce, ca * ce];
      });
      return { model: logisticFlat as never, args: [mat(rows), vec(d.switched)] };
    }
    case "sim_logistic_N10000_D10":
      return { model: logisticSim as never, args: [mat(d.X), vec(d.y)] };
    case "radon_mn-radon_hierarchical_intercept_centered":
    case "radon_mn-radon_hierarchical_intercept_noncentered": {
      const county = tensor(
        (d.county_idx as number[]).map((c) => c - 1),
        { dtype: "int32" },
      );
      const model = radon(name.endsWith("_centered"));
      return {
        model: model as never,
        args: [d.J, county, vec(d.log_uppm), vec(d.floor_measure), vec(d.log_radon)],
      };
    }
    default:
      throw new Error(`no Phlox model for posterior "${name}"`);
  }
}

/** Posterior names, fast ones first (the CI test runs the first few). */
export const POSTERIORS = [
  "eight_schools-eight_schools_noncentered",
  "kilpisjarvi_mod-kilpisjarvi",
  "sblrc-blr",
  "arK-arK",
  "GLM_Poisson_Data-GLM_Poisson_model",
  "gp_pois_regr-gp_regr",
  "eight_schools-eight_schools_centered",
  "low_dim_gauss_mix-low_dim_gauss_mix",
  "garch-garch11",
  "garch-garch11:scan",
  "arK-arK:scan",
  "gp_pois_regr-gp_pois_regr",
  "nes1972-nes",
  "radon_mn-radon_hierarchical_intercept_noncentered",
  "radon_mn-radon_hierarchical_intercept_centered",
  "wells_data-wells_dae_inter_model",
  "sim_logistic_N10000_D10",
  "diamonds-diamonds",
] as const;
