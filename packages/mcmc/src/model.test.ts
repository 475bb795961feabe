import { initializeModel } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
// Integration with @phlox/infer: its test models (not exported by infer; imported by path for this test).
import { eightSchoolsNonCentred, SIGMA, Y } from "../../infer/src/testing/models.js";
import es from "../fixtures/eight_schools_noncentered.json" with { type: "json" };
import { type ModelPotentialFactory, NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

// Compile-time check: @phlox/infer's initializeModel satisfies this package's ModelPotentialFactory.
const asFactory: ModelPotentialFactory = initializeModel;

test("initializeModel from @phlox/infer is a ModelPotentialFactory", () => {
  expect(typeof asFactory).toBe("function");
});

test("new NUTS(model) samples a Phlox model through @phlox/infer's initializeModel (loaded by MCMC)", {
  timeout: 60_000,
}, async () => {
  const model = eightSchoolsNonCentred as (sigma: Tensor, y?: Tensor) => void;
  const mcmc = new MCMC(new NUTS(model), {
    numWarmup: 200,
    numSamples: 200,
    numChains: 2,
    progressBar: false,
  });
  await mcmc.run(0, tensor(SIGMA), tensor(Y));
  const s = mcmc.getSamples();
  expect(s.mu.shape).toEqual([400]);
  expect(s.tau.shape).toEqual([400]);
  expect(Math.min(...f64(s.tau))).toBeGreaterThan(0); // constrained values
  const mean = f64(s.mu).reduce((a, b) => a + b, 0) / 400;
  // Loose: 400 draws (ESS ≥ 150) of sd 3.3 give an MCSE ≤ 0.27; 5 MCSE around posteriordb's mean.
  expect(Math.abs(mean - es.reference.mu.mean[0])).toBeLessThan(1.4);
  expect(mcmc.getExtraFields().diverging.shape).toEqual([400]);
});

test("MCMC.logLikelihood() gives the pointwise normal log density of each observation at each draw", {
  timeout: 60_000,
}, async () => {
  const model = eightSchoolsNonCentred as (sigma: Tensor, y?: Tensor) => void;
  const mcmc = new MCMC(new NUTS(model), { numWarmup: 50, numSamples: 20, numChains: 2, progressBar: false });
  await mcmc.run(3, tensor(SIGMA), tensor(Y));
  const ll = mcmc.logLikelihood();
  const names = Object.keys(ll);
  expect(names).toHaveLength(1);
  const site = ll[names[0]];
  expect(site.shape).toEqual([2, 20, 8]);
  const s = mcmc.getSamples({ groupByChain: true });
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 8; j++) {
      const theta = f64(s.mu)[i] + f64(s.tau)[i] * f64(s.theta_decentered)[i * 8 + j];
      const r = (Y[j] - theta) / SIGMA[j];
      const want = -0.5 * r * r - Math.log(SIGMA[j]) - 0.5 * Math.log(2 * Math.PI);
      expect(f64(site)[i * 8 + j]).toBeCloseTo(want, 10);
    }
  }
  const obs = mcmc.observations()[names[0]];
  expect(Array.from(f64(obs))).toEqual(Y);
});

test("MCMC.logLikelihood() on a raw-potential kernel says it needs a model", async () => {
  const mcmc = new MCMC(
    new NUTS({
      potentialFn: (z, g) => {
        g[0] = z[0];
        return 0.5 * z[0] * z[0];
      },
      initParams: [0],
    }),
    {
      numWarmup: 10,
      numSamples: 10,
      progressBar: false,
    },
  );
  await mcmc.run(0);
  expect(() => mcmc.logLikelihood()).toThrow(/needs a model kernel/);
});
