import { key, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Gamma } from "./continuous/gamma.js";
import { Normal } from "./continuous/normal.js";
import { StudentT } from "./continuous/student-t.js";
import { Binomial } from "./discrete/binomial.js";
import { NegativeBinomial } from "./discrete/negative-binomial.js";
import { RelaxedBernoulli } from "./meta/relaxed-bernoulli.js";
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
