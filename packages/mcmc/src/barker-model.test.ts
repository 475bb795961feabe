import { Categorical, Dirichlet } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { ChainRandom, type Tensor, tensor } from "@phlox/tensor";
import { f64 } from "@phlox/test-utils";
import { expect, test } from "vitest";
import { BarkerMH } from "./barker.js";
import { MCMC } from "./mcmc.js";
import { columnMoments } from "./testing/stats.js";

// NumPyro test_mcmc.py::test_dirichlet_categorical_x64 for BarkerMH (100 warmup, 20 000 samples, atol 0.02),
// diagonal and dense mass; here against the exact Dirichlet(1 + counts) posterior mean.
for (const denseMass of [false, true]) {
  test(`BarkerMH, denseMass ${denseMass}: Dirichlet–categorical posterior mean within 0.02 of the exact one`, {
    timeout: 120_000,
  }, async () => {
    const probs = [0.1, 0.6, 0.3];
    const rng = new ChainRandom([0, 1]);
    const obs = new Int32Array(2000);
    const counts = [0, 0, 0];
    for (let i = 0; i < obs.length; i++) {
      const u = rng.uniform();
      obs[i] = u < probs[0] ? 0 : u < probs[0] + probs[1] ? 1 : 2;
      counts[obs[i]]++;
    }
    const model = (data: Tensor) => {
      const p = sample("p_latent", new Dirichlet(tensor([1, 1, 1]))) as Tensor;
      sample("obs", new Categorical(p).expand([data.shape[0]]), { obs: data });
    };
    const mcmc = new MCMC(new BarkerMH(model as never, { denseMass }), {
      numWarmup: 100,
      numSamples: 20_000,
      progressBar: false,
    });
    await mcmc.run(2, tensor(obs, { dtype: "int32" }));
    const p = mcmc.getSamples().p_latent;
    expect(p.shape).toEqual([20_000, 3]);
    const { mean } = columnMoments(f64(p), 3);
    const total = obs.length + 3;
    for (let j = 0; j < 3; j++) expect(Math.abs(mean[j] - (1 + counts[j]) / total)).toBeLessThan(0.02);
  });
}
