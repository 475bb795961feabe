import { grad, jit, slice, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Beta } from "./continuous/beta.js";
import { Cauchy } from "./continuous/cauchy.js";
import { Gamma } from "./continuous/gamma.js";
import { HalfCauchy } from "./continuous/half-cauchy.js";
import { Kumaraswamy } from "./continuous/kumaraswamy.js";
import { Laplace } from "./continuous/laplace.js";
import { Normal } from "./continuous/normal.js";
import { Categorical } from "./discrete/categorical.js";
import { Distribution } from "./distribution.js";
import { asTensor, values } from "./internal/ops.js";
import { MixtureGeneral } from "./meta/mixture-general.js";
import { MixtureSameFamily } from "./meta/mixture-same-family.js";
import { Dirichlet } from "./multivariate/dirichlet.js";
import { FIXTURE_BUILDERS, LOGPROB_RTOL } from "./testing/cases.js";
import { flat, loadScipyFixtures, maxRelErr } from "./testing/fixtures.js";

const cases = loadScipyFixtures();
const DEFAULT_RTOL = 1e-10;
const has = (d: Distribution, m: "cdf" | "icdf"): boolean => d[m] !== Distribution.prototype[m];
const hasMoment = (d: Distribution, m: "mean" | "variance"): boolean => {
  try {
    void d[m];
    return true;
  } catch {
    return false;
  }
};

