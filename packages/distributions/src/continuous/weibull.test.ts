import { grad, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Weibull } from "./weibull.js";

describe("Weibull.logProb at an infinite or extreme scale", () => {
  it("is −∞, not NaN, at λ = ∞ for every k (NumPyro 0.21: −∞), k = 1 included", () => {
    // λ = exp(750) overflows; at k = 1 the old (k − 1)·log(x/λ) was 0·(−∞) = NaN
    for (const k of [1, 2, 0.5])
      expect(new Weibull(Infinity, k).logProb(0.5).item(), `k = ${k}`).toBe(-Infinity);
  });

  it("equals log k − k log λ + (k − 1) log x − (x/λ)ᵏ at large, small and ordinary scales", () => {
    // NumPyro 0.21: Weibull(1e300, 1).log_prob(0.5) = −690.7755278982137; the rest by the formula in double
    expect(new Weibull(1e300, 1).logProb(0.5).item()).toBeCloseTo(-690.7755278982137, 12);
    for (const [lam, k, x] of [
      [2, 1.5, 0.7],
      [0.3, 4, 0.25],
      [1e-5, 0.8, 3e-6],
      [5e8, 2.5, 1e9],
    ] as const) {
      const want = Math.log(k) - k * Math.log(lam) + (k - 1) * Math.log(x) - (x / lam) ** k;
      const got = new Weibull(lam, k).logProb(x).item();
      expect(Math.abs(got - want), `λ = ${lam}, k = ${k}, x = ${x}`).toBeLessThanOrEqual(
        4e-15 * Math.max(1, Math.abs(want)),
      );
    }
  });

  it("has the analytic gradient in λ and k at an ordinary point", () => {
    const [lam, k, x] = [2, 1.5, 0.7];
    const [gl, gk] = grad((l: Tensor, c: Tensor) => new Weibull(l, c).logProb(x), [0, 1])(
      tensor(lam),
      tensor(k),
    ) as [Tensor, Tensor];
    const r = x / lam;
    expect(gl.item()).toBeCloseTo((k / lam) * (r ** k - 1), 14);
    expect(gk.item()).toBeCloseTo(1 / k + Math.log(r) * (1 - r ** k), 14);
  });
});
