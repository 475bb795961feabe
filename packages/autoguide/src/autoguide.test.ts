import { readFileSync } from "node:fs";
import { ConstraintError, PhloxError, type Tensor } from "@phlox/tensor";
import {
  Adam,
  exponentialDecay,
  minimize,
  paramValues,
  RenyiELBO,
  SVI,
  TraceELBO,
  TraceMeanFieldELBO,
} from "@phlox/vi";
import { describe, expect, it } from "vitest";
import type { AutoContinuous } from "./auto-continuous.js";
import { AutoDelta } from "./auto-delta.js";
import { AutoIAFNormal } from "./auto-iaf-normal.js";
import { AutoLaplaceApproximation } from "./auto-laplace-approximation.js";
import { AutoLowRankMultivariateNormal, AutoMultivariateNormal } from "./auto-multivariate-normal.js";
import { AutoDiagonalNormal, AutoNormal } from "./auto-normal.js";
import { betaBernoulli, gaussianPotential, logisticPotential } from "./testing/potentials.js";

/** A Float64Array copy of a tensor's elements. */
const f64 = (t: { dataSync(): ArrayLike<number> }): Float64Array => Float64Array.from(t.dataSync());

interface LogisticFixture {
  x: number[];
  y: number[];
  priorScale: { alpha: number; beta: number };
  quantileLevels: number[];
  posterior: Record<"alpha" | "beta", { mean: number; sd: number; quantiles: number[] }>;
  map: number[];
  hessianAtMap: number[][];
}
const fx = JSON.parse(
  readFileSync(new URL("../fixtures/logistic-regression.json", import.meta.url), "utf8"),
) as LogisticFixture;

const fit = (
  model: unknown,
  guide: AutoContinuous,
  steps: number,
  particles = 1,
  lr = 0.05,
): Record<string, Tensor> => {
  const svi = new SVI(
    model,
    guide,
    new Adam(exponentialDecay(lr, steps, 0.02)),
    new TraceELBO({ numParticles: particles }),
  );
  return svi.run(7, steps).params;
};

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

describe("conjugate Normal–Normal: the optimal Gaussian guide is the exact posterior (≤ 2% on mean and sd)", () => {
  const m = [1, -2, 0.5];
  const indep = gaussianPotential(m, [4, 0, 0, 0, 1, 0, 0, 0, 0.25]);
  const sd = [0.5, 1, 2];
  for (const [name, make] of [
    ["AutoNormal", () => new AutoNormal(indep)],
    ["AutoDiagonalNormal", () => new AutoDiagonalNormal(indep)],
  ] as const) {
    it(`${name} recovers the independent posterior`, () => {
      const guide = make();
      const params = fit(indep, guide, 4000, 32, 0.02);
      const loc = name === "AutoNormal" ? params.theta_auto_loc.dataSync() : params.auto_loc.dataSync();
      const scale = name === "AutoNormal" ? params.theta_auto_scale.dataSync() : params.auto_scale.dataSync();
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(loc[i] - m[i])).toBeLessThan(0.02 * sd[i]);
        expect(Math.abs(scale[i] / sd[i] - 1)).toBeLessThan(0.02);
      }
    });
  }

  // Λ = [[2, 0.8], [0.8, 1]] → Σ = Λ⁻¹
  const corr = gaussianPotential([0.7, -1.3], [2, 0.8, 0.8, 1]);
  const det = 2 - 0.64;
  const Sigma = [1 / det, -0.8 / det, -0.8 / det, 2 / det];
  for (const [name, make] of [
    ["AutoMultivariateNormal", () => new AutoMultivariateNormal(corr)],
    ["AutoLowRankMultivariateNormal", () => new AutoLowRankMultivariateNormal(corr, { rank: 1 })],
    ["AutoLaplaceApproximation", () => new AutoLaplaceApproximation(corr)],
  ] as const) {
    it(`${name} recovers the correlated posterior (mean, sd and correlation)`, () => {
      const guide = make();
      const params = fit(corr, guide, 5000, 32, 0.02);
      const post = guide.getPosterior(params);
      for (let i = 0; i < 2; i++) {
        const s = Math.sqrt(Sigma[i * 3]);
        expect(Math.abs(post.loc[i] - [0.7, -1.3][i])).toBeLessThan(0.02 * s);
        expect(Math.abs(Math.sqrt(post.covariance[i * 3]) / s - 1)).toBeLessThan(0.02);
      }
      const rho = post.covariance[1] / Math.sqrt(post.covariance[0] * post.covariance[3]);
      expect(Math.abs(rho - Sigma[1] / Math.sqrt(Sigma[0] * Sigma[3]))).toBeLessThan(0.02);
    });
  }

  it("TraceMeanFieldELBO and RenyiELBO reach the same optimum for AutoNormal", () => {
    for (const loss of [
      new TraceMeanFieldELBO({ numParticles: 32 }),
      new RenyiELBO({ alpha: 0.5, numParticles: 32 }),
    ]) {
      const guide = new AutoNormal(indep);
      const { params } = new SVI(indep, guide, new Adam(exponentialDecay(0.02, 4000, 0.02)), loss).run(
        3,
        4000,
      );
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(params.theta_auto_loc.dataSync()[i] - m[i])).toBeLessThan(0.03 * sd[i]);
        expect(Math.abs(params.theta_auto_scale.dataSync()[i] / sd[i] - 1)).toBeLessThan(0.03);
      }
    }
  });
});

