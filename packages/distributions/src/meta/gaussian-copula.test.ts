import { jit, key, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { Beta } from "../continuous/beta.js";
import { Gumbel } from "../continuous/gumbel.js";
import { Normal } from "../continuous/normal.js";
import { asTensor, ConstraintError, PhloxError, ShapeError, values } from "../internal/ops.js";
import { MultivariateNormal } from "../multivariate/mvn.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { ksCritical, ksStatistic } from "../testing/gof.js";
import { loadParity2, type Parity2Case } from "../testing/parity2.js";
import { GaussianCopula } from "./gaussian-copula.js";
import { GaussianCopulaBeta } from "./gaussian-copula-beta.js";

type Arr = number[];
const corrOf = (c: Parity2Case) =>
  "correlationMatrix" in c.params
    ? { correlationMatrix: c.params.correlationMatrix as Arr }
    : { correlationCholesky: c.params.correlationCholesky as Arr };
const BUILD: Record<string, (c: Parity2Case) => GaussianCopula> = {
  GaussianCopula: (c) =>
    new GaussianCopula(new Gumbel(c.params.loc as Arr, c.params.scale as Arr), corrOf(c)),
  GaussianCopulaBeta: (c) =>
    new GaussianCopulaBeta(c.params.concentration1 as Arr, c.params.concentration0 as Arr, corrOf(c)),
};

for (const group of ["GaussianCopula", "GaussianCopulaBeta"]) {
  describe(`${group} matches NumPyro 0.21 (fixtures/parity2.json)`, () => {
    const cases = loadParity2(group);
    it("has ≥ 60 points per case and ≥ 3 batch shapes, with both correlation parameterisations", () => {
      for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
      expect(new Set(cases.map((c) => c.batchShape.join("x"))).size).toBeGreaterThanOrEqual(3);
      expect(cases.some((c) => "correlationCholesky" in c.params)).toBe(true);
    });
    for (const c of cases) {
      it(`${c.name}: shapes, logProb to 1e-10, mean, variance and correlation factors`, () => {
        const d = BUILD[group]!(c);
        expect(d.batchShape).toEqual(c.batchShape);
        expect(d.eventShape).toEqual(c.eventShape);
        const lp = d.logProb(c.x as Arr);
        const b = c.batchShape.reduce((p, q) => p * q, 1);
        expect(lp.shape).toEqual([flat(c.logProb).length / b, ...c.batchShape]);
        expect(maxRelErr(values(lp), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
        expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-10);
        expect(maxRelErr(values(d.variance), flat(c.variance))).toBeLessThanOrEqual(1e-10);
        expect(maxRelErr(values(d.correlationMatrix), flat(c.correlationMatrix))).toBeLessThanOrEqual(1e-10);
        expect(maxRelErr(values(d.correlationCholesky), flat(c.correlationCholesky))).toBeLessThanOrEqual(
          1e-10,
        );
      });
    }
    it("logProb traces under jit", () => {
      const c = cases[0]!;
      const traced = jit((x: Tensor) => BUILD[group]!(c).logProb(x))(asTensor(c.x as Arr));
      expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
    });
  });
}

describe("GaussianCopula semantics and sampler", () => {
  it("with Normal marginals it is the MultivariateNormal with covariance diag(σ) R diag(σ)", () => {
    const R = [
      [1, 0.6, -0.2],
      [0.6, 1, 0.3],
      [-0.2, 0.3, 1],
    ];
    const mu = [0.5, -1, 2];
    const s = [1, 2, 0.5];
    const cov = R.map((r, i) => r.map((v, j) => v * s[i]! * s[j]!));
    const g = new GaussianCopula(new Normal(mu, s), { correlationMatrix: R });
    const mvn = new MultivariateNormal(mu, { covarianceMatrix: cov });
    const x = [
      [0.1, 0.2, 1.5],
      [1.5, -3, 2.2],
      [-0.4, 0.7, 1.9],
    ];
    expect(maxRelErr(values(g.logProb(x)), values(mvn.logProb(x)))).toBeLessThan(1e-12);
  });
  it("4 000 Beta-copula draws: each margin passes KS against its Beta, and Φ⁻¹(F(x)) has correlation R", () => {
    const R = [
      [1, 0.7],
      [0.7, 1],
    ];
    const g = new GaussianCopulaBeta([2, 0.7], [3, 1.5], { correlationMatrix: R });
    const n = 4_000;
    const x = g.sample(key(11), [n]);
    expect(x.shape).toEqual([n, 2]);
    expect(values(g.support.check(x)).every((v) => v !== 0)).toBe(true);
    const u = values(new Beta([2, 0.7], [3, 1.5]).cdf(x));
    for (let j = 0; j < 2; j++) {
      const col = u.filter((_, i) => i % 2 === j);
      expect(ksStatistic(col)).toBeLessThanOrEqual(ksCritical(n, 1e-4));
    }
    const z = values(new Normal(0, 1).icdf(u));
    let sxy = 0;
    for (let i = 0; i < n; i++) sxy += z[2 * i]! * z[2 * i + 1]!;
    // sample correlation of standard normals: standard error (1 − ρ²)/√n
    expect(Math.abs(sxy / n - 0.7)).toBeLessThan((5 * (1 - 0.49)) / Math.sqrt(n));
  }, 120_000);
  it("bad input: univariate marginal with a coupled axis, matching d, one correlation, constraints", () => {
    const R = {
      correlationMatrix: [
        [1, 0],
        [0, 1],
      ],
    };
    expect(() => new GaussianCopula(new Normal(0, 1), R)).toThrow(ShapeError);
    expect(() => new GaussianCopula(new Normal([0, 0], 1).toEvent(1), R)).toThrow(/univariate/);
    expect(() => new GaussianCopula(new Normal([0, 0, 0], 1), R)).toThrow(
      /correlationMatrix must end in \[3, 3\]/,
    );
    expect(() => new GaussianCopula(new Normal([0, 0], 1), {} as typeof R)).toThrow(PhloxError);
    const v = { validateArgs: true };
    expect(
      () =>
        new GaussianCopula(
          new Normal([0, 0], 1),
          {
            correlationMatrix: [
              [1, 2],
              [2, 1],
            ],
          },
          v,
        ),
    ).toThrow(/correlationMatrix/);
    expect(() => new GaussianCopulaBeta([1, -1], [1, 1], R, v)).toThrow(/concentration1/);
    expect(() => new GaussianCopulaBeta([1, 1], [1, 1], R, v).logProb([0.5, 1.5])).toThrow(ConstraintError);
  });
});
