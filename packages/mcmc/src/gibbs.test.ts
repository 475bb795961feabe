import { effectiveSampleSize } from "@phlox/diagnostics";
import {
  Bernoulli,
  Binomial,
  Categorical,
  HalfCauchy,
  MultivariateNormal,
  Normal,
} from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { type Key, matmul, type Tensor, take, tensor } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import fixture from "../fixtures/gibbs_numpyro.json" with { type: "json" };
import { DiscreteHMCGibbs } from "./discrete-hmc-gibbs.js";
import { type GibbsFn, HMCGibbs } from "./hmc-gibbs.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import type { Kernel } from "./kernel.js";
import { MCMC } from "./mcmc.js";
import { MixedHMC } from "./mixed-hmc.js";

/** Draws as `{ data, shape }`, whether MCMC returns Tensors or `{ data, shape }` objects. */
function siteTensor(v: unknown): { dataSync(): ArrayLike<number>; shape: number[] } {
  const t = v as { dataSync?: () => ArrayLike<number>; data?: Float64Array; shape: number[] };
  const data = t.dataSync ? t.dataSync() : (t.data as Float64Array);
  return { dataSync: () => data, shape: [...t.shape] };
}

type Stats = { mean: number[]; sd: number[]; mcse: number[] };
const cases = fixture.cases as unknown as Record<string, Record<string, Stats>>;

/** Per element of a site: mean, sd and MCSE = sd/√ESS (NumPyro's effective_sample_size over chains). */
function siteStats(samples: Record<string, unknown>, name: string): Stats {
  const t = siteTensor(samples[name]);
  const [C, D] = t.shape;
  const data = t.dataSync() as ArrayLike<number>;
  const k = data.length / (C * D);
  const ess = effectiveSampleSize({ data: Float64Array.from(data), shape: [C, D, k] });
  const out: Stats = { mean: [], sd: [], mcse: [] };
  for (let j = 0; j < k; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < C * D; i++) s += data[i * k + j];
    const m = s / (C * D);
    for (let i = 0; i < C * D; i++) s2 += (data[i * k + j] - m) ** 2;
    const sd = Math.sqrt(s2 / (C * D - 1));
    out.mean.push(m);
    out.sd.push(sd);
    out.mcse.push(sd > 0 ? sd / Math.sqrt(ess[j]) : 0);
  }
  return out;
}

/** Phlox's mean within max(4 MCSE, 0.05 sd) of NumPyro's, the MCSE combining both runs. */
function expectMatchesNumPyro(samples: Record<string, unknown>, ref: Record<string, Stats>, sites: string[]) {
  for (const name of sites) {
    const mine = siteStats(samples, name);
    const theirs = ref[name];
    for (let j = 0; j < theirs.mean.length; j++) {
      const mcse = Math.hypot(mine.mcse[j], theirs.mcse[j]);
      const tol = Math.max(4 * mcse, 0.05 * theirs.sd[j]);
      const diff = Math.abs(mine.mean[j] - theirs.mean[j]);
      expect(
        diff,
        `${name}[${j}]: Phlox ${mine.mean[j]} vs NumPyro ${theirs.mean[j]} (tol ${tol})`,
      ).toBeLessThanOrEqual(tol);
    }
  }
}

async function run(
  kernel: Kernel,
  opts: { numWarmup: number; numSamples: number; numChains?: number },
  ...args: unknown[]
): Promise<{ mcmc: MCMC; samples: Record<string, unknown> }> {
  const mcmc = new MCMC(kernel, { ...opts, progressBar: false });
  await mcmc.run(0, ...args);
  return { mcmc, samples: mcmc.getSamples({ groupByChain: true }) as Record<string, unknown> };
}

/** XᵀX and Xᵀy of a data set, and its tensors. */
function regression(data: { X: number[][]; Y: number[] }) {
  const X = data.X;
  const Y = data.Y;
  const N = X.length;
  const P = X[0].length;
  const XX = new Float64Array(P * P);
  const XY = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < P; a++) {
      XY[a] += X[i][a] * Y[i];
      for (let b = 0; b < P; b++) XX[a * P + b] += X[i][a] * X[i][b];
    }
  }
  return {
    X,
    P,
    XX,
    XY,
    Xt: tensor(Float64Array.from(X.flat()), { shape: [N, P] }),
    Yt: tensor(Float64Array.from(Y)),
  };
}

