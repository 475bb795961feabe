import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { MCMC, NUTS } from "@phlox/mcmc";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { plotEnergy } from "./plot-energy.js";
import { plotTrace } from "./plot-trace.js";
import { count } from "./testing/svg-marks.js";

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0]!, () => {
    const z = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

describe("an MCMC object as plot input", () => {
  it("plots NUTS draws of eight schools straight from the MCMC object (through fromMCMC)", async () => {
    const mcmc = new MCMC(new NUTS(eightSchools), {
      numWarmup: 100,
      numSamples: 100,
      numChains: 2,
      progressBar: false,
    });
    await mcmc.run(key(1), tensor([15, 10, 16, 11, 9, 11, 10, 18]), tensor([28, 8, -3, 7, -1, 1, 18, 12]));
    const svg = plotTrace(mcmc, { output: "string", varNames: ["mu", "tau", "theta"] });
    expect(count(svg, "ph-trace")).toBe((1 + 1 + 8) * 2);
    const energy = plotEnergy(mcmc, { output: "string" });
    expect(count(energy, "ph-energy-marginal")).toBe(1);
    expect(energy).toMatch(/chain 1: BFMI = \d/);
  }, 120_000);
});
