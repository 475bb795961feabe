import { Bernoulli, Normal, Poisson } from "@phlox/distributions";
import { sample } from "@phlox/handlers";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, test } from "vitest";
import { DiscreteHMCGibbs } from "./discrete-hmc-gibbs.js";
import { type GibbsFn, HMCGibbs } from "./hmc-gibbs.js";
import { HMC, NUTS } from "./hmc-kernel.js";
import type { Kernel } from "./kernel.js";
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

async function runWith(kernel: ConstructorParameters<typeof MCMC>[0], n = 5): Promise<MCMC> {
  const mcmc = new MCMC(kernel, { numWarmup: n, numSamples: n, progressBar: false });
  await mcmc.run(0);
  return mcmc;
}

/** The PhloxError a kernel throws when MCMC starts (or steps) a chain with it. */
async function phloxError(kernel: Kernel, steps = 3): Promise<PhloxError> {
  await kernel.prepare?.();
  try {
    const s = kernel.init({ key: [0, 1], numWarmup: steps, modelArgs: [] });
    for (let i = 0; i < steps; i++) kernel.sample(s);
  } catch (e) {
    if (e instanceof PhloxError) return e;
    throw e;
  }
  throw new Error("expected a PhloxError");
}

describe("Gibbs kernels: bad input gets a clear PhloxError naming the site", () => {
  test("HMCGibbs: gibbsSites naming a missing or observed site", async () => {
    const missing = await phloxError(new HMCGibbs(new NUTS(model), exactX, ["z"]));
    expect(missing.code).toBe("gibbs-site-not-latent");
    expect(missing.message).toMatch(/"z", which is not a site of the model.*"x", "y"/);
    const observed = await phloxError(new HMCGibbs(new NUTS(model), exactX, ["obs"]));
    expect(observed.message).toMatch(/"obs", which is observed/);
    // Through MCMC the chain's failure carries the message.
    await expect(runWith(new HMCGibbs(new NUTS(model), exactX, ["z"]))).rejects.toThrow(
      /gibbsSites names "z"/,
    );
  });

  test("HMCGibbs: constructor checks", () => {
    const potentialKernel = new NUTS({
      potentialFn: (z, g) => {
        g[0] = z[0];
        return 0.5 * z[0] ** 2;
      },
      initParams: [0],
    });
    expect(() => new HMCGibbs(potentialKernel, exactX, ["x"])).toThrow(/built from a model/);
    expect(() => new HMCGibbs(new NUTS(model), undefined as unknown as GibbsFn, ["x"])).toThrow(
      /gibbsFn must be a function/,
    );
    expect(() => new HMCGibbs(new NUTS(model), exactX, [])).toThrow(/non-empty array/);
  });

  test("HMCGibbs: a gibbsFn result without the site, of the wrong shape or not finite", async () => {
    const none: GibbsFn = () => ({ y: tensor(0) });
    expect((await phloxError(new HMCGibbs(new NUTS(model), none, ["x"]))).message).toMatch(
      /no value for Gibbs site "x"/,
    );
    const shape: GibbsFn = () => ({ x: tensor([0, 1]) });
    expect((await phloxError(new HMCGibbs(new NUTS(model), shape, ["x"]))).message).toMatch(
      /2 values for site "x".*expected shape \[\]/,
    );
    const nan: GibbsFn = () => ({ x: tensor(Number.NaN) });
    expect((await phloxError(new HMCGibbs(new NUTS(model), nan, ["x"]))).message).toMatch(
      /non-finite value \(NaN\) for site "x"/,
    );
  });

  test("DiscreteHMCGibbs: a model whose latent sites are all continuous", async () => {
    const err = await phloxError(new DiscreteHMCGibbs(new NUTS(model)));
    expect(err.code).toBe("gibbs-no-discrete-site");
    expect(err.message).toMatch(/"x", "y", are all continuous/);
  });

  test("DiscreteHMCGibbs: a discrete site without a finite support", async () => {
    const poisson = (): void => {
      const n = sample("n", new Poisson(3)) as Tensor;
      sample("obs", new Normal(n, 1), { obs: tensor(2) });
    };
    const err = await phloxError(new DiscreteHMCGibbs(new NUTS(poisson)));
    expect(err.code).toBe("gibbs-discrete-infinite-support");
    expect(err.message).toMatch(/"n"/);
  });

  test("MixedHMC: NUTS, numSteps and numDiscreteUpdates are refused", () => {
    const m = (): void => {
      sample("c", new Bernoulli(0.5));
    };
    expect(() => new MixedHMC(new NUTS(m))).toThrow(/must be HMC/);
    expect(() => new MixedHMC(new HMC(m, { numSteps: 5 }))).toThrow(/trajectoryLength/);
    expect(() => new MixedHMC(new HMC(m), { numDiscreteUpdates: 0 })).toThrow(/integer ≥ 1/);
    expect(() => new DiscreteHMCGibbs(new NUTS(m), { modified: 1 as unknown as boolean })).toThrow(
      /modified/,
    );
  });

  test("a plain NUTS run still refuses a discrete latent site without finite support", async () => {
    const m = (): void => {
      const c = sample("c", new Poisson(2)) as Tensor;
      sample("x", new Normal(c, 1));
    };
    const err = await phloxError(new NUTS(m));
    expect(err.code).toBe("discrete-latent");
    expect(err.message).toMatch(/"c"/);
  });
});
