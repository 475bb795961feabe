import { Normal } from "@phlox/distributions";
import { type Model, sample } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { HMC, NUTS } from "./hmc-kernel.js";
import { MCMC } from "./mcmc.js";
import { runOptions } from "./run-options.js";

// Type-level tests: `pnpm -F @phlox/mcmc typecheck` (tsc over src, tests included) fails when one of the
// `@ts-expect-error` lines below compiles, i.e. when MCMC/NUTS stop carrying the model's types.

const plain = (sigma: number, y: Tensor): void => {
  const mu = sample("mu", new Normal(0, 5));
  sample("obs", new Normal(mu, sigma), { obs: y });
};

const annotated: Model<[sigma: number, y: Tensor], "mu"> = (sigma, y) => {
  const mu = sample("mu", new Normal(0, 5));
  sample("obs", new Normal(mu, sigma), { obs: y });
};

const opts = { numWarmup: 30, numSamples: 20, numChains: 2, progressBar: false } as const;

test("MCMC.run takes the model's arguments (checked by tsc) and getSamples is keyed by annotated sites", {
  timeout: 60_000,
}, async () => {
  const y = tensor([0.5, 1.5, 1]);
  const mcmc = new MCMC(new NUTS(annotated), opts);
  const wrong = [
    // @ts-expect-error: a string where the model takes a Tensor, and one argument too many
    () => mcmc.run(key(0), 1, y, "oops", 42),
    // @ts-expect-error: the arguments swapped
    () => mcmc.run(key(0), y, 1),
    // @ts-expect-error: a missing argument
    () => mcmc.warmup(key(0), 1),
    // @ts-expect-error: "muu" is not a site of the model
    () => mcmc.getSamples().muu,
    // @ts-expect-error: the model's arguments, inferred by a plain-function NUTS too
    () => new MCMC(new NUTS(plain), opts).run(key(0), 1, y, "oops", 42),
    // @ts-expect-error: HMC carries them as well
    () => new MCMC(new HMC(plain), opts).run(key(0), "1", y),
    // @ts-expect-error: explicit type arguments where the model is a plain function
    () => new MCMC(new NUTS<[number, Tensor], "mu">(plain), opts).getSamples().muu,
  ];
  expect(wrong).toHaveLength(7);
  await mcmc.run(key(0), 1, y, runOptions({}));
  const mu: Tensor = mcmc.getSamples().mu;
  expect(mu.shape).toEqual([40]);
  // A plain function model keys draws by any string, as before.
  const loose = new MCMC(new NUTS(plain), opts);
  await loose.run(key(1), 1, y);
  expect(Object.keys(loose.getSamples())).toEqual(["mu"]);
  expect(loose.getSamples().other).toBeUndefined();
});

test("a raw-potential kernel keeps accepting any run arguments (the default types)", async () => {
  const U = (z: Float64Array, g: Float64Array) => {
    g[0] = z[0];
    return 0.5 * z[0] ** 2;
  };
  const mcmc = new MCMC(new NUTS({ potentialFn: U, initParams: [0] }), { ...opts, numChains: 1 });
  await mcmc.run(0, "ignored", 42);
  expect(mcmc.getSamples().z.shape).toEqual([20, 1]);
});
