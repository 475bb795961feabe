import * as diagnostics from "@phlox/diagnostics";
import * as handlers from "@phlox/handlers";
import * as nnPkg from "@phlox/nn";
import * as optimPkg from "@phlox/optim";
import { describe, expect, it } from "vitest";
import * as phlox from "./index.js";
import {
  deterministic,
  dist,
  fromMCMC,
  key,
  MCMC,
  NUTS,
  plate,
  sample,
  summaryArviz,
  type Tensor,
  tensor,
} from "./index.js";

// The root README's model, written against the one import.
function eightSchools(sigma: Tensor, y?: Tensor) {
  const mu = sample("mu", new dist.Normal(0, 5));
  const tau = sample("tau", new dist.HalfCauchy(5));
  plate("school", sigma.shape[0], () => {
    const z = sample("theta_raw", new dist.Normal(0, 1));
    const theta = deterministic("theta", mu.add(tau.mul(z)));
    sample("obs", new dist.Normal(theta, sigma), { obs: y });
  });
}

describe("phlox (one import)", () => {
  it("runs the README's eight schools model through NUTS, diagnostics and arviz-io", async () => {
    const sigma = [15, 10, 16, 11, 9, 11, 10, 18];
    const y = [28, 8, -3, 7, -1, 1, 18, 12];
    const mcmc = new MCMC(new NUTS(eightSchools), { numWarmup: 500, numSamples: 500, numChains: 2 });
    await mcmc.run(key(0), tensor(sigma), tensor(y));
    const idata = fromMCMC(mcmc);
    expect(idata.groupNames()).toEqual(
      expect.arrayContaining(["posterior", "log_likelihood", "observed_data"]),
    );
    const rows = summaryArviz(idata.draws("posterior", ["mu", "tau"]));
    // eight schools: E[mu] ≈ 4.4, E[tau] ≈ 3.6 (posteriordb reference); 1000 draws land well within ±1.5
    expect(rows[0].mean).toBeGreaterThan(2.9);
    expect(rows[0].mean).toBeLessThan(5.9);
    expect(rows[1].mean).toBeGreaterThan(2.1);
    expect(rows[1].mean).toBeLessThan(5.1);
    expect(rows[0].rHat).toBeLessThan(1.05);
  }, 120_000);

  it("re-exports the packages, choosing one binding where names collide", () => {
    expect(phlox.cond).toBe(handlers.cond); // model-level control flow
    expect(phlox.scan).toBe(handlers.scan);
    expect(phlox.optim.Adam).toBe(optimPkg.Adam);
    expect(phlox.Adam).toBe(optimPkg.Adam);
    expect(phlox.loo).toBe(diagnostics.loo);
    expect(phlox.nn.Dense).toBe(nnPkg.Dense); // the namespace `nn`, as `import flax.linen as nn`
    expect(phlox.nnModule).toBe(nnPkg.nnModule);
    expect(phlox.randomModule).toBe(nnPkg.randomModule);
    expect(phlox.moduleParams).toBe(nnPkg.moduleParams);
    expect(phlox.nn.tanh).toBe(phlox.tanh); // @phlox/nn re-exports tensor's tanh, sigmoid, softplus
    expect("Dense" in phlox || "initializers" in phlox || "identity" in phlox).toBe(false);
    for (const name of [
      "SVI",
      "TraceELBO",
      "AutoNormal",
      "Predictive",
      "writeNetCDF",
      "readNetCDF",
      "seed",
      "trace",
      "vmap",
      "grad",
      "jit",
      "useJsCompiler",
    ])
      expect(typeof (phlox as Record<string, unknown>)[name], name).toBe("function");
  });
});
