import { initializeModel } from "@phlox/infer";
import { type Tensor, tensor } from "@phlox/tensor";
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
  expect(Math.min(...s.tau.data)).toBeGreaterThan(0); // constrained values
  const mean = s.mu.data.reduce((a, b) => a + b, 0) / 400;
  // Loose: 400 draws (ESS ≥ 150) of sd 3.3 give an MCSE ≤ 0.27; 5 MCSE around posteriordb's mean.
  expect(Math.abs(mean - es.reference.mu.mean[0])).toBeLessThan(1.4);
  expect(mcmc.getExtraFields().diverging.shape).toEqual([400]);
});
