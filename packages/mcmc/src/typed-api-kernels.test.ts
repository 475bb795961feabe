import { Normal } from "@phlox/distributions";
import { type Model, plate, sample, subsample } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { AIES } from "./aies.js";
import { BarkerMH, RandomWalkMH } from "./barker.js";
import { ESS } from "./ess.js";
import { NUTS } from "./hmc-kernel.js";
import { HMCECS } from "./hmcecs.js";
import { MCMC } from "./mcmc.js";
import { SA } from "./sa.js";

// Type-level tests: `pnpm -F @phlox/mcmc typecheck` (tsc over src, tests included) fails when one of the
// `@ts-expect-error` lines below compiles, i.e. when a kernel stops carrying the model's types to MCMC.

const plain = (sigma: number, y: Tensor): void => {
  const mu = sample("mu", new Normal(0, 5));
  plate("N", y.shape[0] as number, () => sample("obs", new Normal(mu, sigma), { obs: y }));
};

/** The same model with a subsampled plate, for HMCECS. */
const subsampled = (sigma: number, y: Tensor): void => {
  const mu = sample("mu", new Normal(0, 5));
  plate("N", y.shape[0] as number, () => sample("obs", new Normal(mu, sigma), { obs: subsample(y, 0) }), {
    subsampleSize: 2,
  });
};
const annotatedSub: Model<[sigma: number, y: Tensor], "mu"> = subsampled;

const annotated: Model<[sigma: number, y: Tensor], "mu"> = plain;

const opts = { numWarmup: 20, numSamples: 10, numChains: 2, progressBar: false } as const;

test("SA, BarkerMH, RandomWalkMH, AIES, ESS and HMCECS carry the model's argument and site types to MCMC", async () => {
  const y = tensor([0.5, 1.5, 1]);
  const wrong = [
    // @ts-expect-error: a string where the model takes a number
    () => new MCMC(new SA(plain), opts).run(key(0), "1", y),
    // @ts-expect-error: the arguments swapped
    () => new MCMC(new BarkerMH(plain), opts).run(key(0), y, 1),
    // @ts-expect-error: a missing argument
    () => new MCMC(new RandomWalkMH(plain), opts).run(key(0), 1),
    // @ts-expect-error: one argument too many
    () => new MCMC(new AIES(plain), opts).run(key(0), 1, y, 42),
    // @ts-expect-error: a string where the model takes a Tensor
    () => new MCMC(new ESS(plain), opts).warmup(key(0), 1, "y"),
    // @ts-expect-error: HMCECS takes its inner kernel's model types
    () => new MCMC(new HMCECS(new NUTS(subsampled)), opts).run(key(0), "1", y),
    // @ts-expect-error: "muu" is not a site of the annotated model
    () => new MCMC(new SA(annotated), opts).getSamples().muu,
    // @ts-expect-error: nor of HMCECS over it
    () => new MCMC(new HMCECS(new NUTS(annotatedSub)), opts).getSamples().muu,
    // @ts-expect-error: explicit type arguments where the model is a plain function
    () => new MCMC(new ESS<[number, Tensor], "mu">(plain), opts).getSamples().muu,
  ];
  expect(wrong).toHaveLength(9);
  // The same calls with the model's arguments compile (so the errors above are about the arguments).
  const right = [
    () => new MCMC(new SA(plain), opts).run(key(0), 1, y),
    () => new MCMC(new BarkerMH(plain), opts).run(key(0), 1, y),
    () => new MCMC(new RandomWalkMH(plain), opts).run(key(0), 1, y),
    () => new MCMC(new AIES(plain), opts).run(key(0), 1, y),
    () => new MCMC(new ESS(plain), opts).warmup(key(0), 1, y),
    () => new MCMC(new HMCECS(new NUTS(subsampled)), opts).run(key(0), 1, y),
    () => new MCMC(new HMCECS(new NUTS(annotatedSub)), opts).getSamples().mu,
  ];
  expect(right).toHaveLength(7);
  // The right arguments compile and run; draws are keyed by the annotated site.
  const mcmc = new MCMC(new SA(annotated), { ...opts, numChains: 1 });
  await mcmc.run(key(0), 1, y);
  const mu: Tensor = mcmc.getSamples().mu;
  expect(mu.shape).toEqual([10]);
  // A raw-potential kernel keeps accepting any run arguments (the default types).
  const raw = new MCMC(new SA({ potentialFn: (z) => 0.5 * z[0] ** 2, dim: 1 }), { ...opts, numChains: 1 });
  await raw.run(0, "ignored", 42);
  expect(raw.getSamples().z.shape).toEqual([10, 1]);
});