describe("AutoIAFNormal", () => {
  it("fits a correlated Gaussian posterior (mean and sd of draws within 10%)", () => {
    const corr = gaussianPotential([0.7, -1.3], [2, 0.8, 0.8, 1]);
    const det = 2 - 0.64;
    const sd = [Math.sqrt(1 / det), Math.sqrt(2 / det)];
    const guide = new AutoIAFNormal(corr, { numFlows: 2, hiddenDims: [8, 8] });
    const params = fit(corr, guide, 3000, 8, 0.01);
    const drawsT = guide.samplePosterior(4, params, { sampleShape: [4000] }).theta;
    expect(drawsT.shape).toEqual([4000, 2]);
    const draws = f64(drawsT);
    for (let i = 0; i < 2; i++) {
      const col = Float64Array.from({ length: 4000 }, (_, k) => draws[2 * k + i]);
      const m = mean(col);
      const s = Math.sqrt(col.reduce((a, v) => a + (v - m) ** 2, 0) / 3999);
      expect(Math.abs(m - [0.7, -1.3][i])).toBeLessThan(0.1 * sd[i]);
      expect(Math.abs(s / sd[i] - 1)).toBeLessThan(0.1);
    }
    expect(guide.quantiles(params, [0.5]).theta.shape).toEqual([1, 2]);
  });
  it("rejects a one-dimensional latent space", () => {
    expect(() => new AutoIAFNormal(gaussianPotential([0], [1])).setup(0, [])).toThrow(/AutoDiagonalNormal/);
  });
});

describe("Beta–Bernoulli (8 of 10, Beta(1, 1) prior): posterior mean 0.75 within 0.03", () => {
  const model = betaBernoulli(1, 1, 8, 10);
  for (const [name, make] of [
    ["AutoNormal", () => new AutoNormal(model)],
    ["AutoDiagonalNormal", () => new AutoDiagonalNormal(model)],
    ["AutoMultivariateNormal", () => new AutoMultivariateNormal(model)],
    ["AutoLowRankMultivariateNormal", () => new AutoLowRankMultivariateNormal(model)],
    ["AutoLaplaceApproximation", () => new AutoLaplaceApproximation(model)],
  ] as const) {
    it(`${name}.samplePosterior gives p with mean 0.75 ± 0.03`, () => {
      const guide = make();
      const params = fit(model, guide, 3000, 2);
      const post = guide.samplePosterior(11, params, { sampleShape: [4000] });
      expect(post.p.shape).toEqual([4000]);
      expect(Math.abs(mean(f64(post.p)) - 0.75)).toBeLessThan(0.03);
    });
  }

  it("AutoDelta finds the constrained MAP (k + a − 1)/(n + a + b − 2) = 0.8", () => {
    const guide = new AutoDelta(model);
    const params = fit(model, guide, 3000, 1, 0.1);
    expect(params.p_auto_loc.shape).toEqual([]);
    expect(params.p_auto_loc.dataSync()[0]).toBeCloseTo(0.8, 3);
    const draws = guide.samplePosterior(1, params, { sampleShape: [3] });
    expect(Array.from(f64(draws.p))).toEqual([
      params.p_auto_loc.dataSync()[0],
      params.p_auto_loc.dataSync()[0],
      params.p_auto_loc.dataSync()[0],
    ]);
  });
});

describe("logistic regression (N = 200, 2 coefficients): median and quantiles within 10% of the exact posterior", () => {
  const model = logisticPotential(fx.x, fx.y, fx.priorScale.alpha, fx.priorScale.beta);
  for (const [name, make] of [
    ["AutoNormal", () => new AutoNormal(model)],
    ["AutoDiagonalNormal", () => new AutoDiagonalNormal(model)],
    ["AutoMultivariateNormal", () => new AutoMultivariateNormal(model)],
    ["AutoLowRankMultivariateNormal", () => new AutoLowRankMultivariateNormal(model, { rank: 1 })],
    ["AutoLaplaceApproximation", () => new AutoLaplaceApproximation(model)],
  ] as const) {
    it(`${name}.median and .quantiles match the quadrature reference`, () => {
      const guide = make();
      const params = fit(model, guide, 3000, 2);
      const med = guide.median(params);
      const qs = guide.quantiles(params, fx.quantileLevels);
      // the same parameters as plain { data, shape } give the same answers
      const plain = paramValues(params);
      expect(f64(guide.median(plain).alpha)).toEqual(f64(med.alpha));
      expect(f64(guide.quantiles(plain, fx.quantileLevels).beta)).toEqual(f64(qs.beta));
      for (const site of ["alpha", "beta"] as const) {
        const ref = fx.posterior[site];
        expect(med[site].shape).toEqual([]);
        expect(Math.abs(f64(med[site])[0] / ref.quantiles[2] - 1)).toBeLessThan(0.1);
        expect(qs[site].shape).toEqual([fx.quantileLevels.length]);
        for (let j = 0; j < fx.quantileLevels.length; j++) {
          expect(Math.abs(f64(qs[site])[j] / ref.quantiles[j] - 1)).toBeLessThan(0.1);
        }
      }
    });
  }
});

