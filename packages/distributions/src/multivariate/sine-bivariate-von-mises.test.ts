import { jit, key, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { asTensor, ConstraintError, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { ksCritical, ksStatistic } from "../testing/gof.js";
import { loadParity2, type Parity2Case } from "../testing/parity2.js";
import { SineBivariateVonMises } from "./sine-bivariate-von-mises.js";

type Arr = number[];
const build = (c: Parity2Case): SineBivariateVonMises => {
  const p = c.params;
  const corr =
    "weightedCorrelation" in p
      ? { weightedCorrelation: p.weightedCorrelation as Arr }
      : (p.correlation as Arr);
  return new SineBivariateVonMises(
    p.phiLoc as Arr,
    p.psiLoc as Arr,
    p.phiConcentration as Arr,
    p.psiConcentration as Arr,
    corr,
  );
};

describe("SineBivariateVonMises matches NumPyro 0.21 (fixtures/parity2.json)", () => {
  const cases = loadParity2("SineBivariateVonMises");
  it("has ≥ 60 points per case, ≥ 3 batch shapes, a weighted correlation and a bimodal case", () => {
    for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.batchShape.join("x"))).size).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => "weightedCorrelation" in c.params)).toBe(true);
  });
  for (const c of cases) {
    it(`${c.name}: logProb, normaliser, correlation and mean to 1e-10`, () => {
      const d = build(c);
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual([2]);
      const lp = d.logProb(c.x as Arr);
      const b = c.batchShape.reduce((p, q) => p * q, 1);
      expect(lp.shape).toEqual([flat(c.logProb).length / b, ...c.batchShape]);
      expect(maxRelErr(values(lp), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.normConst), flat(c.normConst))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.correlation), flat(c.correlationOut))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-12);
    });
  }
  it("logProb traces under jit", () => {
    const c = cases[0]!;
    const traced = jit((x: Tensor) => build(c).logProb(x))(asTensor(c.x as Arr));
    expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
  });
});

describe("SineBivariateVonMises density and sampler", () => {
  const d = new SineBivariateVonMises(0.5, -1, 2, 1.5, 1.2);
  const m = 400;
  const h = (2 * Math.PI) / m;
  const grid: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) grid.push(-Math.PI + (i + 0.5) * h, -Math.PI + (j + 0.5) * h);
  const dens = values(d.logProb(asTensor(grid).reshape([m * m, 2]))).map(Math.exp);
  it("the density integrates to 1 over the torus (midpoint rule, 400²)", () => {
    expect(Math.abs(dens.reduce((a, b) => a + b, 0) * h * h - 1)).toBeLessThan(1e-10);
  });
  it("4 000 draws: φ and ψ marginals pass KS against the integrated density, in [−π, π)", () => {
    const n = 4000;
    const x = d.sample(key(21), [n]);
    expect(x.shape).toEqual([n, 2]);
    const xs = values(x);
    expect(xs.every((v) => v >= -Math.PI && v < Math.PI)).toBe(true);
    for (const axis of [0, 1]) {
      const marg = new Array(m).fill(0);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) marg[axis === 0 ? i : j] += dens[i * m + j]! * h * h;
      const cum = [0];
      for (let i = 0; i < m; i++) cum.push(cum[i]! + marg[i]!);
      const F = (t: number): number => {
        const u = (t + Math.PI) / h;
        const i = Math.min(m - 1, Math.floor(u));
        return cum[i]! + (u - i) * marg[i]!;
      };
      const u = xs.filter((_, i) => i % 2 === axis).map(F);
      expect(ksStatistic(u), `axis ${axis}`).toBeLessThanOrEqual(ksCritical(n, 1e-4));
    }
  }, 120_000);
  it("sample has shape [...sampleShape, ...batch, 2]; bad parameters are rejected by name", () => {
    const b = new SineBivariateVonMises([0, 1], 0, 1, [2, 3], { weightedCorrelation: 0.5 });
    expect(b.sample(key(1), [3]).shape).toEqual([3, 2, 2]);
    expect(values(b.correlation)).toEqual([0.5 * Math.sqrt(2), 0.5 * Math.sqrt(3)]);
    const v = { validateArgs: true };
    expect(() => new SineBivariateVonMises(0, 0, -1, 1, 0, v)).toThrow(/phiConcentration/);
    expect(() => new SineBivariateVonMises(0, 4, 1, 1, 0, v)).toThrow(/psiLoc/);
    expect(() => new SineBivariateVonMises(0, 0, 1, 1, 0, v).logProb([0, 4])).toThrow(ConstraintError);
  });
});
