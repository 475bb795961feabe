import { grad, jit, key, type Tensor } from "@phlox/tensor";
import { describe, expect, it } from "vitest";
import { asTensor, ConstraintError, PhloxError, ShapeError, sum, values } from "../internal/ops.js";
import { flat, maxRelErr } from "../testing/fixtures.js";
import { loadParity2, type Parity2Case } from "../testing/parity2.js";
import { loadParity3 } from "../testing/parity3.js";
import { CAR } from "./car.js";
import { MultivariateNormal } from "./mvn.js";

type Arr = number[];
const build = (c: Parity2Case): CAR =>
  new CAR(
    c.params.loc as Arr,
    c.params.correlation as Arr,
    c.params.conditionalPrecision as Arr,
    c.params.adjMatrix as Arr,
  );

describe("CAR matches NumPyro 0.21 (fixtures/parity2.json)", () => {
  const cases = loadParity2("CAR");
  it("has ≥ 60 points per case and ≥ 3 batch shapes, one with a batch of adjacency matrices", () => {
    for (const c of cases) expect(flat(c.logProb).length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.batchShape.join("x"))).size).toBeGreaterThanOrEqual(3);
  });
  for (const c of cases) {
    it(`${c.name}: logProb (with NumPyro's normalisation), mean and precision matrix to 1e-10`, () => {
      const d = build(c);
      expect(d.batchShape).toEqual(c.batchShape);
      expect(d.eventShape).toEqual(c.eventShape);
      const lp = d.logProb(c.x as Arr);
      const b = c.batchShape.reduce((p, q) => p * q, 1);
      expect(lp.shape).toEqual([flat(c.logProb).length / b, ...c.batchShape]);
      expect(maxRelErr(values(lp), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(d.mean), flat(c.mean))).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(values(d.precisionMatrix), flat(c.precisionMatrix))).toBeLessThanOrEqual(1e-12);
    });
  }
  it("logProb traces under jit", () => {
    const c = cases[1]!;
    const traced = jit((x: Tensor) => build(c).logProb(x))(asTensor(c.x as Arr));
    expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
  });
});

