import { gamma, key, split, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Beta } from "./continuous/beta.js";
import { Gamma } from "./continuous/gamma.js";
import { Normal } from "./continuous/normal.js";
import { StudentT } from "./continuous/student-t.js";
import { Binomial } from "./discrete/binomial.js";
import { NegativeBinomial } from "./discrete/negative-binomial.js";
import { RelaxedBernoulli } from "./meta/relaxed-bernoulli.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { Multinomial } from "./multivariate/multinomial.js";

describe("distribution arguments", () => {
  it("an explicit undefined parameter is an error, with or without validateArgs; leaving it out gives the default", () => {
    expect(() => new Normal(0, undefined as unknown as number)).toThrow(
      expect.objectContaining({
        code: "distribution-missing-parameter",
        message: expect.stringMatching(/Normal: parameter scale \(argument 2\) is undefined/),
      }),
    );
    expect(() => new Normal(0, undefined as unknown as number, { validateArgs: true })).toThrow(/scale/);
    expect(() => new Gamma(2, undefined as unknown as number)).toThrow(/Gamma: parameter rate/);
    expect(() => new StudentT(3, undefined as unknown as number)).toThrow(/StudentT: parameter loc/);
    expect(new Normal(0).scale.item()).toBe(1);
    expect(new Normal().loc.item()).toBe(0);
  });

  it("distributions with a count and probs | logits also take NumPyro's keyword form as one object", () => {
    const lp = (d: { logProb(v: number | number[]): { item(): number } }, v: number | number[]) =>
      d.logProb(v).item();
    expect(lp(new Binomial({ totalCount: 10, logits: 0.3 }), 4)).toBe(
      lp(new Binomial(10, { logits: 0.3 }), 4),
    );
    expect(lp(new Binomial({ totalCount: 10, probs: 0.3 }), 4)).toBe(lp(new Binomial(10, 0.3), 4));
    expect(new Binomial({ totalCount: tensor([5, 10]), logits: 0 }).batchShape).toEqual([2]);
    expect(lp(new NegativeBinomial({ totalCount: 3, probs: 0.4 }), 2)).toBe(
      lp(new NegativeBinomial(3, 0.4), 2),
    );
    expect(lp(new Multinomial({ totalCount: 4, probs: [0.2, 0.8] }), [1, 3])).toBe(
      lp(new Multinomial(4, [0.2, 0.8]), [1, 3]),
    );
    expect(lp(new RelaxedBernoulli({ temperature: 0.5, logits: 1 }), 0.3)).toBe(
      lp(new RelaxedBernoulli(0.5, { logits: 1 }), 0.3),
    );
    expect(() => new Binomial({ totalCount: 10 } as never)).toThrow(/exactly one of probs or logits/);
    expect(() => new Binomial({ probs: 0.5 } as never)).toThrow(/totalCount is missing/);
    expect(() => new Binomial(10, undefined as never)).toThrow(/probs\/logits is undefined/);
  });
});

describe("mask", () => {
  it("a mask wider than the batch expands the distribution first: four independent draws (NumPyro)", () => {
    const d = new Normal(0, 1).mask(tensor([true, false, true, false]));
    expect(d.batchShape).toEqual([4]);
    const x = d.sample(key(0)).toArray() as number[];
    expect(new Set(x).size).toBe(4);
    expect((d.sample(key(1), [3]).toArray() as number[][]).flat().length).toBe(12);
    expect(new Set((d.sample(key(1), [3]).toArray() as number[][]).flat()).size).toBe(12);
  });
});

describe("tiny concentrations sample in log space", () => {
  it("Beta(a, b) with a, b ≈ 1e-300 puts its mass at 0 and 1 with P(→1) = a/(a + b), never NaN", () => {
    const frac1 = (a: number, b: number) => {
      const x = new Beta(a, b).sample(key(0), [3000]).toArray() as number[];
      expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(x.filter((v) => v > 1e-9 && v < 1 - 1e-9)).toEqual([]);
      return x.filter((v) => v > 0.5).length / x.length;
    };
    expect(Math.abs(frac1(1e-300, 1e-300) - 0.5)).toBeLessThan(0.04); // ±4.4 sd at n = 3000
    expect(Math.abs(frac1(2e-300, 1e-300) - 2 / 3)).toBeLessThan(0.04);
    expect(frac1(1e-300, 1)).toBe(0);
  });

  it("Dirichlet with tiny concentrations gives one-hot rows at each corner with its share; Gamma underflows to 0", () => {
    const rows = new Dirichlet(tensor([1e-300, 1e-300, 2e-300]))
      .sample(key(1), [4000])
      .toArray() as number[][];
    const counts = [0, 0, 0];
    for (const r of rows) {
      expect(r.some(Number.isNaN)).toBe(false);
      expect(Math.max(...r)).toBe(1);
      counts[r.indexOf(1)]++;
    }
    expect(Math.abs(counts[2] / 4000 - 0.5)).toBeLessThan(0.04);
    expect(Math.abs(counts[0] / 4000 - 0.25)).toBeLessThan(0.04);
    expect(new Gamma(1e-300).sample(key(2), [5]).toArray()).toEqual([0, 0, 0, 0, 0]);
  });

  it("ordinary concentrations keep the direct quotient of the Gamma draws, bit for bit", () => {
    const x = new Beta(2, 3).sample(key(5), [4]).toArray() as number[];
    const [k1, k0] = split(key(5), 2);
    const g1 = gamma(k1, 2, [4]).toArray() as number[];
    const g0 = gamma(k0, 3, [4]).toArray() as number[];
    expect(x).toEqual(g1.map((a, i) => a / (a + g0[i])));
  });
});
