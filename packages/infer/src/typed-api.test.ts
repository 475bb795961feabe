import { Normal } from "@phlox/distributions";
import { type Model, plate, sample } from "@phlox/handlers";
import { key, type Tensor, tensor } from "@phlox/tensor";
import { expect, test } from "vitest";
import { Predictive } from "./predictive.js";

// Type-level tests: `pnpm -F @phlox/infer typecheck` (tsc over src, tests included) fails when one of the
// `@ts-expect-error` lines compiles, i.e. when Predictive stops carrying the model's types.
const model: Model<[n: number, obs?: Tensor], "mu" | "y"> = (n, obs) => {
  const mu = sample("mu", new Normal(0, 1));
  plate("data", n, () => sample("y", new Normal(mu, 1), { obs }));
};

test("Predictive.run takes the model's arguments and is keyed by its annotated sites (checked by tsc)", () => {
  const prior = new Predictive(model, { numSamples: 4 });
  const wrong = [
    // @ts-expect-error: a string where the model takes a number
    () => prior.run(key(0), "3"),
    // @ts-expect-error: one argument too many
    () => prior.run(key(0), 3, tensor([1, 2, 3]), 42),
    // @ts-expect-error: "yy" is not a site of the model
    () => prior.run(key(0), 3).yy,
    // @ts-expect-error: a plain-function model still has its argument types inferred
    () => new Predictive((n: number) => n, { numSamples: 1 }).run(key(0), "3"),
  ];
  expect(wrong).toHaveLength(4);
  const draws = prior.run(key(0), 3);
  expect(draws.y.shape).toEqual([4, 3]);
  expect(draws.mu.shape).toEqual([4]);
  const post = new Predictive(model, { posteriorSamples: { mu: draws.mu } }).run(key(1), 3);
  expect(post.y.shape).toEqual([4, 3]);
});
