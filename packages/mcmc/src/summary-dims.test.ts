import { HalfCauchy, Normal } from "@phlox/distributions";
import { deterministic, plate, sample } from "@phlox/handlers";
import { type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";

const SIGMA = [15, 10, 16, 11, 9, 11, 10, 18];
const Y = [28, 8, -3, 7, -1, 1, 18, 12];

function eightSchools(sigma: Tensor, y?: Tensor): void {
  const mu = sample("mu", new Normal(0, 5));
  const tau = sample("tau", new HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const raw = sample("theta_raw", new Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(raw)));
    sample("obs", new Normal(theta, sigma), { obs: y });
  });
}

test("printSummary hides deterministic sites by default (NumPyro 0.21); siteDims names plates as az.from_numpyro", {
  timeout: 120_000,
}, async () => {
  const mcmc = new MCMC(new NUTS(eightSchools), { numWarmup: 100, numSamples: 100, progressBar: false });
  const log = console.log;
  console.log = () => {};
  try {
    await mcmc.run(0, tensor(SIGMA), tensor(Y));
    const hidden = mcmc.printSummary();
    expect(hidden).toMatch(/theta_raw\[0\]/);
    expect(hidden).not.toMatch(/^\s*theta\[0\]/m);
    const shown = mcmc.printSummary({ excludeDeterministic: false });
    expect(shown).toMatch(/^\s*theta\[0\]/m);
    expect(Object.keys(mcmc.getSamples()).sort()).toEqual(["mu", "tau", "theta", "theta_raw"]);
  } finally {
    console.log = log;
  }
  // ArviZ's infer_dims on the same model: {"theta_raw": ["school"], "theta": ["school"], "obs": ["school"]}.
  expect({ ...mcmc.siteDims() }).toEqual({ theta_raw: ["school"], theta: ["school"], obs: ["school"] });
});
