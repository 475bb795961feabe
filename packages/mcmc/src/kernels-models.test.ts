import { Bernoulli, Beta, Normal } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { matmul, type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { describe, expect, test } from "vitest";
import betaBernoulli from "../fixtures/beta_bernoulli.json" with { type: "json" };
import numpyroRef from "../fixtures/kernels_numpyro.json" with { type: "json" };
import logistic from "../fixtures/logistic.json" with { type: "json" };
import { AIES } from "./aies.js";
import { BarkerMH } from "./barker.js";
import { ESS } from "./ess.js";
import type { Kernel } from "./kernel.js";
import { MCMC } from "./mcmc.js";
import { SA } from "./sa.js";
import { columnMoments } from "./testing/stats.js";

const X = tensor(Float64Array.from(logistic.X.flat()), { shape: [logistic.y.length, 3] });
const Y = tensor(Float64Array.from(logistic.y));

function logisticModel(x: Tensor, y: Tensor): void {
  const coefs = sample("coefs", new Normal(0, 1).expand([3]).toEvent(1)) as Tensor;
  sample("obs", new Bernoulli({ logits: matmul(x, coefs) }), { obs: y });
}

function betaBernoulliModel(data: Tensor): void {
  const p = sample("p", new Beta(1, 1)) as Tensor;
  sample("obs", new Bernoulli(p).expand([data.shape[0]]), { obs: data });
}

type Case = [string, () => Kernel, { numWarmup: number; numSamples: number; numChains?: number }];

describe("SA, BarkerMH, AIES and ESS on models", () => {
  // NumPyro test_mcmc.py::test_logistic_regression_x64 settings, on fixtures/logistic.json; compared with
  // NumPyro 0.21's NUTS posterior on the same data (fixtures/kernels_numpyro.json) as well as the true coefficients.
  const cases: Case[] = [
    [
      "SA (adaptStateSize 9)",
      () => new SA(logisticModel as never, { adaptStateSize: 9 }) as unknown as Kernel,
      { numWarmup: 50_000, numSamples: 50_000 },
    ],
    [
      "BarkerMH",
      () => new BarkerMH(logisticModel as never) as unknown as Kernel,
      { numWarmup: 2000, numSamples: 12_000 },
    ],
    [
      "AIES (16 walkers)",
      () => new AIES(logisticModel as never) as unknown as Kernel,
      { numWarmup: 3000, numSamples: 2500, numChains: 16 },
    ],
    [
      "ESS (10 walkers)",
      () => new ESS(logisticModel as never) as unknown as Kernel,
      { numWarmup: 1000, numSamples: 2500, numChains: 10 },
    ],
  ];
  for (const [name, make, opts] of cases) {
    test(`${name}: logistic regression matches NumPyro's NUTS posterior (means within 0.25 sd, sds within 15%)`, {
      timeout: 300_000,
    }, async () => {
      const mcmc = new MCMC(make(), { ...opts, chainMethod: "vectorized", progressBar: false });
      await mcmc.run(3, X, Y);
      const c = mcmc.getSamples().coefs;
      const { mean, sd } = columnMoments(f64(c), 3);
      const ref = numpyroRef.NUTS;
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(mean[j] - logistic.trueCoefs[j])).toBeLessThan(0.4); // NumPyro's own assertion
        expect(Math.abs(mean[j] - ref.mean[j])).toBeLessThan(0.25 * ref.sd[j]);
        expect(Math.abs(sd[j] / ref.sd[j] - 1)).toBeLessThan(0.15);
      }
    });
  }

  test("BarkerMH agrees with NumPyro's BarkerMH on the same data", { timeout: 120_000 }, async () => {
    const mcmc = new MCMC(new BarkerMH(logisticModel as never), {
      numWarmup: 2000,
      numSamples: 25_000,
      progressBar: false,
    });
    await mcmc.run(11, X, Y);
    const { mean, sd } = columnMoments(f64(mcmc.getSamples().coefs), 3);
    const ref = numpyroRef.BarkerMH;
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(mean[j] - ref.mean[j])).toBeLessThan(0.2 * ref.sd[j]);
      expect(Math.abs(sd[j] / ref.sd[j] - 1)).toBeLessThan(0.1);
    }
  });

  // NumPyro test_mcmc.py::test_beta_bernoulli_x64 (atol 0.05), against the exact Beta posterior mean.
  const data = tensor(
    Float64Array.from({ length: betaBernoulli.n }, (_, i) => (i < betaBernoulli.k ? 1 : 0)),
  );
  const bb: Case[] = [
    [
      "SA",
      () => new SA(betaBernoulliModel as never) as unknown as Kernel,
      { numWarmup: 10_000, numSamples: 10_000 },
    ],
    [
      "BarkerMH",
      () => new BarkerMH(betaBernoulliModel as never) as unknown as Kernel,
      { numWarmup: 500, numSamples: 5000 },
    ],
    [
      "AIES",
      () => new AIES(betaBernoulliModel as never) as unknown as Kernel,
      { numWarmup: 300, numSamples: 1000, numChains: 10 },
    ],
    [
      "ESS",
      () => new ESS(betaBernoulliModel as never) as unknown as Kernel,
      { numWarmup: 300, numSamples: 1000, numChains: 10 },
    ],
  ];
  for (const [name, make, opts] of bb) {
    test(`${name}: beta-Bernoulli posterior mean within 0.05 (constrained draws, log-likelihood available)`, {
      timeout: 120_000,
    }, async () => {
      const mcmc = new MCMC(make(), { ...opts, chainMethod: "vectorized", progressBar: false });
      await mcmc.run(2, data);
      const p = mcmc.getSamples().p;
      expect(f64(p).every((x) => x > 0 && x < 1)).toBe(true);
      const { mean } = columnMoments(f64(p), 1);
      expect(Math.abs(mean[0] - betaBernoulli.posteriorMean)).toBeLessThan(0.05);
      expect(Object.keys(mcmc.logLikelihood())).toEqual(["obs"]);
    });
  }
});
