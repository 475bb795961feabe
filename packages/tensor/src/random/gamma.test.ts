import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { grad } from "../autodiff/grad.js";
import { makeProgram } from "../core/staging.js";
import { type Tensor, tensor } from "../core/tensor.js";
import { interpretProgram } from "../jit/interpret.js";
import { jit } from "../jit/jit.js";
import { sum } from "../primitives/reduce-sum.js";
import { beta, dirichlet, GAMMA_ROUNDS, gamma } from "./gamma.js";
import { key, split } from "./key.js";

// fixtures/gamma-quantiles.json: scipy.stats quantiles q = ppf(p), written by scripts/gamma_fixtures.py.
const fx = JSON.parse(
  readFileSync(new URL("../../fixtures/gamma-quantiles.json", import.meta.url), "utf8"),
) as {
  cases: { dist: "gamma" | "beta"; params: number[]; p: number[]; q: number[] }[];
};
const arr = (x: { dataSync(): ArrayLike<number> }): number[] => Array.from(x.dataSync());
const N = 20000;
/** KS critical value at level 0.001 (the draws are seeded, so each test is deterministic). */
const KS_CRIT = 1.95 / Math.sqrt(N);

/** max |F_n(q) − p| over the fixture's quantiles: a KS statistic restricted to those points. */
function gridKs(sample: number[], p: number[], q: number[]): number {
  const s = Float64Array.from(sample).sort();
  let d = 0;
  let i = 0;
  for (let j = 0; j < q.length; j++) {
    while (i < s.length && s[i]! <= q[j]!) i++;
    d = Math.max(d, Math.abs(i / s.length - p[j]!));
  }
  return d;
}

describe("gamma, beta and dirichlet follow scipy.stats (seeded KS at scipy quantiles)", () => {
  fx.cases.forEach((c, n) => {
    test(`${c.dist}(${c.params.join(", ")}) draws match scipy's CDF`, () => {
      const k = key(100 + n);
      const draws =
        c.dist === "gamma" ? arr(gamma(k, c.params[0]!, [N])) : arr(beta(k, c.params[0]!, c.params[1]!, [N]));
      expect(draws.every((v) => Number.isFinite(v) && v >= 0 && (c.dist === "gamma" || v <= 1))).toBe(true);
      expect(gridKs(draws, c.p, c.q)).toBeLessThan(KS_CRIT);
    });
  });

  test("dirichlet(key, [2, 3]) rows sum to 1 and the first coordinate is Beta(2, 3)", () => {
    const c = fx.cases.find((x) => x.dist === "beta" && x.params[0] === 2 && x.params[1] === 3)!;
    const d = dirichlet(key(200), [2, 3], [N]);
    expect(d.shape).toEqual([N, 2]);
    const a = arr(d);
    for (let i = 0; i < 200; i += 2) expect(a[i]! + a[i + 1]!).toBeCloseTo(1, 14);
    expect(
      gridKs(
        a.filter((_, i) => i % 2 === 0),
        c.p,
        c.q,
      ),
    ).toBeLessThan(KS_CRIT);
  });
});

describe("gamma, beta and dirichlet are traceable", () => {
  const draw = (k: Tensor, a: Tensor): Tensor[] => {
    const [k1, k2, k3] = split(k, 3) as [Tensor, Tensor, Tensor];
    return [gamma(k1, a, [200, 3]), beta(k2, a, 2), dirichlet(k3, a, [4])];
  };
  const alpha = tensor([0.4, 1, 5.5]);

  test("jit(gamma / beta / dirichlet) with a traced key and α draws the same numbers as eagerly", () => {
    const staged = jit(draw);
    for (const s of [0, 9]) expect(staged(key(s), alpha).map(arr)).toEqual(draw(key(s), alpha).map(arr));
  });

  test("makeProgram stages them without reading the key, and the IR interpreter reproduces the eager draws", () => {
    const { program } = makeProgram(draw, [key(0), alpha]);
    const out = interpretProgram(program, [Uint32Array.of(0, 42), Float64Array.of(0.4, 1, 5.5)]);
    expect(out.map((o) => Array.from(o as Float64Array))).toEqual(draw(key(42), alpha).map(arr));
  });
});

describe("gamma(key, alpha, shape) edge cases", () => {
  test("α broadcasts to the given shape, α ≤ 0 gives NaN, and the draws are constants for autodiff", () => {
    const g = gamma(key(1), tensor([[0.5], [2]]), [2, 3]);
    expect(g.shape).toEqual([2, 3]);
    expect(arr(gamma(key(1), [0, -1, Number.NaN, 1])).map(Number.isNaN)).toEqual([true, true, true, false]);
    const dg = grad((a: Tensor) => sum(gamma(key(2), a, [3])))(tensor(2)) as Tensor;
    expect(dg.item()).toBe(0);
  });

  test("a tiny α (10⁻³) gives non-negative draws and never NaN (U^{1/α} may underflow to 0, as in JAX)", () => {
    const a = arr(gamma(key(3), 1e-3, [N]));
    expect(a.every((v) => v >= 0 && !Number.isNaN(v))).toBe(true);
  });

  test(`the proposal count is fixed (${GAMMA_ROUNDS} rounds), so all rounds reject with probability below 2⁻⁵²`, () => {
    // worst-case Marsaglia–Tsang acceptance (shape 1) is 0.95166774 (numerical integration with scipy)
    expect((1 - 0.95166774) ** GAMMA_ROUNDS).toBeLessThan(2 ** -52);
  });
});
