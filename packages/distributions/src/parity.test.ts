import { jit, key, split, type Tensor } from "@phlox/tensor";
import { checkGrads } from "@phlox/tensor/testing";
import { describe, expect, it } from "vitest";
import { bijectTo } from "./bijectTo.js";
import { real } from "./constraints/constraint.js";
import { zeroSum } from "./constraints/zero-sum.js";
import { AsymmetricLaplaceQuantile } from "./continuous/asymmetric-laplace-quantile.js";
import { Dagum } from "./continuous/dagum.js";
import { DoublyTruncatedPowerLaw } from "./continuous/doubly-truncated-power-law.js";
import { Exponential } from "./continuous/exponential.js";
import { LowerTruncatedPowerLaw } from "./continuous/lower-truncated-power-law.js";
import { Normal } from "./continuous/normal.js";
import { TruncatedPolyaGamma } from "./continuous/truncated-polya-gamma.js";
import { VonMises } from "./continuous/von-mises.js";
import { BetaNegativeBinomial } from "./discrete/beta-negative-binomial.js";
import { Categorical } from "./discrete/categorical.js";
import { Distribution } from "./distribution.js";
import { asTensor, ConstraintError, reshape, ShapeError, values } from "./internal/ops.js";
import { ImproperUniform } from "./meta/improper-uniform.js";
import { IntervalCensoredDistribution } from "./meta/interval-censored-distribution.js";
import { LeftCensoredDistribution } from "./meta/left-censored-distribution.js";
import { MixtureGeneral } from "./meta/mixture-general.js";
import { RightCensoredDistribution } from "./meta/right-censored-distribution.js";
import { SineSkewed } from "./meta/sine-skewed.js";
import { ProjectedNormal } from "./multivariate/projected-normal.js";
import { ZeroSumNormal } from "./multivariate/zero-sum-normal.js";
import { flat, maxRelErr } from "./testing/fixtures.js";
import { chiSquare, chiSquareCritical, ksCritical, ksStatistic } from "./testing/gof.js";
import {
  loadParityFixtures,
  loadZeroSumTransformFixtures,
  PARITY_BUILDERS,
  PARITY_FLAG_PARAMS,
  PARITY_SAMPLE_CASES,
} from "./testing/parity-cases.js";
import { ZeroSumTransform } from "./transforms/zero-sum.js";

const cases = loadParityFixtures();
const has = (d: Distribution, m: "cdf" | "icdf"): boolean => d[m] !== Distribution.prototype[m];