describe("CAR sampler and input checks", () => {
  const W = [
    [0, 1, 0, 1],
    [1, 0, 1, 0],
    [0, 1, 0, 1],
    [1, 0, 1, 0],
  ];
  it("is MultivariateNormal(loc, precision τ(D − αW)); 20 000 draws have its mean and variances", () => {
    const d = new CAR([1, -1, 0, 2], 0.7, 2, W);
    const mvn = new MultivariateNormal([1, -1, 0, 2], { precisionMatrix: d.precisionMatrix });
    const x = [
      [0.3, -0.2, 0.1, 1.4],
      [1.2, -1.5, 0.4, 2.2],
    ];
    expect(maxRelErr(values(d.logProb(x)), values(mvn.logProb(x)))).toBeLessThan(1e-12);
    const n = 20_000;
    const xs = values(d.sample(key(8), [n]));
    const cov = values(mvn.covarianceMatrix);
    const mu = [1, -1, 0, 2];
    for (let j = 0; j < 4; j++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        s += xs[4 * i + j]!;
        s2 += (xs[4 * i + j]! - mu[j]!) ** 2;
      }
      const v = cov[5 * j]!;
      expect(Math.abs(s / n - mu[j]!)).toBeLessThan(5 * Math.sqrt(v / n));
      expect(Math.abs(s2 / n - v)).toBeLessThan(5 * v * Math.sqrt(2 / n));
    }
  });
  it("rejects non-square, asymmetric or isolated-site adjacency and bad parameters, naming them", () => {
    expect(() => new CAR(0, 0.5, 1, [1, 1])).toThrow(ShapeError);
    expect(
      () =>
        new CAR([0, 0, 0], 0.5, 1, [
          [0, 1],
          [1, 0],
        ]),
    ).toThrow(/loc must end in the 2 sites/);
    expect(
      () =>
        new CAR(0, 0.5, 1, [
          [0, 1],
          [0, 0],
        ]),
    ).toThrow(/symmetric/);
    expect(
      () =>
        new CAR(0, 0.5, 1, [
          [0, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
        ]),
    ).toThrow(PhloxError);
    expect(
      () =>
        new CAR(0, 0.5, 1, [
          [0, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
        ]),
    ).toThrow(/row 0/);
    const v = { validateArgs: true };
    expect(() => new CAR(0, 1, 1, W, v)).toThrow(/correlation/);
    expect(() => new CAR(0, 0.5, -1, W, v)).toThrow(/conditionalPrecision/);
    expect(() => new CAR(0, 0.5, 1, W, v).logProb([0, Number.NaN, 0, 0])).toThrow(ConstraintError);
  });
});

describe("CAR, sparse form (NumPyro's is_sparse=True; fixtures/parity3.json)", () => {
  const cases = loadParity3("car");
  for (const c of cases) {
    it(`${c.name}: logProb equals NumPyro's sparse CAR and the dense CAR to 1e-10`, () => {
      const [loc, a, t] = [c.loc as Arr, c.correlation as Arr, c.conditionalPrecision as Arr];
      const sparse = new CAR(loc, a, t, {
        n: (c.adjMatrix as Arr).length,
        rows: c.rows as number[],
        cols: c.cols as number[],
        values: c.values as number[],
      });
      const fromDense = new CAR(loc, a, t, c.adjMatrix as Arr, { isSparse: true });
      const dense = new CAR(loc, a, t, c.adjMatrix as Arr);
      expect(sparse.isSparse && fromDense.isSparse && !dense.isSparse).toBe(true);
      expect(sparse.batchShape).toEqual(c.batchShape);
      const want = flat(c.logProb);
      expect(want.length).toBeGreaterThanOrEqual(60);
      expect(maxRelErr(values(sparse.logProb(c.x as Arr)), want)).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(fromDense.logProb(c.x as Arr)), want)).toBeLessThanOrEqual(1e-10);
      expect(maxRelErr(values(dense.logProb(c.x as Arr)), want)).toBeLessThanOrEqual(1e-10);
      expect(values(sparse.precisionMatrix)).toEqual(values(dense.precisionMatrix));
    });
  }
  it("logProb traces under jit and its gradient in α matches the dense form", () => {
    const c = cases[1]!;
    const adj = { n: 5, rows: c.rows as number[], cols: c.cols as number[], values: c.values as number[] };
    const [loc, t] = [c.loc as Arr, c.conditionalPrecision as Arr];
    const x = asTensor(c.x as Arr);
    const traced = jit((a: Tensor) => new CAR(loc, a, t, adj).logProb(x))(asTensor(c.correlation as Arr));
    expect(maxRelErr(values(traced), flat(c.logProb))).toBeLessThanOrEqual(1e-10);
    const g = (d: (a: Tensor) => CAR) =>
      values(grad((a: Tensor) => sum(d(a).logProb(x), [0, 1]))(asTensor(c.correlation as Arr)) as Tensor);
    const gs = g((a) => new CAR(loc, a, t, adj));
    const gd = g((a) => new CAR(loc, a, t, c.adjMatrix as Arr));
    expect(maxRelErr(gs, gd)).toBeLessThan(1e-9);
  });
  it("rejects an asymmetric, out-of-range or isolated-site sparse adjacency, and a batch of matrices", () => {
    const mk = (rows: number[], cols: number[]) => () => new CAR(0, 0.5, 1, { n: 3, rows, cols });
    expect(mk([0, 1], [1, 2])).toThrow(PhloxError);
    expect(mk([0, 3], [3, 0])).toThrow(PhloxError);
    expect(mk([0, 1], [1, 0])).toThrow(/row 2/);
    expect(
      () =>
        new CAR(
          0,
          0.5,
          1,
          [
            [
              [0, 1],
              [1, 0],
            ],
          ],
          { isSparse: true },
        ),
    ).toThrow(ShapeError);
  });
});