describe("logProb, cdf, icdf and moments match scipy.stats (fixtures/scipy.json)", () => {
  it("every fixture case names a distribution in the case table", () => {
    const missing = cases.filter((c) => !(c.dist in FIXTURE_BUILDERS)).map((c) => c.name);
    expect(missing).toEqual([]);
    expect(cases.length).toBeGreaterThan(100);
  });
  for (const c of cases) {
    const build = FIXTURE_BUILDERS[c.dist]!;
    const rtol = LOGPROB_RTOL[c.dist] ?? DEFAULT_RTOL;
    describe(c.name, () => {
      const d = build(c.params);
      it(`${c.dist}.logProb(x) matches the ${c.reference} reference to ${rtol} (relative)`, () => {
        expect(d.batchShape).toEqual(c.batchShape);
        expect(d.eventShape).toEqual(c.eventShape);
        const lp = d.logProb(c.x);
        const expected = flat(c.logProb);
        expect(lp.shape).toEqual([
          expected.length /
            Math.max(
              1,
              c.batchShape.reduce((a, b) => a * b, 1),
            ),
          ...c.batchShape,
        ]);
        expect(maxRelErr(values(lp), expected)).toBeLessThanOrEqual(rtol);
      });
      if (c.cdf !== undefined && has(d, "cdf")) {
        it(`${c.dist}.cdf(x) matches scipy`, () => {
          expect(maxRelErr(values(d.cdf(c.x)), flat(c.cdf))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.icdf !== undefined && c.q !== undefined && has(d, "icdf")) {
        it(`${c.dist}.icdf(q) matches scipy.ppf and cdf(icdf(q)) = q`, () => {
          const x = d.icdf(c.q!);
          expect(maxRelErr(values(x), flat(c.icdf))).toBeLessThanOrEqual(1e-9);
          if (has(d, "cdf")) expect(maxRelErr(values(d.cdf(x)), flat(c.q))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.mean !== undefined && c.mean !== null && hasMoment(d, "mean")) {
        it(`${c.dist}.mean matches scipy`, () => {
          expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.variance !== undefined && c.variance !== null && hasMoment(d, "variance")) {
        it(`${c.dist}.variance matches scipy`, () => {
          expect(maxRelErr(values(d.variance), flat(c.variance))).toBeLessThanOrEqual(1e-10);
        });
      }
    });
  }
});

describe("every logProb traces under jit (the distribution built inside the traced function)", () => {
  const firstOfEach = new Map<string, (typeof cases)[number]>();
  for (const c of cases) {
    const key = c.name.split("/")[0]!;
    if (!firstOfEach.has(key)) firstOfEach.set(key, c);
  }
  for (const [name, c] of firstOfEach) {
    it(`jit(x => new ${name}(…).logProb(x)) equals the eager value`, () => {
      const build = FIXTURE_BUILDERS[c.dist]!;
      const eager = values(build(c.params).logProb(c.x));
      const compiled = jit((x: Tensor) => build(c.params).logProb(x));
      const traced = values(compiled(asTensor(c.x)));
      expect(maxRelErr(traced, eager)).toBeLessThanOrEqual(1e-12);
    });
  }
});

describe("∇ of Σ logProb with respect to each parameter matches central differences", () => {
  const SKIP = new Set([
    "totalCount",
    "numSteps",
    "dimension",
    "covarianceMatrix",
    "precisionMatrix",
    "scaleTril",
  ]);
  const firstOfEach = new Map<string, (typeof cases)[number]>();
  for (const c of cases) {
    const key = c.name.split("/")[0]!;
    if (!firstOfEach.has(key)) firstOfEach.set(key, c);
  }
  for (const [name, c] of firstOfEach) {
    const keys = Object.keys(c.params).filter((k) => !SKIP.has(k) && typeof c.params[k] !== "string");
    if (keys.length === 0) continue;
    it(`${name}: directional derivatives in ${keys.join(", ")}`, () => {
      const build = FIXTURE_BUILDERS[c.dist]!;
      for (const k of keys) {
        const p0 = asTensor(c.params[k]!);
        const f = (t: Tensor): Tensor =>
          build({ ...c.params, [k]: t })
            .logProb(c.x)
            .sum();
        const g = values(grad(f)(p0) as Tensor);
        // a fixed pseudo-random direction with entries in [0.5, 1] (the densities are smooth off their
        // constraint sets too, e.g. Categorical probs off the simplex, so any direction is fine)
        const dir = g.map((_, i) => 0.5 + 0.5 * Math.abs(Math.sin(7.3 * (i + 1))));
        const v = asTensor(dir).reshape(p0.shape);
        const h = 1e-6;
        const fd = (f(p0.add(v.mul(h))).item() - f(p0.sub(v.mul(h))).item()) / (2 * h);
        const ad = g.reduce((s, gi, i) => s + gi * dir[i]!, 0);
        expect(Number.isFinite(ad), `${name} ∂/∂${k} is finite`).toBe(true);
        expect(Math.abs(ad - fd), `${name} ∂/∂${k}: autodiff ${ad} vs FD ${fd}`).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(fd)),
        );
      }
    });
  }
});

describe("gradients at a shape parameter of exactly 1 (xlogy's ∂/∂x at x = 0)", () => {
  // x·log y terms with x = shape − 1 used to drop log y from the gradient at shape = 1 (as in
  // initToValue({ a: 1 }) or an Exponential(1) prior's mean); finite differences around 1 do not pass 0.
  const fdCheck = (f: (t: Tensor) => Tensor, p0: number[]): void => {
    const g = values(grad(f)(asTensor(p0)) as Tensor);
    const h = 1e-6;
    p0.forEach((_, i) => {
      const at = (d: number) => f(asTensor(p0.map((p, j) => (j === i ? p + d : p)))).item();
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(g[i]! - fd), `∂/∂p${i}: autodiff ${g[i]} vs FD ${fd}`).toBeLessThan(1e-6);
    });
  };
  it("Beta(1, 1) and Beta(1, 2): ∂/∂a = log x − ψ(a) + ψ(a + b)", () => {
    fdCheck((p) => new Beta(slice(p, [0], [1]), slice(p, [1], [2])).logProb(0.3).sum(), [1, 2]);
    fdCheck((p) => new Beta(slice(p, [0], [1]), slice(p, [1], [2])).logProb(0.3).sum(), [1, 1]);
    // ψ(3) − ψ(1) = 1.5
    const g = values(grad((a: Tensor) => new Beta(a, 2).logProb(0.3).sum())(asTensor(1)) as Tensor);
    expect(g[0]).toBeCloseTo(Math.log(0.3) + 1.5, 12);
  });
  it("Gamma(1, r), Kumaraswamy(1, b) and Dirichlet([1, 1, 1])", () => {
    fdCheck((p) => new Gamma(slice(p, [0], [1]), slice(p, [1], [2])).logProb(0.7).sum(), [1, 2]);
    fdCheck((p) => new Kumaraswamy(slice(p, [0], [1]), slice(p, [1], [2])).logProb(0.4).sum(), [1, 1]);
    fdCheck((p) => new Dirichlet(p).logProb(asTensor([0.2, 0.3, 0.5])).sum(), [1, 1, 1]);
  });
});

describe("cdf derivatives at the median and far in the tails (Laplace, Cauchy)", () => {
  it("Laplace's cdf has slope 1/(2·scale) at its loc and 0, not NaN, beyond exp's range", () => {
    const slope = (loc: number, scale: number, x: number): number =>
      values(grad((v: Tensor) => new Laplace(loc, scale).cdf(v))(asTensor(x)) as Tensor)[0] as number;
    expect(slope(0, 1, 0)).toBe(0.5);
    expect(slope(1, 2, 1)).toBe(0.25);
    for (const x of [800, -800, 1e300, Infinity, -Infinity]) expect(slope(0, 1, x) === 0).toBe(true); // ±0
    const dloc = values(grad((l: Tensor) => new Laplace(l, 1).cdf(-800))(asTensor(0)) as Tensor)[0];
    expect(dloc === 0).toBe(true);
  });
  it("Cauchy's cdf has slope 1/(π·scale) at its loc (atan′(0) = 1), and atan(−0) stays −0", () => {
    const g = grad((l: Tensor) => new Cauchy(l, 2).cdf(0))(asTensor(0)) as Tensor;
    expect(values(g)[0]).toBeCloseTo(-1 / (2 * Math.PI), 15);
    expect(Object.is(values(new HalfCauchy(1).cdf(-0))[0], -0)).toBe(true);
  });
});

describe("mixtures normalise their weights (NumPyro's log_softmax of the mixing logits)", () => {
  it("MixtureGeneral and MixtureSameFamily with weights [1, 3] equal those with [0.25, 0.75]", () => {
    const comps = [new Normal(0, 1), new Normal(1, 2)];
    const general = (w: number[]) =>
      new MixtureGeneral(new Categorical({ probs: w }), comps).logProb(0.5).item();
    expect(general([1, 3])).toBeCloseTo(general([0.25, 0.75]), 14);
    const same = (w: number[]) =>
      new MixtureSameFamily(new Categorical({ probs: w }), new Normal([0, 1], [1, 2])).logProb(0.5).item();
    expect(same([1, 3])).toBeCloseTo(same([0.25, 0.75]), 14);
    // a zero weight: finite value, and gradient 0 on that weight (no NaN from log 0)
    const g = grad((w: Tensor) =>
      new MixtureSameFamily(new Categorical({ probs: w }), new Normal([0, 1, 2], 1)).logProb(0.5),
    )(asTensor([0, 0.4, 0.6])) as Tensor;
    expect(values(g).every(Number.isFinite)).toBe(true);
    expect(values(g)[0]).toBe(0);
    expect(same([0.25, 0.75])).toBeCloseTo(
      Math.log(
        (0.25 * Math.exp(-0.125)) / Math.sqrt(2 * Math.PI) +
          (0.75 * Math.exp(-0.03125)) / (2 * Math.sqrt(2 * Math.PI)),
      ),
      14,
    );
  });
});