describe("AutoLaplaceApproximation", () => {
  const model = logisticPotential(fx.x, fx.y, fx.priorScale.alpha, fx.priorScale.beta);
  it("finds the MAP and its covariance is the inverse Hessian of −log p there", () => {
    const guide = new AutoLaplaceApproximation(model);
    const params = fit(model, guide, 4000, 1, 0.05);
    const { loc, covariance } = guide.getPosterior(params);
    expect(loc[0]).toBeCloseTo(fx.map[0], 4);
    expect(loc[1]).toBeCloseTo(fx.map[1], 4);
    const [[a, b], [, d]] = fx.hessianAtMap;
    const det = a * d - b * b;
    const inv = [d / det, -b / det, -b / det, a / det];
    for (let i = 0; i < 4; i++)
      expect(Math.abs(covariance[i] - inv[i])).toBeLessThan(1e-4 * Math.abs(inv[0]));
  });

  it("agrees with @phlox/optim's L-BFGS mode", () => {
    const guide = new AutoLaplaceApproximation(model);
    const params = fit(model, guide, 4000);
    const ref = minimize((z, g) => model.potentialFn(z, g), new Float64Array(2), { gtol: 1e-10 });
    expect(params.auto_loc.dataSync()[0]).toBeCloseTo(ref.x[0], 4);
    expect(params.auto_loc.dataSync()[1]).toBeCloseTo(ref.x[1], 4);
  });

  it("samplePosterior draws have the Laplace covariance", () => {
    const guide = new AutoLaplaceApproximation(model);
    const params = fit(model, guide, 3000);
    const { loc, covariance } = guide.getPosterior(params);
    const post = guide.samplePosterior(5, params, { sampleShape: [20000] });
    const alpha = f64(post.alpha);
    const beta = f64(post.beta);
    const ma = mean(alpha);
    const mb = mean(beta);
    let caa = 0;
    let cab = 0;
    for (let i = 0; i < 20000; i++) {
      caa += (alpha[i] - ma) ** 2;
      cab += (alpha[i] - ma) * (beta[i] - mb);
    }
    caa /= 19999;
    cab /= 19999;
    expect(Math.abs(ma - loc[0])).toBeLessThan(4 * Math.sqrt(covariance[0] / 20000));
    expect(Math.abs(caa / covariance[0] - 1)).toBeLessThan(0.05);
    expect(Math.abs(cab / covariance[1] - 1)).toBeLessThan(0.1);
  });
});

describe("autoguide API", () => {
  const model = gaussianPotential([0, 0], [1, 0, 0, 1]);
  it("methods before setup throw a message saying to run SVI first", () => {
    expect(() => new AutoNormal(model).median({})).toThrow(/not set up yet/);
  });
  it("unknown parameter names are rejected, naming the known ones", () => {
    const guide = new AutoDiagonalNormal(model);
    guide.setup(0, []);
    expect(() => guide.median({ nope: { data: new Float64Array(2), shape: [2] } })).toThrow(
      /auto_loc, auto_scale/,
    );
  });
  it("initScale must be positive", () => {
    expect(() => new AutoNormal(model, { initScale: 0 })).toThrow(ConstraintError);
  });
  it("a model that is neither a function nor a PotentialModel is rejected", () => {
    expect(() => new AutoNormal(42).setup(0, [])).toThrow(PhloxError);
  });
  it("samplePosterior has shape [...sampleShape, ...siteShape] and is reproducible from the key", () => {
    const guide = new AutoMultivariateNormal(model, { prefix: "q" });
    const setup = guide.setup(0, []);
    const params = setup.constrainParams(setup.initialParams());
    expect(Object.keys(params)).toEqual(["q_loc", "q_scale_tril"]);
    expect(params.q_scale_tril.data[0]).toBeCloseTo(0.1, 12);
    const a = guide.samplePosterior(3, params, { sampleShape: [5, 2] });
    const b = guide.samplePosterior(3, params, { sampleShape: [5, 2] });
    expect(a.theta.shape).toEqual([5, 2, 2]);
    expect(Array.from(f64(a.theta))).toEqual(Array.from(f64(b.theta)));
  });
  it("constrainParams and unconstrainParams are inverse", () => {
    for (const guide of [
      new AutoNormal(model),
      new AutoMultivariateNormal(model),
      new AutoLowRankMultivariateNormal(model),
    ]) {
      const setup = guide.setup(0, []);
      const u = setup.initialParams().map((v, i) => v + 0.1 * Math.cos(i));
      const back = setup.unconstrainParams(setup.constrainParams(u));
      for (let i = 0; i < u.length; i++) expect(back[i]).toBeCloseTo(u[i], 10);
    }
  });
});
