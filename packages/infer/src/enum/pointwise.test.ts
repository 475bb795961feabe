import { Categorical, Normal } from "@phlox/distributions";
import { factor, plate, sample } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { logLikelihood } from "../predictive.js";

const y = T.tensor([-2.1, 0.3, 2.8, 3.4]);
const mixture = (data: T.Tensor): void => {
  const locs = plate("K", 3, () => sample("locs", new Normal(0, 5)));
  const w = T.tensor([0.2, 0.5, 0.3]);
  plate("N", data.shape[0], () => {
    const z = sample("z", new Categorical(w), { infer: { enumerate: "parallel" } });
    sample("y", new Normal(T.take(locs, T.cast(z, "int32"), 0), 1), { obs: data });
  });
};

describe("logLikelihood with discrete sites summed out", () => {
  const draws = T.tensor([
    [-2, 0, 3],
    [-1.5, 0.5, 2.5],
    [-2.5, 1, 3.5],
    [-2, 0.2, 3.1],
  ]);
  const want = (s: number, n: number): number => {
    const locs = Array.from(draws.dataSync()).slice(3 * s, 3 * s + 3);
    const yn = y.dataSync()[n];
    const w = [0.2, 0.5, 0.3];
    const p = locs.reduce(
      (a, m, k) => a + (w[k] * Math.exp(-0.5 * (yn - m) ** 2)) / Math.sqrt(2 * Math.PI),
      0,
    );
    return Math.log(p);
  };
  for (const jit of [false, true]) {
    it(`is the mixture density of each point at each draw (jit: ${jit})`, () => {
      const ll = logLikelihood(mixture, { locs: draws }, [y], { jit });
      expect(ll.y.shape).toEqual([4, 4]);
      const got = ll.y.dataSync();
      for (let s = 0; s < 4; s++)
        for (let n = 0; n < 4; n++) expect(got[4 * s + n]).toBeCloseTo(want(s, n), 12);
    });
  }

  it("includes factor sites, as NumPyro's log_likelihood does", () => {
    const m = (): void => {
      const mu = sample("mu", new Normal(0, 1));
      factor("f", T.mul(mu, 2));
    };
    const ll = logLikelihood(m, { mu: T.tensor([0.5, -1]) }, []);
    expect(Array.from(ll.f.dataSync())).toEqual([1, -2]);
  });
});
