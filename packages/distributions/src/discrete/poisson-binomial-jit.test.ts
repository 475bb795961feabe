import { jit, key, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Binomial } from "./binomial.js";
import { Poisson } from "./poisson.js";

const arr = (x: Tensor): number[] => Array.from(x.dataSync());

describe("Poisson and Binomial sample under jit", () => {
  it("Poisson(rate).sample(key, shape) draws the same numbers under jit as eagerly, for small and large rates", () => {
    const draw = (k: Tensor, rate: Tensor): Tensor => new Poisson(rate).sample(k, [40]);
    const rate = tensor([0.1, 3, 9.9, 10, 75, 2e4]);
    const staged = jit(draw);
    for (const s of [0, 5]) {
      const got = staged(key(s), rate);
      expect(got.shape).toEqual([40, 6]);
      expect(arr(got)).toEqual(arr(draw(key(s), rate)));
    }
  });

  it("Binomial(n, probs).sample(key, shape) draws the same numbers under jit as eagerly, in both branches and p > ½", () => {
    const draw = (k: Tensor, n: Tensor, p: Tensor): Tensor => new Binomial(n, { probs: p }).sample(k, [40]);
    const n = tensor([0, 5, 30, 21, 1000, 200]);
    const p = tensor([0.3, 0.2, 0.8, 0.5, 0.4, 1]);
    const staged = jit(draw);
    for (const s of [1, 6]) {
      const got = staged(key(s), n, p);
      expect(got.shape).toEqual([40, 6]);
      expect(arr(got)).toEqual(arr(draw(key(s), n, p)));
    }
  });
});
