import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { grad } from "../autodiff/grad.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { interpretProgram } from "../jit/interpret.js";
import { jit } from "../jit/jit.js";
import { sum } from "../primitives/reduce-sum.js";
import { BINOMIAL_ROUNDS, BINOMIAL_TERMS, binomial } from "./binomial.js";
import { key, split } from "./key.js";
import { POISSON_ROUNDS, POISSON_TERMS, poisson } from "./poisson.js";

// fixtures/discrete-pmf.json: scipy.stats chi-square bins and bounds, written by scripts/discrete_fixtures.py.
const fx = JSON.parse(readFileSync(new URL("../../fixtures/discrete-pmf.json", import.meta.url), "utf8")) as {
  n: number;
  cases: {
    dist: "poisson" | "binomial";
    params: number[];
    bins: number[][];
    probs: number[];
    crit: number;
  }[];
  bounds: {
    poisson_tail: number;
    binomial_tail: number;
    ptrs_acceptance: Record<string, number>;
    btrs_acceptance: Record<string, number>;
  };
};
const arr = (x: { dataSync(): ArrayLike<number> }): number[] => Array.from(x.dataSync());

/** Pearson's chi-square statistic of `draws` over integer bins [lo, hi] with probabilities `probs`. */
function chiSquare(draws: number[], bins: number[][], probs: number[]): number {
  const obs = new Array<number>(bins.length).fill(0);
  for (const x of draws) {
    let lo = 0;
    let hi = bins.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bins[mid]![1]! < x) lo = mid + 1;
      else hi = mid;
    }
    obs[lo]!++;
  }
  return obs.reduce((s, o, i) => s + (o - draws.length * probs[i]!) ** 2 / (draws.length * probs[i]!), 0);
}

describe("poisson and binomial follow scipy.stats (seeded chi-square at level 0.001)", () => {
  fx.cases.forEach((c, i) => {
    test(`${c.dist}(${c.params.join(", ")}) draws match scipy's pmf`, () => {
      const k = key(300 + i);
      const d =
        c.dist === "poisson"
          ? arr(poisson(k, c.params[0]!, [fx.n]))
          : arr(binomial(k, c.params[0]!, c.params[1]!, [fx.n]));
      expect(d.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(chiSquare(d, c.bins, c.probs)).toBeLessThan(c.crit);
    });
  });
});

describe("poisson and binomial are traceable", () => {
  const rate = tensor([0, 0.1, 1, 5, 9.9, 10, 50, 1e4, -1, Number.NaN, 1e-300, 3e7]);
  const n = tensor([0, 10, 10, 5, 20, 30, 1000, 21, 100, 1e9, 1e9, 10, 2.5, -1, 10, 10]);
  const p = tensor([0.3, 0, 1, 0.2, 0.45, 0.8, 0.003, 0.5, 0.9, 5e-9, 0.3, 0.5, 0.5, 0.5, 1.5, Number.NaN]);
  const draw = (k: Tensor, r: Tensor, nn: Tensor, pp: Tensor): Tensor[] => {
    const [k1, k2] = split(k) as [Tensor, Tensor];
    return [poisson(k1, r, [50, 12]), binomial(k2, nn, pp, [50, 16])];
  };

  test("jit(poisson / binomial) with a traced key and parameters draws the same numbers as eagerly", () => {
    const staged = jit(draw);
    for (const s of [0, 7]) {
      const got = staged(key(s), rate, n, p).map(arr);
      const want = draw(key(s), rate, n, p).map(arr);
      expect(got).toEqual(want);
    }
  });

  test("makeProgram stages them without reading the key, and the IR interpreter reproduces the eager draws", () => {
    const { program } = makeProgram(draw, [key(0), rate, n, p]);
    const out = interpretProgram(program, [
      Uint32Array.of(0, 42),
      Float64Array.from(arr(rate)),
      Float64Array.from(arr(n)),
      Float64Array.from(arr(p)),
    ]);
    expect(out.map((o) => Array.from(o as Float64Array))).toEqual(draw(key(42), rate, n, p).map(arr));
  });
});

describe("poisson(key, rate, shape) and binomial(key, n, p, shape) edge cases", () => {
  test("rate 0 gives 0, a negative or NaN rate gives NaN, and a rate broadcasts to the shape", () => {
    const d = poisson(key(1), tensor([[0], [-1], [Number.NaN], [2]]), [4, 3]);
    expect(d.shape).toEqual([4, 3]);
    const a = arr(d);
    expect(a.slice(0, 3)).toEqual([0, 0, 0]);
    expect(a.slice(3, 9).every(Number.isNaN)).toBe(true);
    expect(a.slice(9).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  test("n = 0 or p = 0 gives 0, p = 1 gives n, and an invalid n or p gives NaN", () => {
    const a = arr(
      binomial(
        key(2),
        [0, 7, 7, 7, 2.5, -1, Number.POSITIVE_INFINITY, 7, 7, 7],
        [0.4, 0, 1, 0.5, 0.5, 0.5, 0.5, -0.1, 1.1, Number.NaN],
      ),
    );
    expect(a.slice(0, 3)).toEqual([0, 0, 7]);
    expect(a[3]! >= 0 && a[3]! <= 7).toBe(true);
    expect(a.slice(4).every(Number.isNaN)).toBe(true);
    expect(binomial(key(3), tensor([[10], [20]]), tensor([0.1, 0.9]), [5, 2, 2]).shape).toEqual([5, 2, 2]);
  });

  test("binomial draws never exceed n, also for small n in the inversion branch", () => {
    for (const [nn, pp] of [
      [1, 0.5],
      [3, 0.3],
      [2, 0.99],
    ] as const)
      expect(arr(binomial(key(4), nn, pp, [4000])).every((v) => v >= 0 && v <= nn)).toBe(true);
  });

  test("the draws are constants for autodiff", () => {
    const dp = grad((r: Tensor) => sum(poisson(key(5), r, [3])))(tensor(20)) as Tensor;
    expect(dp.item()).toBe(0);
    const db = grad((q: Tensor) => sum(binomial(key(6), 50, q, [3])))(tensor(0.4)) as Tensor;
    expect(db.item()).toBe(0);
  });

  test(`the term and round counts are fixed (${POISSON_TERMS}/${POISSON_ROUNDS} and ${BINOMIAL_TERMS}/${BINOMIAL_ROUNDS}), so a truncated or all-rejected draw has probability below 10⁻¹⁶`, () => {
    const b = fx.bounds;
    expect(b.poisson_tail).toBeLessThan(1e-16);
    expect(b.binomial_tail).toBeLessThan(1e-16);
    const ptrs = Math.min(...Object.values(b.ptrs_acceptance));
    const btrs = Math.min(...Object.values(b.btrs_acceptance));
    // the simulated acceptance has standard error below 5·10⁻⁴ (10⁶ draws); take 3·10⁻³ off to be safe
    expect((1 - (ptrs - 3e-3)) ** POISSON_ROUNDS).toBeLessThan(1e-16);
    expect((1 - (btrs - 3e-3)) ** BINOMIAL_ROUNDS).toBeLessThan(1e-16);
  });
});