describe("parity distributions: logProb, cdf, icdf and moments match scipy / NumPyro (fixtures/parity.json)", () => {
  it("every fixture case names a distribution in the parity case table, with ≥ 60 points each", () => {
    expect(cases.filter((c) => !(c.dist in PARITY_BUILDERS)).map((c) => c.name)).toEqual([]);
    for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
    for (const dist of Object.keys(PARITY_BUILDERS)) {
      const shapes = new Set(cases.filter((c) => c.dist === dist).map((c) => c.batchShape.join("x")));
      expect(shapes.size, `${dist} batch shapes`).toBeGreaterThanOrEqual(3);
    }
  });
  for (const c of cases) {
    const build = PARITY_BUILDERS[c.dist]!;
    describe(c.name, () => {
      const d = build(c.params);
      it(`${c.dist}.logProb(x) matches ${c.reference} to 1e-10 (relative)`, () => {
        expect(d.batchShape).toEqual(c.batchShape);
        expect(d.eventShape).toEqual(c.eventShape);
        const lp = d.logProb(c.x);
        const expected = flat(c.logProb);
        const b = c.batchShape.reduce((p, q) => p * q, 1);
        expect(lp.shape).toEqual([expected.length / b, ...c.batchShape]);
        expect(maxRelErr(values(lp), expected)).toBeLessThanOrEqual(1e-10);
      });
      if (c.cdf !== undefined && has(d, "cdf")) {
        it(`${c.dist}.cdf(x) matches ${c.reference} to 1e-10`, () => {
          expect(maxRelErr(values(d.cdf(c.x)), flat(c.cdf))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.icdf !== undefined && c.q !== undefined) {
        it(`${c.dist}.icdf(q) matches ${c.reference} to 1e-10 and cdf(icdf(q)) = q`, () => {
          expect(has(d, "icdf")).toBe(true);
          const x = d.icdf(c.q!);
          expect(maxRelErr(values(x), flat(c.icdf))).toBeLessThanOrEqual(1e-10);
          expect(maxRelErr(values(d.cdf(x)), flat(c.q))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.mean !== undefined && c.mean !== null) {
        it(`${c.dist}.mean matches ${c.reference} to 1e-10`, () => {
          expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-10);
        });
      }
      if (c.variance !== undefined && c.variance !== null) {
        it(`${c.dist}.variance matches ${c.reference} to 1e-10`, () => {
          expect(maxRelErr(values(d.variance), flat(c.variance))).toBeLessThanOrEqual(1e-10);
        });
      }
    });
  }
});

describe("parity distributions: logProb traces under jit and has finite, correct gradients", () => {
  const firstOfEach = new Map<string, (typeof cases)[number]>();
  for (const c of cases) {
    const k = c.name.split("/").slice(0, -1).join("/");
    if (!firstOfEach.has(k)) firstOfEach.set(k, c);
  }
  for (const [name, c] of firstOfEach) {
    const build = PARITY_BUILDERS[c.dist]!;
    it(`jit(x => new ${name}(…).logProb(x)) equals the eager value`, () => {
      const eager = values(build(c.params).logProb(c.x));
      const traced = values(jit((x: Tensor) => build(c.params).logProb(x))(asTensor(c.x)));
      expect(maxRelErr(traced, eager)).toBeLessThanOrEqual(1e-12);
    });
    it(`${name}: ∇ logProb in every parameter is finite and matches central differences (checkGrads)`, () => {
      const names = Object.keys(c.params).filter((k) => !PARITY_FLAG_PARAMS.has(k));
      if (names.length === 0) {
        // no parameters (TruncatedPolyaGamma): check the derivative in the value instead
        checkGrads((x: Tensor) => build(c.params).logProb(x), [asTensor(c.x)], { order: 1, rtol: 1e-5 });
        return;
      }
      const args = names.map((k) => asTensor(c.params[k]!));
      const f = (...ps: Tensor[]): Tensor =>
        build({ ...c.params, ...Object.fromEntries(names.map((k, i) => [k, ps[i]!])) }).logProb(c.x);
      // directions are random: keep steps small enough to stay inside each parameter's constraint
      // at α = −1 exactly a step moves α off −1, where (high^{1+α} − low^{1+α})/(1+α) cancels: take a wider step
      const atMinusOne = c.name.includes("alpha=-1");
      const eps = atMinusOne ? 1e-4 : 1e-6;
      checkGrads(f, args, { order: 1, eps, rtol: atMinusOne ? 1e-6 : 1e-5, atol: 1e-6, directions: 3 });
    });
  }
});

const N = 10_000;
const ALPHA = 1e-4;
const Z_UPPER = 3.719;
const column = (xs: readonly number[], b: number, j: number): number[] => {
  const out: number[] = [];
  for (let i = j; i < xs.length; i += b) out.push(xs[i]!);
  return out;
};

describe("parity distributions: sample(key, shape) draws from the right distribution", () => {
  PARITY_SAMPLE_CASES.forEach((c, idx) => {
    const d = c.make();
    const [k1, k2] = split(key(4000 + idx), 2) as [Tensor, Tensor];
    it(`${c.name}.sample(key, [3]) has shape [3, ...batchShape] and lies in the support`, () => {
      const x = d.sample(k1, [3]);
      expect(x.shape).toEqual([3, ...d.batchShape, ...d.eventShape]);
      expect(values(d.support.check(x)).every((v) => v !== 0)).toBe(true);
      if (d.eventShape.length === 1 && d.eventShape[0] === 2) {
        // interval-censored draws are point intervals (x, x)
        const xs = values(x);
        for (let i = 0; i < xs.length; i += 2) expect(xs[i]).toBe(xs[i + 1]);
      }
    });
    it(`${c.name}.sample passes a seeded ${c.gof} test on ${N} draws`, () => {
      const raw = d.sample(k2, [N]);
      const draws = c.post ? c.post(raw) : raw;
      if (c.meanOf) {
        // every entry's sample mean within 5 standard errors of the mean
        const ref = c.meanOf();
        const xs = values(c.full ? c.full(raw) : raw);
        const mean = values(ref.mean);
        const variance = values(ref.variance);
        const per = mean.length;
        for (let k = 0; k < per; k++) {
          let s = 0;
          for (let i = 0; i < N; i++) s += xs[i * per + k]!;
          expect(Math.abs(s / N - mean[k]!), `${c.name} mean[${k}]`).toBeLessThanOrEqual(
            5 * Math.sqrt(variance[k]! / N),
          );
        }
      }
      const b = d.batchShape.reduce((p, q) => p * q, 1);
      if (c.gof === "ks") {
        const u = values((c.cdfFrom ? c.cdfFrom() : d).cdf(draws));
        for (let j = 0; j < b; j++)
          expect(ksStatistic(column(u, b, j)), `${c.name}[${j}]`).toBeLessThanOrEqual(ksCritical(N, ALPHA));
        return;
      }
      const xs = values(draws);
      for (let j = 0; j < b; j++) {
        const col = column(xs, b, j);
        const lo = Math.min(...col);
        const hi = Math.max(...col);
        const grid: number[] = [];
        for (let k = lo; k <= hi; k++) grid.push(k);
        const g = reshape(asTensor(grid), [grid.length, ...d.batchShape.map(() => 1)]);
        const lp = values(d.logProb(g));
        const pm = new Map(grid.map((k, i) => [k, Math.exp(lp[i * b + j]!)]));
        const { stat, df } = chiSquare(col, (k) => pm.get(k) ?? 0);
        expect(stat, `${c.name}[${j}] chi2 with ${df} df`).toBeLessThanOrEqual(
          chiSquareCritical(df, Z_UPPER),
        );
      }
    }, 120_000);
  });
});

describe("parity distributions: validateArgs rejects bad parameters and values with clear errors", () => {
  const v = { validateArgs: true };
  it("parameters outside their constraints throw ConstraintError naming the parameter", () => {
    expect(() => new AsymmetricLaplaceQuantile(0, 1, 1.2, v)).toThrow(/quantile/);
    expect(() => new BetaNegativeBinomial(1, 2, -1, v)).toThrow(/parameter n/);
    expect(() => new Dagum(1, 0, 1, v)).toThrow(/sharpness/);
    expect(() => new LowerTruncatedPowerLaw(-0.5, 1, v)).toThrow(/alpha/);
    expect(() => new DoublyTruncatedPowerLaw(1, -1, 2, v)).toThrow(/low/);
    expect(() => new LeftCensoredDistribution(new Normal(0, 1), 0.5, v)).toThrow(ConstraintError);
    expect(() => new IntervalCensoredDistribution(new Normal(0, 1), 0, 2, v)).toThrow(/rightCensored/);
  });
  it("values outside the support throw ConstraintError", () => {
    expect(() => new Dagum(1, 2, 1, v).logProb(-1)).toThrow(ConstraintError);
    expect(() => new BetaNegativeBinomial(1, 2, 3, v).logProb(1.5)).toThrow(ConstraintError);
    expect(() => new LowerTruncatedPowerLaw(-2, 1, v).logProb(0.5)).toThrow(ConstraintError);
    expect(() => new DoublyTruncatedPowerLaw(-2, 1, 3, v).logProb(3.5)).toThrow(ConstraintError);
    expect(() => new RightCensoredDistribution(new Exponential(1), 1, v).logProb(-1)).toThrow(
      ConstraintError,
    );
  });
  it("IntervalCensoredDistribution checks the (lower, upper) axis and the bounds each row uses", () => {
    const d = new IntervalCensoredDistribution(new Exponential(1), [0, 1, 0], [0, 0, 1], v);
    expect(() => d.logProb([1, 2, 3])).toThrow(ShapeError);
    // left-censored rows ignore the lower bound, right-censored rows the upper
    expect(() =>
      d.logProb([
        [1, 2],
        [-Infinity, 2],
        [1, Infinity],
      ]),
    ).not.toThrow();
    expect(() =>
      d.logProb([
        [-1, 2],
        [0, 2],
        [1, 3],
      ]),
    ).toThrow(/interval 0/);
  });
  it("censored wrappers need a univariate base with a cdf", () => {
    expect(() => new LeftCensoredDistribution(new ImproperUniform(real, [], []))).toThrow(/has no cdf/);
    expect(() => new RightCensoredDistribution(new Normal([0, 0], 1).toEvent(1))).toThrow(/univariate/);
  });
});

describe("ZeroSumTransform and the zeroSum constraint", () => {
  for (const c of loadZeroSumTransformFixtures()) {
    it(`forward matches NumPyro's ZeroSumTransform(${c.transformNdims}), inverts, and lands in zeroSum`, () => {
      const t = new ZeroSumTransform(c.transformNdims);
      const y = t.forward(c.x);
      expect(y.shape).toEqual(t.forwardShape(asTensor(c.x).shape));
      expect(maxRelErr(values(y), flat(c.y))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(t.inverse(y)), flat(c.x))).toBeLessThanOrEqual(1e-12);
      expect(values(zeroSum(c.transformNdims).check(y)).every((b) => b !== 0)).toBe(true);
      expect(values(t.logAbsDetJacobian(c.x, y))).toEqual(new Array(c.x.length).fill(0));
    });
  }
  it("is an isometry onto the zero-sum subspace (JᵀJ = I by central differences), so log|det J| = 0", () => {
    const t = new ZeroSumTransform(2);
    const x0 = [
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
    ];
    const m = 6;
    const h = 1e-6;
    const cols: number[][] = [];
    for (let j = 0; j < m; j++) {
      const p = x0.flat();
      const q = x0.flat();
      p[j]! += h;
      q[j]! -= h;
      const yp = values(t.forward(asTensor(p).reshape([2, 3])));
      const yq = values(t.forward(asTensor(q).reshape([2, 3])));
      cols.push(yp.map((v, i) => (v - yq[i]!) / (2 * h)));
    }
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) {
        const dot = cols[a]!.reduce((s, v, i) => s + v * cols[b]![i]!, 0);
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-8);
      }
  });
  it("bijectTo(zeroSum(k)) is ZeroSumTransform(k); check rejects arrays that do not sum to zero", () => {
    const t = bijectTo(zeroSum(2));
    expect(t).toBeInstanceOf(ZeroSumTransform);
    expect((t as ZeroSumTransform).transformNdims).toBe(2);
    expect(
      values(
        zeroSum(2).check([
          [
            [1, -1],
            [-1, 1],
          ],
          [
            [1, -1],
            [1, -1],
          ],
        ]),
      ),
    ).toEqual([1, 0]);
    expect(() => new ZeroSumNormal(-1, [3], { validateArgs: true })).toThrow(/scale/);
    expect(() => new ZeroSumNormal(1, [1])).toThrow(ShapeError);
    expect(() => new ZeroSumNormal(1, [3], { validateArgs: true }).logProb([1, 1, 1])).toThrow(
      ConstraintError,
    );
  });
});

describe("MixtureGeneral options", () => {
  it("takes NumPyro's support override, else the first component's support", () => {
    const comps = [new Exponential(1), new Exponential(2)];
    const mix = new Categorical({ probs: [0.5, 0.5] });
    expect(new MixtureGeneral(mix, comps).support.name).toBe("greaterThan(0)");
    expect(new MixtureGeneral(mix, comps, { support: real }).support).toBe(real);
  });
});

describe("ProjectedNormal sampler and dimensions", () => {
  it("the angle of 2-D draws passes a KS test against the integrated density", () => {
    const d = new ProjectedNormal([0.8, -0.5]);
    const draws = values(d.sample(key(77), [N]));
    const angles: number[] = [];
    for (let i = 0; i < draws.length; i += 2) angles.push(Math.atan2(draws[i + 1]!, draws[i]!));
    // cdf of the angle on (−π, π] by the trapezoid rule on a fine grid (the density is smooth and periodic)
    const m = 20_000;
    const grid = Array.from({ length: m + 1 }, (_, i) => -Math.PI + (2 * Math.PI * i) / m);
    const pts = grid.flatMap((t) => [Math.cos(t), Math.sin(t)]);
    const dens = values(d.logProb(asTensor(pts).reshape([m + 1, 2]))).map(Math.exp);
    const cum = [0];
    for (let i = 0; i < m; i++) cum.push(cum[i]! + ((dens[i]! + dens[i + 1]!) / 2) * ((2 * Math.PI) / m));
    expect(Math.abs(cum[m]! - 1)).toBeLessThan(1e-9);
    const F = (t: number): number => {
      const u = ((t + Math.PI) / (2 * Math.PI)) * m;
      const i = Math.min(m - 1, Math.floor(u));
      return cum[i]! + (u - i) * (cum[i + 1]! - cum[i]!);
    };
    expect(ksStatistic(angles.map(F))).toBeLessThanOrEqual(ksCritical(N, ALPHA));
  }, 120_000);
  it("the 3-D density integrates to one over the sphere", () => {
    const d = new ProjectedNormal([0.3, -1, 0.6]);
    // midpoint rule in (cos θ, φ), which has a uniform surface measure
    const m = 400;
    const pts: number[] = [];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        const z = -1 + (2 * (i + 0.5)) / m;
        const phi = (2 * Math.PI * (j + 0.5)) / m;
        const r = Math.sqrt(1 - z * z);
        pts.push(r * Math.cos(phi), r * Math.sin(phi), z);
      }
    const dens = values(d.logProb(asTensor(pts).reshape([m * m, 3]))).map(Math.exp);
    const total = dens.reduce((a, b) => a + b, 0) * ((2 / m) * ((2 * Math.PI) / m));
    expect(Math.abs(total - 1)).toBeLessThan(1e-4);
  });
  it("logProb in other dimensions throws like NumPyro", () => {
    expect(() => new ProjectedNormal([1, 0, 0, 0]).logProb([1, 0, 0, 0])).toThrow(/dimensions 2 and 3/);
    expect(new ProjectedNormal([1, 0, 0, 0]).sample(key(1), [2]).shape).toEqual([2, 4]);
  });
});

describe("SineSkewed sampler", () => {
  it("1-D draws pass a KS test against the integrated skewed density", () => {
    const d = new SineSkewed(new VonMises([0.7], [1.5]).toEvent(1), [0.8]);
    const draws = values(d.sample(key(91), [N]));
    const m = 20_000;
    const grid = Array.from({ length: m + 1 }, (_, i) => -Math.PI + (2 * Math.PI * i) / m);
    const dens = values(d.logProb(asTensor(grid).reshape([m + 1, 1]))).map(Math.exp);
    const cum = [0];
    for (let i = 0; i < m; i++) cum.push(cum[i]! + ((dens[i]! + dens[i + 1]!) / 2) * ((2 * Math.PI) / m));
    expect(Math.abs(cum[m]! - 1)).toBeLessThan(1e-9);
    const F = (t: number): number => {
      const u = ((t + Math.PI) / (2 * Math.PI)) * m;
      const i = Math.min(m - 1, Math.floor(u));
      return cum[i]! + (u - i) * (cum[i + 1]! - cum[i]!);
    };
    expect(draws.every((t) => t >= -Math.PI && t < Math.PI)).toBe(true);
    expect(ksStatistic(draws.map(F))).toBeLessThanOrEqual(ksCritical(N, ALPHA));
  }, 120_000);
  it("rejects skewness outside the l1 ball and a base whose event shape does not match", () => {
    const base = new VonMises([0, 0], [1, 1]).toEvent(1);
    expect(() => new SineSkewed(base, [0.7, -0.6], { validateArgs: true })).toThrow(/skewness/);
    expect(() => new SineSkewed(base, [0.5])).toThrow(/event shape/);
  });
});

describe("TruncatedPolyaGamma sampler", () => {
  it("draws follow NumPyro's construction: mean and variance of (1/2π²) Σ_{k<8} gₖ/(k+½)², inside [0, 2.5]", () => {
    const d = new TruncatedPolyaGamma([2]);
    const x = d.sample(key(5), [N]);
    expect(x.shape).toEqual([N, 2]);
    const xs = values(x);
    expect(xs.every((v) => v > 0 && v <= 2.5)).toBe(true);
    const c = 0.5 / Math.PI ** 2;
    let mean = 0;
    let variance = 0;
    for (let k = 0; k < 8; k++) {
      mean += c / (k + 0.5) ** 2;
      variance += (c / (k + 0.5) ** 2) ** 2;
    }
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / xs.length));
    expect(Math.abs(v / variance - 1)).toBeLessThan(0.1);
  });
  it("the 7-term density integrates to 1 over (0, 2.5] up to the PG(1, 0) mass beyond 2.5 (≈ 1.5e-6)", () => {
    const d = new TruncatedPolyaGamma();
    const m = 20_000;
    const grid = Array.from({ length: m }, (_, i) => (2.5 * (i + 0.5)) / m);
    const total = values(d.logProb(grid)).reduce((a, lp) => a + Math.exp(lp), 0) * (2.5 / m);
    expect(total).toBeLessThan(1);
    expect(1 - total).toBeLessThan(1e-5);
  });
});
