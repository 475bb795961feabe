import { jit, key, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { positiveDefiniteCirculantVector } from "../constraints/positive-definite-circulant-vector.js";
import { asTensor, ConstraintError, PhloxError, ShapeError, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity2, type Parity2Case } from "../testing/parity2.js";
import { CirculantNormal } from "./circulant-normal.js";
import { MultivariateNormal } from "./mvn.js";

const build = (c: Parity2Case): CirculantNormal =>
  "covarianceRow" in c.params
    ? new CirculantNormal(c.params.loc as number[], { covarianceRow: c.params.covarianceRow as number[] })
    : new CirculantNormal(c.params.loc as number[], { covarianceRfft: c.params.covarianceRfft as number[] });

describe("CirculantNormal matches NumPyro 0.21 (fixtures/parity2.json)", () => {
  const cases = loadParity2("CirculantNormal");
  it("covers ≥ 60 points per case, three batch shapes, odd and even n, and both parameterisations", () => {
    for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.batchShape.join("x"))).size).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => "covarianceRfft" in c.params)).toBe(true);
  });
  for (const c of cases) {
    it(`${c.name}: logProb, mean, variance, covariance row/matrix/rfft and entropy to 1e-10`, () => {
      const d = build(c);
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual(c.eventShape);
      const lp = d.logProb(c.x as number[]);
      expect(lp.shape).toEqual([
        flat(c.logProb).length /
          Math.max(
            1,
            d.batchShape.reduce((a, b) => a * b, 1),
          ),
        ...c.batchShape,
      ]);
      expect(maxRelErr(values(lp), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(d.variance), flat(c.variance))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.covarianceRow), flat(c.covarianceRow))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.covarianceMatrix), flat(c.covarianceMatrix))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.covarianceRfft), flat(c.covarianceRfftOut))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.entropy()), flat(c.entropy))).toBeLessThanOrEqual(1e-10);
    });
  }
  it("logProb equals MultivariateNormal with the full circulant covariance, and traces under jit", () => {
    const c = cases[1]!;
    const d = build(c);
    const mvn = new MultivariateNormal(d.loc, { covarianceMatrix: d.covarianceMatrix });
    expect(maxRelErr(values(d.logProb(c.x as number[])), values(mvn.logProb(c.x as number[])))).toBeLessThan(
      1e-10,
    );
    const traced = jit((x: Tensor) => build(c).logProb(x))(asTensor(c.x as number[]));
    expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
  });
  it("20 000 draws have the right shape, mean and covariance (5 standard errors)", () => {
    const d = new CirculantNormal([0.5, -1, 0, 2, 1], { covarianceRow: [2, 0.8, 0.1, 0.1, 0.8] });
    const n = 20_000;
    const x = d.sample(key(3), [n]);
    expect(x.shape).toEqual([n, 5]);
    const xs = values(x);
    const mu = values(d.mean);
    const cov = values(d.covarianceMatrix);
    const m = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 5; j++) m[j]! += xs[i * 5 + j]! / n;
    for (let j = 0; j < 5; j++)
      expect(Math.abs(m[j]! - mu[j]!)).toBeLessThan(5 * Math.sqrt(cov[j * 5 + j]! / n));
    for (let a = 0; a < 5; a++)
      for (let b = 0; b < 5; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (xs[i * 5 + a]! - mu[a]!) * (xs[i * 5 + b]! - mu[b]!);
        const se = Math.sqrt((cov[a * 5 + a]! * cov[b * 5 + b]! + cov[a * 5 + b]! ** 2) / n);
        expect(Math.abs(s / n - cov[a * 5 + b]!), `cov[${a}, ${b}]`).toBeLessThan(5 * se);
      }
  });
  it("bad input: exactly one covariance, shapes named, constraint violations rejected", () => {
    expect(() => new CirculantNormal(1, { covarianceRow: [1] })).toThrow(ShapeError);
    expect(() => new CirculantNormal([0, 0, 0], { covarianceRow: [1, 0] })).toThrow(/covarianceRow.*\[2\]/);
    expect(() => new CirculantNormal([0, 0, 0], { covarianceRfft: [1, 0, 0] })).toThrow(
      /covarianceRfft.*= 2/,
    );
    expect(() => new CirculantNormal([0, 0], {} as { covarianceRow: number[] })).toThrow(PhloxError);
    const v = { validateArgs: true };
    expect(() => new CirculantNormal([0, 0, 0], { covarianceRow: [1, 2, 2] }, v)).toThrow(/covarianceRow/);
    expect(() => new CirculantNormal([0, 0, 0], { covarianceRfft: [1, -1] }, v)).toThrow(ConstraintError);
    expect(() =>
      new CirculantNormal([0, 0, 0], { covarianceRow: [1, 0, 0] }, v).logProb([0, Number.NaN, 0]),
    ).toThrow(ConstraintError);
  });
});

describe("positiveDefiniteCirculantVector matches NumPyro's check", () => {
  for (const c of loadParity2("positiveDefiniteCirculantVector")) {
    it(`[${flat(c.x)
      .map((v) => v.toFixed(2))
      .join(", ")}] → ${c.check}`, () => {
      expect(values(positiveDefiniteCirculantVector.check(c.x as number[]))).toEqual([c.check ? 1 : 0]);
    });
  }
  it("answers per vector and has a feasible point", () => {
    expect(
      values(
        positiveDefiniteCirculantVector.check([
          [2, 1, 1],
          [1, 2, 0],
        ]),
      ),
    ).toEqual([1, 0]);
    const f = positiveDefiniteCirculantVector.feasibleLike(asTensor([[5, 5, 5]]));
    expect(values(positiveDefiniteCirculantVector.check(f))).toEqual([1]);
  });
});
