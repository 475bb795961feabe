import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { tensor } from "../core/tensor.js";
import { randomBits } from "../primitives/random-bits.js";
import { erfcScalar, erfScalar } from "../special/erf.js";
import { lgammaScalar } from "../special/lgamma.js";
import { bernoulli, categorical, exponential, normal, truncatedNormal, uniform } from "./basic.js";
import { beta, binomial, choice, dirichlet, gamma, permutation, poisson } from "./host.js";
import { foldIn, key, split } from "./key.js";

const fx = JSON.parse(readFileSync(new URL("../../fixtures/threefry.json", import.meta.url), "utf8")) as {
  cases: {
    seed: number;
    key: number[];
    bits8: number[];
    bits3x5: number[];
    split3: number[][];
    foldIn7: number[];
  }[];
};

const N = 20000;
const arr = (x: { dataSync(): ArrayLike<number> }): number[] => Array.from(x.dataSync());
const meanOf = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const varOf = (a: number[]): number => {
  const m = meanOf(a);
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
};

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
function ks(sample: number[], cdf: (x: number) => number): number {
  const s = [...sample].sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, f - i / s.length, (i + 1) / s.length - f);
  }
  return d;
}
/** KS critical value at level 0.001 (the draws are seeded, so the test is deterministic). */
const KS_CRIT = 1.95 / Math.sqrt(N);
const Phi = (x: number): number => 0.5 * erfcScalar(-x / Math.SQRT2);

/** Mean within 5 standard errors of `m` and variance within 10% of `v`. */
function expectMoments(a: number[], m: number, v: number): void {
  expect(Math.abs(meanOf(a) - m)).toBeLessThan(5 * Math.sqrt(v / a.length));
  expect(Math.abs(varOf(a) / v - 1)).toBeLessThan(0.1);
}

/** Every pmf value within 5 standard errors of the empirical frequency. */
function expectPmf(a: number[], pmf: (k: number) => number, kmax: number): void {
  for (let k = 0; k <= kmax; k++) {
    const p = pmf(k);
    const f = a.filter((v) => v === k).length / a.length;
    expect(Math.abs(f - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / a.length) + 1e-4);
  }
}

describe("threefry-2x32 keys equal jax.random's", () => {
  for (const c of fx.cases)
    test(`key(${c.seed}), bits, split and foldIn match JAX`, () => {
      const k = key(c.seed);
      expect(arr(k)).toEqual(c.key);
      expect(arr(randomBits(k, [8]))).toEqual(c.bits8);
      expect(arr(randomBits(k, [3, 5]))).toEqual(c.bits3x5);
      expect(split(k, 3).map(arr)).toEqual(c.split3);
      expect(arr(foldIn(k, 7))).toEqual(c.foldIn7);
    });
});

describe("samplers are deterministic", () => {
  test("the same key gives the same numbers; different keys differ", () => {
    for (const f of [
      (k: ReturnType<typeof key>) => normal(k, [5]),
      (k: ReturnType<typeof key>) => gamma(k, 0.7, [5]),
      (k: ReturnType<typeof key>) => poisson(k, 30, [5]),
      (k: ReturnType<typeof key>) => uniform(k, [5]),
    ]) {
      expect(arr(f(key(3)))).toEqual(arr(f(key(3))));
      expect(arr(f(key(3)))).not.toEqual(arr(f(key(4))));
    }
  });
});

