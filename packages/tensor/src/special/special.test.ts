import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { grad } from "../autodiff/grad.js";
import type { Tensor } from "../core/tensor.js";
import { tensor } from "../core/tensor.js";
import { betaln } from "../ops/beta.js";
import { logSumExp } from "../ops/log-sum-exp.js";
import { xlogy } from "../ops/xlogy.js";
import { digamma } from "../primitives/digamma.js";
import { erf } from "../primitives/erf.js";
import { erfc } from "../primitives/erfc.js";
import { expm1 } from "../primitives/expm1.js";
import { lgamma } from "../primitives/lgamma.js";
import { log1p } from "../primitives/log1p.js";
import { ndtri } from "../primitives/ndtri.js";
import { polygamma } from "../primitives/polygamma.js";
import { sum } from "../primitives/reduce-sum.js";
import { cotDerivativePolynomial } from "./polygamma.js";

interface Pts {
  x: number[];
  y: number[];
}
interface Pts2 {
  a: number[];
  b: number[];
  y: number[];
}
const fx = JSON.parse(readFileSync(new URL("../../fixtures/special.json", import.meta.url), "utf8"));

/** Largest error relative to max(|ref|, floor): floor = 0 is pure relative error. */
function maxErr(got: ArrayLike<number>, ref: readonly number[], floor = 0): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const g = got[i];
    const e = g === r ? 0 : Math.abs(g - r) / Math.max(Math.abs(r), floor);
    m = Math.max(m, Number.isNaN(e) ? Number.POSITIVE_INFINITY : e);
  }
  return m;
}

const unary: [string, (x: Tensor) => Tensor, string, number, number][] = [
  ["lgamma", lgamma, "lgamma", 1e-12, 0],
  ["lgamma (x < 0, error relative to max(1, |ref|))", lgamma, "lgamma_neg", 1e-12, 1],
  ["digamma", digamma, "digamma", 1e-12, 0],
  ["digamma (x < 0, error relative to max(1, |ref|))", digamma, "digamma_neg", 1e-12, 1],
  ["trigamma = polygamma(1, ·)", (x) => polygamma(1, x), "trigamma", 1e-12, 0],
  ["trigamma (x < 0)", (x) => polygamma(1, x), "trigamma_neg", 1e-12, 0],
  [
    "polygamma(2, x < 0), error relative to max(1, |ref|)",
    (x) => polygamma(2, x),
    "polygamma2_neg",
    1e-12,
    1,
  ],
  [
    "polygamma(3, x < 0), error relative to max(1, |ref|)",
    (x) => polygamma(3, x),
    "polygamma3_neg",
    1e-12,
    1,
  ],
  [
    "polygamma(4, x < 0), error relative to max(1, |ref|)",
    (x) => polygamma(4, x),
    "polygamma4_neg",
    1e-12,
    1,
  ],
  ["erf", erf, "erf", 1e-12, 0],
  ["erfc", erfc, "erfc", 1e-12, 0],
  ["ndtri", ndtri, "ndtri", 1e-12, 0],
  ["log1p", log1p, "log1p", 1e-12, 0],
  ["expm1", expm1, "expm1", 1e-12, 0],
];

describe("polygamma at negative half-integers", () => {
  test("cot(πx) is exactly 0 there: JAX's ψ⁽⁴⁾(−100000.5) = −5.99976e-20 (scipy's −4.95e-14 is off)", () => {
    // jax.scipy.special.polygamma(4, -100000.5) in float64; the reflection term vanishes, so it is ψ⁽⁴⁾(100001.5)
    expect(polygamma(4, -100000.5).item()).toBeCloseTo(-5.999760005499913e-20, 30);
    expect(polygamma(4, -100000.5).item() / -5.999760005499913e-20).toBeCloseTo(1, 12);
  });
});