/**
 * The exact conditional beta | sigma, y ~ N(Λ⁻¹ Xᵀy / σ², Λ⁻¹), Λ = XᵀX / σ² + I, by Cholesky Λ = L Lᵀ
 * (sigma from the HMC site `sigma`, or exp of `log_sigma`).
 */
function linearGibbsFn(XX: Float64Array, XY: Float64Array, P: number): GibbsFn {
  return (rngKey: Key, _gibbs, hmcSites) => {
    const sigma = hmcSites.sigma
      ? (hmcSites.sigma.dataSync() as ArrayLike<number>)[0]
      : Math.exp((hmcSites.log_sigma.dataSync() as ArrayLike<number>)[0]);
    const s2 = sigma * sigma;
    const L = new Float64Array(P * P);
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= i; j++) {
        let v = XX[i * P + j] / s2 + (i === j ? 1 : 0);
        for (let k = 0; k < j; k++) v -= L[i * P + k] * L[j * P + k];
        L[i * P + j] = i === j ? Math.sqrt(v) : v / L[j * P + j];
      }
    }
    const eps = new Normal(0, 1).sample(rngKey, [P]).dataSync() as ArrayLike<number>;
    // loc = Λ⁻¹ XY / σ²: forward then back substitution; beta = loc + L⁻ᵀ ε.
    const w = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      let v = XY[i] / s2;
      for (let k = 0; k < i; k++) v -= L[i * P + k] * w[k];
      w[i] = v / L[i * P + i];
    }
    const beta = new Float64Array(P);
    for (let i = P - 1; i >= 0; i--) {
      let v = w[i] + eps[i];
      for (let k = i + 1; k < P; k++) v -= L[k * P + i] * beta[k];
      beta[i] = v / L[i * P + i];
    }
    return { beta: tensor(beta) };
  };
}

describe("HMCGibbs on NumPyro's test_hmc_gibbs linear and Gaussian models", () => {
  const sigmaData = regression(fixture.linear as { X: number[][]; Y: number[] });
  const sigmaModel = (x: Tensor, y: Tensor): void => {
    const sigma = sample("sigma", new HalfCauchy(1)) as Tensor;
    const beta = sample("beta", new Normal(tensor(new Float64Array(x.shape[1])), 1)) as Tensor;
    sample("obs", new Normal(matmul(x, beta), sigma), { obs: y });
  };
  const logData = regression(fixture.linear_log_sigma as { X: number[][]; Y: number[] });
  const logSigmaModel = (x: Tensor, y: Tensor): void => {
    const logSigma = sample("log_sigma", new Normal(1, 1)) as Tensor;
    const beta = sample("beta", new Normal(tensor(new Float64Array(x.shape[1])), 1)) as Tensor;
    const mean = matmul(x, beta);
    deterministic("mean", mean);
    sample("obs", new Normal(mean, logSigma.exp()), { obs: y });
  };

  for (const [Inner, tag] of [
    [NUTS as typeof HMC, "nuts"],
    [HMC, "hmc"],
  ] as const) {
    test(`test_linear_model_sigma (N = 90, P = 40), ${tag.toUpperCase()} within Gibbs`, {
      timeout: 240_000,
    }, async () => {
      const { XX, XY, P, Xt, Yt } = sigmaData;
      const kernel = new HMCGibbs(new Inner(sigmaModel), linearGibbsFn(XX, XY, P), ["beta"]);
      const { mcmc, samples } = await run(kernel, { numWarmup: 500, numSamples: 500 }, Xt, Yt);
      expectMatchesNumPyro(samples, cases[`linear_sigma_${tag}`], ["beta", "sigma"]);
      // NumPyro's own assertions: beta ≈ e₁ (atol 0.05), sigma ≈ 0.07 (atol 0.25).
      siteStats(samples, "beta").mean.forEach((b, i) => {
        expect(Math.abs(b - (i === 0 ? 1 : 0))).toBeLessThan(0.05);
      });
      expect(Math.abs(siteStats(samples, "sigma").mean[0] - 0.07)).toBeLessThan(0.25);
      expect(mcmc.printSummary()).toMatch(/beta\[39\]/);
    });

    test(`test_linear_model_log_sigma (N = 100, P = 50), ${tag.toUpperCase()} within Gibbs`, {
      timeout: 240_000,
    }, async () => {
      const { X, XX, XY, P, Xt, Yt } = logData;
      const kernel = new HMCGibbs(new Inner(logSigmaModel), linearGibbsFn(XX, XY, P), ["beta"]);
      const { samples } = await run(kernel, { numWarmup: 500, numSamples: 500 }, Xt, Yt);
      expectMatchesNumPyro(samples, cases[`linear_log_sigma_${tag}`], ["beta", "log_sigma"]);
      siteStats(samples, "beta").mean.forEach((b, i) => {
        expect(Math.abs(b - (i === 0 ? 1 : 0))).toBeLessThan(0.05);
      });
      expect(Math.abs(Math.exp(siteStats(samples, "log_sigma").mean[0]) - 0.11)).toBeLessThan(0.25);
      // The deterministic site sees the Gibbs values: mean = X·beta at every draw.
      const b = siteTensor(samples.beta).dataSync();
      const mean = siteTensor(samples.mean).dataSync();
      const N = X.length;
      for (const d of [0, 250, 499]) {
        let dot = 0;
        for (let j = 0; j < P; j++) dot += X[3][j] * b[d * P + j];
        expect(mean[d * N + 3]).toBeCloseTo(dot, 8);
      }
    });

    test(`test_gaussian_model (D = 2, dense mass), ${tag.toUpperCase()} within Gibbs`, {
      timeout: 240_000,
    }, async () => {
      const g = fixture.gaussian;
      const A01 = tensor(g.A01);
      const A10 = tensor(g.A10);
      const model = (): void => {
        const x0 = sample("x0", new MultivariateNormal([0, 0], { covarianceMatrix: g.cov00 })) as Tensor;
        sample("x1", new MultivariateNormal(matmul(A10, x0), { covarianceMatrix: g.post1 }));
      };
      const gibbsFn: GibbsFn = (rngKey, _gibbs, hmcSites) => ({
        x0: new MultivariateNormal(matmul(A01, hmcSites.x1), { covarianceMatrix: g.post0 }).sample(rngKey),
      });
      const kernel = new HMCGibbs(new Inner(model, { denseMass: true }), gibbsFn, ["x0"]);
      const { samples } = await run(kernel, { numWarmup: 1000, numSamples: 3000 });
      expectMatchesNumPyro(samples, cases[`gaussian_${tag}`], ["x0", "x1"]);
      // NumPyro's assertions: means ≈ 0 (atol 0.25), sds ≈ sqrt(diag cov00) (rtol 0.05 for x0).
      const x0 = siteStats(samples, "x0");
      const x1 = siteStats(samples, "x1");
      for (const m of [...x0.mean, ...x1.mean]) expect(Math.abs(m)).toBeLessThan(0.25);
      for (let i = 0; i < 2; i++) {
        const sd = Math.sqrt(g.cov00[i][i]);
        expect(Math.abs(x0.sd[i] - sd) / sd).toBeLessThan(0.05);
      }
    });
  }
});

