import {
  Bernoulli,
  Binomial,
  Categorical,
  ImproperUniform,
  Normal,
  unitInterval,
} from "@phlox/distributions";
import { plate, sample } from "@phlox/handlers";
import { type Tensor, take, tensor } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import { DiscreteHMCGibbs } from "./discrete-hmc-gibbs.js";
import { type GibbsFn, HMCGibbs, type HMCGibbsState } from "./hmc-gibbs.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";
import { MixedHMC } from "./mixed-hmc.js";

const model = (): void => {
  const x = sample("x", new Normal(0, 2)) as Tensor;
  const y = sample("y", new Normal(0, 2)) as Tensor;
  sample("obs", new Normal(x.add(y), 1), { obs: tensor([1]) });
};
const exactX: GibbsFn = (rngKey, _g, hmcSites) => ({
  x: new Normal(tensor(1).sub(hmcSites.y).mul(0.8), Math.sqrt(0.8)).sample(rngKey),
});

/** Flat draws of a site, whether MCMC returns Tensors or `{ data, shape }`. */
function draws(v: unknown): ArrayLike<number> {
  const t = v as { dataSync?: () => ArrayLike<number>; data?: Float64Array };
  return t.dataSync ? t.dataSync() : (t.data as Float64Array);
}

describe("Gibbs kernels: state, layout and the MCMC driver", () => {
  test("HMCGibbs on NumPyro's docstring model: layout, extra fields, resumable state", async () => {
    const kernel = new HMCGibbs(new NUTS(model), exactX, ["x"]);
    const mcmc = new MCMC(kernel, { numWarmup: 200, numSamples: 600, numChains: 2, progressBar: false });
    await mcmc.run(1);
    expect(kernel.layout?.map((l) => [l.name, l.offset, l.size])).toEqual([
      ["y", 0, 1],
      ["x", 1, 1],
    ]);
    const s = mcmc.getSamples();
    expect(Object.keys(s).sort()).toEqual(["x", "y"]);
    // x + y | obs has mean 2/(1 + 4 + 4)·… : exact posterior of (x, y) is Gaussian with E[x] = E[y] = 4/9.
    const mean = (name: string) => {
      const d = Array.from(draws(s[name]));
      return d.reduce((a, b) => a + b, 0) / d.length;
    };
    expect(Math.abs(mean("x") - 4 / 9)).toBeLessThan(0.25);
    expect(Math.abs(mean("y") - 4 / 9)).toBeLessThan(0.25);
    const extra = mcmc.getExtraFields();
    expect(Object.keys(extra)).toContain("acceptProb");
    const st = mcmc.lastState as { chains: unknown[] };
    const back: HMCGibbsState = kernel.stateFromJSON(JSON.parse(JSON.stringify(st.chains[0])));
    expect(kernel.stateToJSON(back)).toEqual(st.chains[0]);
    expect(back.position.length).toBe(2);
    expect(kernel.diagnostics(back)).toMatch(/steps of size .* acc\. prob=/);
  });

  test("NumPyro's test_improper_uniform: an ImproperUniform continuous site next to a discrete one", async () => {
    const m = (): void => {
      sample("c", new Bernoulli(0.8));
      sample("u", new ImproperUniform(unitInterval, [], []));
    };
    const mcmc = new MCMC(new DiscreteHMCGibbs(new NUTS(m)), {
      numWarmup: 10,
      numSamples: 10,
      progressBar: false,
    });
    await mcmc.run(0);
    const u = Array.from(draws(mcmc.getSamples().u));
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
  });

  test("vectorized chains, progress reports and pointwise log-likelihood with a discrete site", async () => {
    const y = tensor([-2.1, -1.7, 0.2, 2.3, 1.9, 4.2]);
    const mixture = (obs: Tensor): void => {
      const loc = sample("loc", new Normal(0, 5)) as Tensor;
      plate("N", 6, () => {
        const c = sample("c", new Categorical({ probs: tensor([0.3, 0.4, 0.3]) })) as Tensor;
        sample("obs", new Normal(take(tensor([-2, 0, 2]), c).add(loc), 0.5), { obs });
      });
    };
    const kernel = new MixedHMC(new HMC(mixture, { trajectoryLength: 1 }), { numDiscreteUpdates: 6 });
    const seen: number[] = [];
    const mcmc = new MCMC(kernel, {
      numWarmup: 100,
      numSamples: 100,
      numChains: 2,
      chainMethod: "vectorized",
      progressBar: false,
      onProgress: (p) => seen.push(p.chain),
    });
    await mcmc.run(3, y);
    expect(new Set(seen)).toEqual(new Set([0, 1]));
    expect(kernel.gibbsSites).toEqual(["c"]);
    const s = mcmc.getSamples();
    expect([...(s.c as unknown as { shape: number[] }).shape]).toEqual([200, 6]);
    const c = Array.from(draws(s.c));
    expect(c.every((v) => v === 0 || v === 1 || v === 2)).toBe(true);
    const ll = kernel.logLikelihood(s as never);
    expect(ll.obs.shape).toEqual([200, 6]);
    // Check one draw by hand: log N(y_i; locs[c_i] + loc, 0.5).
    const loc = draws(s.loc)[7];
    for (let i = 0; i < 6; i++) {
      const m = [-2, 0, 2][c[7 * 6 + i]] + loc;
      const yi = (draws(y) as ArrayLike<number>)[i];
      const ref = -0.5 * ((yi - m) / 0.5) ** 2 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI);
      expect(ll.obs.data[7 * 6 + i]).toBeCloseTo(ref, 10);
    }
    expect(Object.keys(kernel.observations())).toEqual(["obs"]);
    // Parallel chains need the kernel's workerModule (gibbs-parallel.test.ts): without it, a clear error.
    await expect(
      new MCMC(new DiscreteHMCGibbs(new NUTS(mixture)), {
        numWarmup: 5,
        numSamples: 5,
        numChains: 2,
        chainMethod: "parallel",
        progressBar: false,
      }).run(0, y),
    ).rejects.toThrow(/DiscreteHMCGibbs: chainMethod "parallel" .*workerModule/);
  });

  test("DiscreteHMCGibbs leaves an enumerated site to enumeration and Gibbs-samples the other (NumPyro's test_discrete_gibbs_enum)", async () => {
    const m = (): void => {
      sample("x", new Bernoulli(0.7), { infer: { enumerate: "parallel" } });
      sample("y", new Binomial(10, 0.3));
    };
    const mcmc = new MCMC(new DiscreteHMCGibbs(new NUTS(m)), {
      numWarmup: 200,
      numSamples: 2000,
      progressBar: false,
    });
    await mcmc.run(3);
    const samples = mcmc.getSamples();
    expect(samples.x).toBeUndefined(); // summed out, as NumPyro's samples have no "x"
    const y = draws(samples.y);
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += (y[i] as number) / y.length;
    // Binomial(10, 0.3): mean 3, sd 1.45; 2000 Gibbs draws (nearly independent) give MCSE ≈ 0.04
    expect(Math.abs(mean - 3)).toBeLessThan(0.2);
  });
});