describe("special functions match scipy.special", () => {
  for (const [name, f, key, tol, floor] of unary) {
    test(`${name} matches scipy on ${(fx[key] as Pts).x.length} points (bound ${tol})`, () => {
      const p = fx[key] as Pts;
      expect(p.x.length).toBeGreaterThanOrEqual(key.endsWith("_neg") ? 250 : 1000);
      const got = f(tensor(p.x)).dataSync();
      const err = maxErr(got, p.y, floor);
      console.log(`${key}: max error ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(tol);
    });
  }

  test("logSumExp(rows, 1) matches scipy.special.logsumexp on 1000 rows", () => {
    const { rows, y } = fx.logsumexp as { rows: number[][]; y: number[] };
    const got = logSumExp(tensor(rows), 1).dataSync();
    const err = maxErr(got, y, 1);
    console.log(`logsumexp: max error ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  test("xlogy(a, b) matches scipy.special.xlogy on 1000 pairs, zeros included", () => {
    const p = fx.xlogy as Pts2;
    const got = xlogy(tensor(p.a), tensor(p.b)).dataSync();
    const err = maxErr(got, p.y);
    console.log(`xlogy: max error ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  test("betaln(a, b) matches scipy.special.betaln on 1100 pairs over [1e-3, 1e8]", () => {
    const p = fx.betaln as Pts2;
    const got = betaln(tensor(p.a), tensor(p.b)).dataSync();
    const err = maxErr(got, p.y, 1);
    console.log(`betaln: max error ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });
});

describe("erf and erfc at the ends of the real line", () => {
  test("erf(±∞) = ±1, erfc(−∞) = 2, erfc(∞) = 0, and the tails reach those limits exactly", () => {
    const x = tensor([Number.NEGATIVE_INFINITY, -40, -6.5, 6.5, 40, Number.POSITIVE_INFINITY]);
    expect(Array.from(erf(x).dataSync() as Float64Array)).toEqual([-1, -1, -1, 1, 1, 1]);
    const y = tensor([Number.NEGATIVE_INFINITY, -40, -6.5, 40, Number.POSITIVE_INFINITY]);
    expect(Array.from(erfc(y).dataSync() as Float64Array)).toEqual([2, 2, 2, 0, 0]);
  });
  test("erf/erfc stay continuous where the infinite-argument branches start (|x| = 6)", () => {
    // scipy.special.erf(5.999) = 1 - 2.16e-17 → 1; erfc(-5.999) → 2 in float64.
    const x = tensor([-6, -5.999, 5.999, 6]);
    expect(Array.from(erf(x).dataSync() as Float64Array)).toEqual([-1, -1, 1, 1]);
    expect(Array.from(erfc(tensor([-6, -5.999])).dataSync() as Float64Array)).toEqual([2, 2]);
  });
  test("the gradient of erf and erfc at ±∞ is 0", () => {
    const x = tensor([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    for (const f of [erf, erfc]) {
      const g = grad((t: Tensor) => sum(f(t)))(x) as Tensor;
      expect(Array.from(g.dataSync() as Float64Array).map(Math.abs)).toEqual([0, 0]);
    }
  });
});

describe("cotDerivativePolynomial", () => {
  test("gives d/du cot u = −1 − cot² u and d²/du² cot u = 2 cot u + 2 cot³ u", () => {
    expect(cotDerivativePolynomial(0)).toEqual([0, 1]);
    expect(cotDerivativePolynomial(1)).toEqual([-1, 0, -1]);
    expect(cotDerivativePolynomial(2)).toEqual([0, 2, 0, 2]);
  });
  test("agrees with central differences of P₂(cot u) for the third derivative", () => {
    const horner = (p: number[], c: number) => p.reduceRight((acc, a) => acc * c + a, 0);
    const p2 = cotDerivativePolynomial(2);
    const p3 = cotDerivativePolynomial(3);
    for (const u of [0.3, 1.1, 2.5]) {
      const h = 1e-5;
      const fd = (horner(p2, 1 / Math.tan(u + h)) - horner(p2, 1 / Math.tan(u - h))) / (2 * h);
      expect(horner(p3, 1 / Math.tan(u))).toBeCloseTo(fd, 4);
    }
  });
  test("returns a fresh array each call, so a caller's change cannot reach polygamma", () => {
    const before = polygamma(3, tensor([-0.3])).dataSync()[0];
    cotDerivativePolynomial(3).fill(0);
    expect(polygamma(3, tensor([-0.3])).dataSync()[0]).toBe(before);
  });
  test("rejects an order that is not a non-negative integer", () => {
    expect(() => cotDerivativePolynomial(-1)).toThrow(/non-negative integer/);
    expect(() => cotDerivativePolynomial(1.5)).toThrow(/cotDerivativePolynomial\(1.5\)/);
  });
});

describe("ndtri at subnormal probabilities", () => {
  test("matches scipy (Newton on log Φ, where a Halley step's exp(x²/2) would overflow)", () => {
    // scipy.special.ndtri(5e-324) = −38.467405617144344, ndtri(1e-310) = −37.663060331949524
    const [x, y] = ndtri(tensor([5e-324, 1e-310])).toArray() as number[];
    expect(Math.abs((x as number) / -38.467405617144344 - 1)).toBeLessThan(1e-15);
    expect(Math.abs((y as number) / -37.663060331949524 - 1)).toBeLessThan(1e-15);
  });
});
