import { grad, type Tensor, tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { bijectTo } from "../bijectTo.js";
import { positiveDefinite, unitInterval } from "../constraints/constraint.js";
import { Beta } from "../continuous/beta.js";
import { values } from "../internal/ops.js";
import { maxRelErr } from "../testing/fixtures.js";
import { SigmoidTransform } from "./elementwise.js";
import { CorrCholeskyTransform, StickBreakingTransform } from "./stick-breaking.js";
import { LowerCholeskyTransform } from "./structured.js";
import type { Transform } from "./transform.js";

// Regressions found by transform-edge.test.ts: HMC warmup evaluates the potential at unconstrained values such
// as ±40 or ±750, where these transforms returned a boundary value, −∞ or NaN.
const finite = (t: Tensor): boolean => values(t).every(Number.isFinite);
/** log|J| at x and the gradients of Σ y and of log|J|, as HMC's potential differentiates them. */
function atPoint(t: Transform, x: number[]) {
  const y = t.forward(x);
  return {
    y,
    ld: t.logAbsDetJacobian(x, y),
    gOut: grad((v: Tensor) => t.forward(v).sum())(tensor(x)),
    gLd: grad((v: Tensor) => t.logAbsDetJacobian(v, t.forward(v)).sum())(tensor(x)),
  };
}

describe("transforms stay finite at extreme unconstrained inputs", () => {
  it("SigmoidTransform.forward keeps y inside (0, 1) at x = ±40 … ±750 (clipped like NumPyro)", () => {
    const y = values(new SigmoidTransform().forward([40, 750, -750]));
    expect(y[0]).toBe(1 - 2 ** -52);
    expect(y[1]).toBe(1 - 2 ** -52);
    expect(y[2]).toBe(2.2250738585072014e-308);
    // a Beta(½, ½) prior on bijectTo(unitInterval) stays finite where σ(x) rounds to 1
    const t = bijectTo(unitInterval);
    expect(Number.isFinite(new Beta(0.5, 0.5).logProb(t.forward(40)).item())).toBe(true);
  });

  it("StickBreakingTransform: pieces positive, log|J| and gradients finite at x = ±40 … ±750", () => {
    const t = new StickBreakingTransform();
    for (const x of [
      [40, -40, 0],
      [750, 750, 750],
      [700, -700, 0],
      [-750, 750, -750],
    ]) {
      const { y, ld, gOut, gLd } = atPoint(t, x);
      expect(values(y).every((v) => v > 0)).toBe(true);
      expect(finite(ld) && finite(gOut) && finite(gLd)).toBe(true);
    }
  });

  it("StickBreakingTransform.inverse round-trips a point next to a vertex to full precision", () => {
    const t = new StickBreakingTransform();
    const y = [1 - 3e-16, 1e-16, 1e-16, 1e-16];
    expect(maxRelErr(values(t.forward(t.inverse(y))), y)).toBeLessThan(1e-13);
    // x = 30 gives pieces 1e-13 … 1e-39: forward rounds none of them away, inverse recovers x
    expect(maxRelErr(values(t.inverse(t.forward([30, 30, 30]))), [30, 30, 30])).toBeLessThan(1e-14);
  });

  it("CorrCholeskyTransform: diagonal positive, log|J| and gradients finite at x = ±30 … ±750", () => {
    const t = new CorrCholeskyTransform();
    for (const x of [
      [30, 30, 30],
      [-750, 750, -750],
      [30, 30, 30, -30, -30, -30],
      [5, -5, 30, 30, 30, 30],
    ]) {
      const { y, ld, gOut, gLd } = atPoint(t, x);
      const n = y.shape[0]!;
      const diag = values(y).filter((_, k) => k % (n + 1) === 0);
      expect(diag.every((v) => v > 0)).toBe(true);
      expect(finite(ld) && finite(gOut) && finite(gLd)).toBe(true);
    }
  });

  it("CorrCholeskyTransform.inverse round-trips rows that are nearly spent (x = 15)", () => {
    const t = new CorrCholeskyTransform();
    const x = [15, 15, 1];
    expect(maxRelErr(values(t.inverse(t.forward(x))), x)).toBeLessThan(1e-12);
  });

  it("LowerCholeskyTransform: an overflowing diagonal exp(750) leaves the rest of the matrix, not NaN", () => {
    expect(new LowerCholeskyTransform().forward([0.5, 750, 0]).toArray()).toEqual([
      [Infinity, 0],
      [0.5, 1],
    ]);
    // NumPyro 0.21: [[∞, −∞], [−∞, 562500]]
    expect(bijectTo(positiveDefinite).forward([-750, 750, -750]).toArray()).toEqual([
      [Infinity, -Infinity],
      [-Infinity, 562500],
    ]);
  });
});

describe("inverse(forward(x)) returns x at random points, small pieces and nearly spent rows included", () => {
  // a 32-bit LCG: the same points on every run
  let s = 20261206;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const check = (t: Transform, dim: number, bound: number) => {
    let worst = 0;
    for (let n = 0; n < 3000; n++) {
      const x = Array.from({ length: dim }, () => (2 * u() - 1) * bound);
      const back = values(t.inverse(t.forward(x)));
      x.forEach((v, i) => {
        worst = Math.max(worst, Math.abs((back[i] as number) - v) / Math.max(1, Math.abs(v)));
      });
    }
    return worst;
  };
  it("StickBreakingTransform on 4 coordinates in (−30, 30)", () => {
    expect(check(new StickBreakingTransform(), 4, 30)).toBeLessThan(1e-9);
  });
  it("CorrCholeskyTransform of 4 × 4 factors (6 coordinates in (−18, 18), below the clip)", () => {
    expect(check(new CorrCholeskyTransform(), 6, 18)).toBeLessThan(1e-9);
  });
});

describe("the clips follow the dtype, as NumPyro's finfo(dtype)", () => {
  it("a float32 sigmoid stays strictly inside (0, 1) at x = 20, 40, −120", () => {
    const y = values(new SigmoidTransform().forward(tensor([20, 40, -120], { dtype: "float32" })));
    for (const v of y) expect(v > 0 && v < 1).toBe(true);
    expect(y[1]).toBe(Math.fround(1 - 2 ** -23));
  });
});