describe("DiscreteHMCGibbs and MixedHMC on NumPyro's discrete test models", () => {
  const sitesModel = (): void => {
    sample("x", new Bernoulli(0.7).expand([3]));
    sample("y", new Binomial(10, 0.3));
  };
  test("several discrete sites, two chains, no continuous site (test_discrete_gibbs_multiple_sites_chain)", {
    timeout: 240_000,
  }, async () => {
    for (const [name, kernel] of [
      ["multiple_sites_mixed", new MixedHMC(new HMC(sitesModel), { numDiscreteUpdates: 5 })],
      ["multiple_sites_discrete", new DiscreteHMCGibbs(new NUTS(sitesModel))],
    ] as const) {
      const { mcmc, samples } = await run(kernel, { numWarmup: 500, numSamples: 2500, numChains: 2 });
      expect(siteTensor(samples.x).shape).toEqual([2, 2500, 3]);
      expect(siteTensor(samples.y).shape).toEqual([2, 2500]);
      expectMatchesNumPyro(samples, cases[name], ["x", "y"]);
      const x = siteStats(samples, "x").mean;
      for (const m of x) expect(Math.abs(m - 0.7)).toBeLessThan(0.05);
      expect(Math.abs(siteStats(samples, "y").mean[0] - 3)).toBeLessThan(0.15);
      const values = new Set(Array.from(siteTensor(samples.y).dataSync() as ArrayLike<number>));
      for (const v of values) expect(Number.isInteger(v) && v >= 0 && v <= 10).toBe(true);
      expect(mcmc.printSummary()).toContain("y");
    }
  });

  const bernoulliModel = (): void => {
    sample("c", new Bernoulli(0.8));
  };
  test("Bernoulli(0.8) under every proposal (test_discrete_gibbs_bernoulli)", {
    timeout: 240_000,
  }, async () => {
    for (const randomWalk of [false, true]) {
      const tag = randomWalk ? "rw" : "gibbs";
      const kernels: [string, Kernel][] = [
        [
          `bernoulli_mixed_${tag}`,
          new MixedHMC(new HMC(bernoulliModel), { numDiscreteUpdates: 6, randomWalk }),
        ],
        [`bernoulli_discrete_${tag}`, new DiscreteHMCGibbs(new NUTS(bernoulliModel), { randomWalk })],
        [
          `bernoulli_discrete_${tag}_modified`,
          new DiscreteHMCGibbs(new NUTS(bernoulliModel), { randomWalk, modified: true }),
        ],
      ];
      for (const [name, kernel] of kernels) {
        const { samples } = await run(kernel, { numWarmup: 200, numSamples: 4000 });
        expectMatchesNumPyro(samples, cases[name], ["c"]);
        expect(Math.abs(siteStats(samples, "c").mean[0] - 0.8), name).toBeLessThan(0.05);
      }
    }
  });

  const gmmModel = (probs: Tensor, locs: Tensor): void => {
    const c = sample("c", new Categorical({ probs })) as Tensor;
    sample("x", new Normal(take(locs, c), 0.5));
  };
  const PROBS = tensor([0.15, 0.3, 0.3, 0.25]);
  const LOCS = tensor([-2, 0, 2, 4]);
  test("1-D Gaussian mixture with a discrete assignment (test_discrete_gibbs_gmm_1d)", {
    timeout: 300_000,
  }, async () => {
    for (const modified of [false, true]) {
      const tag = modified ? "_modified" : "";
      const kernels: [string, Kernel][] = [
        [
          `gmm_mixed${tag}`,
          new MixedHMC(new HMC(gmmModel, { trajectoryLength: 1.2 }), { numDiscreteUpdates: 20, modified }),
        ],
        [
          `gmm_discrete${tag}`,
          new DiscreteHMCGibbs(new NUTS(gmmModel, { trajectoryLength: 1.2 }), { modified }),
        ],
      ];
      for (const [name, kernel] of kernels) {
        const { samples } = await run(kernel, { numWarmup: 1000, numSamples: 20_000 }, PROBS, LOCS);
        expectMatchesNumPyro(samples, cases[name], ["c", "x"]);
        // Exact: E[x] = 1.3, Var[x] = 4.36, E[c] = 1.65, Var[c] = 1.0275, with NumPyro's tolerances (for
        // 200 000 draws) or 4 MCSE, whichever is wider: NUTS within Gibbs mixes slowly between the modes.
        const x = siteStats(samples, "x");
        const c = siteStats(samples, "c");
        expect(Math.abs(x.mean[0] - 1.3), name).toBeLessThan(Math.max(0.1, 4 * x.mcse[0]));
        expect(Math.abs(x.sd[0] ** 2 - 4.36), name).toBeLessThan(0.4);
        expect(Math.abs(c.mean[0] - 1.65), name).toBeLessThan(Math.max(0.1, 4 * c.mcse[0]));
        expect(Math.abs(c.sd[0] ** 2 - 1.03), name).toBeLessThan(0.1);
      }
    }
  });

  // A mixture with one Categorical assignment per observation (a plate of discrete sites) and a shared shift.
  const mixY = tensor([-2.1, -1.7, 0.2, 2.3, 1.9, 4.2]);
  const plateMixture = (obs: Tensor): void => {
    const loc = sample("loc", new Normal(0, 5)) as Tensor;
    plate("N", 6, () => {
      const c = sample("c", new Categorical({ probs: tensor([0.3, 0.4, 0.3]) })) as Tensor;
      sample("obs", new Normal(take(tensor([-2, 0, 2]), c).add(loc), 0.5), { obs });
    });
  };
  test("a plate of discrete assignments with a continuous shift, two chains", {
    timeout: 300_000,
  }, async () => {
    const kernels: [string, Kernel][] = [
      ["plate_mixture_discrete", new DiscreteHMCGibbs(new NUTS(plateMixture))],
      [
        "plate_mixture_mixed",
        new MixedHMC(new HMC(plateMixture, { trajectoryLength: 1 }), { numDiscreteUpdates: 12 }),
      ],
    ];
    for (const [name, kernel] of kernels) {
      const { samples } = await run(kernel, { numWarmup: 1000, numSamples: 5000, numChains: 2 }, mixY);
      expect(siteTensor(samples.c).shape).toEqual([2, 5000, 6]);
      expectMatchesNumPyro(samples, cases[name], ["c", "loc"]);
    }
  });
});