describe("samplers have the right distribution (seeded KS tests and moments)", () => {
  test("uniform(key, shape) is U[0, 1); minval/maxval rescale", () => {
    const a = arr(uniform(key(10), [N]));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(ks(a, (x) => x)).toBeLessThan(KS_CRIT);
    const b = arr(uniform(key(11), [N], { minval: -2, maxval: 4 }));
    expectMoments(b, 1, 3);
    const c = uniform(key(12), [N], { dtype: "float32" });
    expect(c.dtype).toBe("float32");
    expect(ks(arr(c), (x) => x)).toBeLessThan(KS_CRIT);
  });

  test("normal(key, shape) is N(0, 1)", () => {
    const a = arr(normal(key(20), [N]));
    expect(ks(a, Phi)).toBeLessThan(KS_CRIT);
    expectMoments(a, 0, 1);
  });

  test("exponential(key, shape) is Exp(1)", () => {
    const a = arr(exponential(key(21), [N]));
    expect(ks(a, (x) => 1 - Math.exp(-x))).toBeLessThan(KS_CRIT);
    expectMoments(a, 1, 1);
  });

  test("bernoulli(key, p, shape) has mean p", () => {
    const a = arr(bernoulli(key(22), 0.3, [N]));
    expectMoments(a, 0.3, 0.21);
  });

  test("categorical(key, logits, shape) has frequencies softmax(logits)", () => {
    const logits = [0, Math.log(2), Math.log(3)];
    const a = arr(categorical(key(23), logits, [N]));
    expectPmf(a, (k) => [1 / 6, 2 / 6, 3 / 6][k], 2);
    expect(categorical(key(0), tensor([logits, logits])).shape).toEqual([2]);
  });

  test("gamma(key, α) is Gamma(α, 1) for α < 1 (boost) and α ≥ 1", () => {
    const a = arr(gamma(key(24), 0.5, [N]));
    expect(ks(a, (x) => erfScalar(Math.sqrt(x)))).toBeLessThan(KS_CRIT);
    const b = arr(gamma(key(25), 3, [N]));
    expect(ks(b, (x) => 1 - Math.exp(-x) * (1 + x + (x * x) / 2))).toBeLessThan(KS_CRIT);
    expectMoments(arr(gamma(key(26), 50, [N])), 50, 50);
    expectMoments(arr(gamma(key(27), 0.1, [N])), 0.1, 0.1);
  });

  test("beta(key, a, b) is Beta(a, b)", () => {
    const a = arr(beta(key(28), 2, 3, [N]));
    expect(ks(a, (x) => 6 * x * x - 8 * x ** 3 + 3 * x ** 4)).toBeLessThan(KS_CRIT);
  });

  test("dirichlet(key, α) lies on the simplex with mean α/Σα", () => {
    const d = dirichlet(key(29), [1, 2, 3], [N]);
    expect(d.shape).toEqual([N, 3]);
    const a = arr(d);
    for (let i = 0; i < 30; i += 3) expect(a[i] + a[i + 1] + a[i + 2]).toBeCloseTo(1, 12);
    const first = a.filter((_, i) => i % 3 === 0);
    expectMoments(first, 1 / 6, ((1 / 6) * (5 / 6)) / 7);
  });

  test("poisson(key, rate) is Poisson for small (exact) and large (PTRS) rates", () => {
    const pmf = (lam: number) => (k: number) => Math.exp(k * Math.log(lam) - lam - lgammaScalar(k + 1));
    expectPmf(arr(poisson(key(30), 3, [N])), pmf(3), 12);
    const big = arr(poisson(key(31), 50, [N]));
    expectMoments(big, 50, 50);
    expectPmf(big, pmf(50), 80);
  });

  test("binomial(key, n, p) is Binomial for small and large n·p", () => {
    const pmf = (n: number, p: number) => (k: number) =>
      Math.exp(
        lgammaScalar(n + 1) -
          lgammaScalar(k + 1) -
          lgammaScalar(n - k + 1) +
          k * Math.log(p) +
          (n - k) * Math.log1p(-p),
      );
    expectPmf(arr(binomial(key(32), 10, 0.3, [N])), pmf(10, 0.3), 10);
    const big = arr(binomial(key(33), 1000, 0.4, [N]));
    expectMoments(big, 400, 240);
    expectPmf(big, pmf(1000, 0.4), 0);
    expectMoments(arr(binomial(key(34), 200, 0.9, [N])), 180, 18);
  });

  test("truncatedNormal(key, lo, hi) follows the truncated CDF, in both tails", () => {
    for (const [lo, hi] of [
      [-1, 2],
      [3, 6],
      [-8, -5],
    ]) {
      const a = arr(truncatedNormal(key(35), lo, hi, [N]));
      expect(Math.min(...a)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...a)).toBeLessThanOrEqual(hi);
      const [pa, pb] = lo > 0 ? [Phi(-hi), Phi(-lo)] : [Phi(lo), Phi(hi)];
      const cdf =
        lo > 0 ? (x: number) => (pb - Phi(-x)) / (pb - pa) : (x: number) => (Phi(x) - pa) / (pb - pa);
      expect(ks(a, cdf)).toBeLessThan(KS_CRIT);
    }
  });

  test("permutation(key, n) is a permutation with uniform positions", () => {
    const p = arr(permutation(key(36), 10));
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const firsts = Array.from({ length: 4000 }, (_, i) => arr(permutation(foldIn(key(37), i), 4))[0]);
    expectPmf(firsts, () => 0.25, 3);
    expect(
      permutation(
        key(38),
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ).shape,
    ).toEqual([3, 2]);
  });

  test("choice(key, n, shape, options) samples with and without replacement, with probabilities", () => {
    expectPmf(arr(choice(key(39), 4, [N])), () => 0.25, 3);
    expectPmf(arr(choice(key(40), 3, [N], { p: [0.2, 0.3, 0.5] })), (k) => [0.2, 0.3, 0.5][k], 2);
    const u = arr(choice(key(41), 10, [10], { replace: false }));
    expect(new Set(u).size).toBe(10);
    expect(() => choice(key(42), 3, [4], { replace: false })).toThrow(/without replacement/);
  });
});
