// Kernels holding closures (a model, a gibbsFn) for the parallel-chain tests: a worker imports this module
// and calls the export named by the kernel's `workerModule` to build the same kernel (KernelModuleSpec).
import { Categorical, Normal } from "@phlox/distributions";
import { plate, sample, subsample } from "@phlox/handlers";
import { type Tensor, take, tensor } from "@phlox/tensor";
import { DiscreteHMCGibbs } from "../src/discrete-hmc-gibbs.js";
import { type GibbsFn, HMCGibbs } from "../src/hmc-gibbs.js";
import { HMC, NUTS } from "../src/hmc-kernel.js";
import { HMCECS, taylorProxy } from "../src/hmcecs.js";
import { MixedHMC } from "../src/mixed-hmc.js";

const here = import.meta.url;

/** NumPyro's HMCGibbs docstring model: x, y ~ N(0, 2), obs ~ N(x + y, 1) observed at 1. */
export function docstringModel(): void {
  const x = sample("x", new Normal(0, 2)) as Tensor;
  const y = sample("y", new Normal(0, 2)) as Tensor;
  sample("obs", new Normal(x.add(y), 1), { obs: tensor([1]) });
}

/** The exact conditional of x given y in {@link docstringModel}. */
export const exactX: GibbsFn = (rngKey, _g, hmcSites) => ({
  x: new Normal(tensor(1).sub(hmcSites.y).mul(0.8), Math.sqrt(0.8)).sample(rngKey),
});

/** A three-component mixture with a shifted location and one discrete label per datum. */
export function mixture(obs: Tensor): void {
  const loc = sample("loc", new Normal(0, 5)) as Tensor;
  plate("N", obs.shape[0] as number, () => {
    const c = sample("c", new Categorical({ probs: tensor([0.3, 0.4, 0.3]) })) as Tensor;
    sample("obs", new Normal(take(tensor([-2, 0, 2]), c).add(loc), 0.5), { obs });
  });
}

/** NumPyro's test_hmcecs normal-normal model: `data` [N, 3] subsampled in a plate of `subsampleSize`. */
export function normalNormal(data: Tensor, subsampleSize: number): void {
  const mean = sample("mean", new Normal(0, 1).expand([3]).toEvent(1));
  plate(
    "batch",
    data.shape[0] as number,
    () => {
      const sub = subsample(data, 1);
      sample("obs", new Normal(mean as Tensor, 1).toEvent(1), { obs: sub });
    },
    { subsampleSize, dim: -1 },
  );
}

/** HMCGibbs(NUTS) with the exact Gibbs step for x. */
export function hmcGibbsKernel(): HMCGibbs {
  return new HMCGibbs(new NUTS(docstringModel), exactX, ["x"], {
    workerModule: { module: here, exportName: "hmcGibbsKernel" },
  });
}

/** DiscreteHMCGibbs(NUTS) on the mixture, `modified` as given in the payload. */
export function discreteKernel(payload?: { modified?: boolean }): DiscreteHMCGibbs {
  return new DiscreteHMCGibbs(new NUTS(mixture), {
    modified: payload?.modified ?? false,
    workerModule: { module: here, exportName: "discreteKernel", payload },
  });
}

/** MixedHMC(HMC) on the mixture. */
export function mixedKernel(): MixedHMC {
  return new MixedHMC(new HMC(mixture, { trajectoryLength: 1 }), {
    numDiscreteUpdates: 4,
    workerModule: { module: here, exportName: "mixedKernel" },
  });
}

/** HMCECS(NUTS) on the normal-normal model, with a Taylor proxy of degree 1 around `ref` when given. */
export function hmcecsKernel(payload: { ref?: number[] }): HMCECS {
  return new HMCECS(new NUTS(normalNormal as never), {
    numBlocks: 5,
    ...(payload.ref ? { proxy: taylorProxy({ mean: payload.ref }, 1) } : {}),
    workerModule: { module: here, exportName: "hmcecsKernel", payload },
  });
}
