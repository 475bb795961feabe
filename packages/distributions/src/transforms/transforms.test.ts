import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bijectTo } from "../bijectTo.js";
import {
  type Constraint,
  circular,
  corrCholesky,
  corrMatrix,
  greaterThan,
  independent,
  interval,
  lessThan,
  lowerCholesky,
  nonnegative,
  openInterval,
  orderedVector,
  positive,
  positiveDefinite,
  positiveOrderedVector,
  real,
  realVector,
  scaledUnitLowerCholesky,
  simplex,
  softplusLowerCholesky,
  softplusPositive,
  unitInterval,
} from "../constraints/constraint.js";
import { asTensor, diagEmbed, diagonal, matmul, matT, type Tensor, values } from "../internal/ops.js";
import {
  AffineTransform,
  ExpTransform,
  PowerTransform,
  SigmoidTransform,
  SoftplusTransform,
  TanhTransform,
} from "./elementwise.js";
import { CorrCholeskyTransform, StickBreakingTransform } from "./stick-breaking.js";
import {
  CholeskyTransform,
  CorrMatrixCholeskyTransform,
  LowerCholeskyAffine,
  LowerCholeskyTransform,
  OrderedTransform,
  PermuteTransform,
  ReshapeTransform,
  ScaledUnitLowerCholeskyTransform,
  SoftplusLowerCholeskyTransform,
} from "./structured.js";
import { ComposeTransform, IndependentTransform, type Transform } from "./transform.js";
import { trilToVec, vecToTril } from "./tril.js";

/** log|det| of a square matrix (rows of numbers) by Gaussian elimination with partial pivoting. */
function logAbsDet(a: number[][]): number {
  const m = a.map((r) => [...r]);
  const n = m.length;
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    [m[k], m[p]] = [m[p]!, m[k]!];
    const piv = m[k]![k]!;
    s += Math.log(Math.abs(piv));
    for (let i = k + 1; i < n; i++) {
      const f = m[i]![k]! / piv;
      for (let j = k; j < n; j++) m[i]![j]! -= f * m[k]![j]!;
    }
  }
  return s;
}

interface Spec {
  name: string;
  t: Transform;
  /** number of free input coordinates */
  dim: number;
  /** an input point in the transform's domain from free coordinates in [−2, 2] */
  point: (raw: number[]) => Tensor;
  /** free coordinates of an input point, and back */
  toIn: (x: Tensor) => number[];
  fromIn: (c: number[]) => Tensor;
  /** free coordinates of an output point */
  toOut: (y: Tensor) => number[];
}

const vec = (n: number, t: Transform, point?: (raw: number[]) => Tensor): Spec => ({
  name: t.name,
  t,
  dim: n,
  point: point ?? ((r) => asTensor(r)),
  toIn: (x) => values(x),
  fromIn: (c) => asTensor(c),
  toOut: (y) => values(y),
});
const lowerFull = (n: number) => (m: Tensor) => values(trilToVec(m, n, false));
const symFromLower = (n: number) => (c: number[]) => {
  const L = vecToTril(asTensor(c), n, false);
  return L.add(matT(L.sub(diagEmbed(diagonal(L)))));
};
const corrFromStrict = (n: number) => (c: number[]) => {
  const S = vecToTril(asTensor(c), n, true);
  return S.add(matT(S)).add(
    asTensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))),
  );
};

const SPECS: Spec[] = [
  vec(3, new IndependentTransform(new ExpTransform(), 1)),
  vec(3, new IndependentTransform(new AffineTransform([1, -2, 0.5], [2, -0.5, 3]), 1)),
  vec(3, new IndependentTransform(new SigmoidTransform(), 1)),
  vec(3, new IndependentTransform(new SoftplusTransform(), 1)),
  vec(3, new IndependentTransform(new TanhTransform(), 1)),
  vec(3, new IndependentTransform(new PowerTransform(2.5), 1), (r) => asTensor(r.map(Math.exp))),
  vec(3, new IndependentTransform(new ComposeTransform([new ExpTransform(), new AffineTransform(1, 2)]), 1)),
  vec(3, new OrderedTransform()),
  vec(3, new ComposeTransform([new OrderedTransform(), new ExpTransform()])),
  vec(3, new PermuteTransform([2, 0, 1])),
  vec(
    3,
    new LowerCholeskyAffine(
      [1, 0, -1],
      [
        [2, 0, 0],
        [0.5, 1, 0],
        [-1, 0.3, 0.7],
      ],
    ),
  ),
  {
    ...vec(3, new StickBreakingTransform()),
    toOut: (y) => values(y).slice(0, 3),
  },
  {
    ...vec(6, new LowerCholeskyTransform()),
    toOut: lowerFull(3),
  },
  {
    ...vec(6, new SoftplusLowerCholeskyTransform()),
    toOut: lowerFull(3),
  },
  {
    ...vec(6, new ScaledUnitLowerCholeskyTransform()),
    toOut: lowerFull(3),
  },
  {
    ...vec(3, new CorrCholeskyTransform()),
    toOut: (y) => values(trilToVec(y, 3, true)),
  },
  {
    name: "CholeskyTransform",
    t: new CholeskyTransform(),
    dim: 6,
    point: (r) => {
      const L = new LowerCholeskyTransform().forward(r);
      return matmul(L, matT(L));
    },
    toIn: lowerFull(3),
    fromIn: symFromLower(3),
    toOut: lowerFull(3),
  },
  {
    name: "CorrMatrixCholeskyTransform",
    t: new CorrMatrixCholeskyTransform(),
    dim: 3,
    point: (r) => {
      const L = new CorrCholeskyTransform().forward(r);
      return matmul(L, matT(L));
    },
    toIn: (x) => values(trilToVec(x, 3, true)),
    fromIn: corrFromStrict(3),
    toOut: (y) => values(trilToVec(y, 3, true)),
  },
  {
    name: "ReshapeTransform",
    t: new ReshapeTransform([2, 2], [4]),
    dim: 4,
    point: (r) => asTensor(r),
    toIn: (x) => values(x),
    fromIn: (c) => asTensor(c),
    toOut: (y) => values(y),
  },
];

const rawArb = (n: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });
const maxAbsDiff = (a: readonly number[], b: readonly number[]) =>
  Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]!)));

describe("transforms: round trip, log|det J| against a numerical Jacobian, codomain membership", () => {
  for (const s of SPECS) {
    it(`${s.name}: inverse(forward(x)) = x and forward(x) lies in the codomain`, () => {
      fc.assert(
        fc.property(rawArb(s.dim), (raw) => {
          const x = s.point(raw);
          const y = s.t.forward(x);
          expect(maxAbsDiff(values(s.t.inverse(y)), values(x))).toBeLessThan(1e-8);
          expect(values(s.t.codomain.check(y)).every((v) => v !== 0)).toBe(true);
        }),
        { numRuns: 25, seed: 7 },
      );
    });
    it(`${s.name}: logAbsDetJacobian(x, y) matches finite differences`, () => {
      fc.assert(
        fc.property(rawArb(s.dim), (raw) => {
          const x = s.point(raw);
          const c0 = s.toIn(x);
          const h = 1e-6;
          const rows: number[][] = [];
          for (let j = 0; j < c0.length; j++) {
            const up = [...c0];
            const dn = [...c0];
            up[j]! += h;
            dn[j]! -= h;
            const fu = s.toOut(s.t.forward(s.fromIn(up)));
            const fd = s.toOut(s.t.forward(s.fromIn(dn)));
            rows.push(fu.map((v, i) => (v - fd[i]!) / (2 * h)));
          }
          const numeric = logAbsDet(rows);
          const ldj = values(s.t.logAbsDetJacobian(x, s.t.forward(x)));
          expect(ldj.length).toBe(1);
          expect(Math.abs(ldj[0]! - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
        }),
        { numRuns: 15, seed: 11 },
      );
    });
  }
  it("t.inv swaps forward and inverse and negates the log-Jacobian", () => {
    const t = new StickBreakingTransform();
    const x = asTensor([0.3, -0.2, 1]);
    const y = t.forward(x);
    const inv = t.inv;
    expect(maxAbsDiff(values(inv.forward(y)), values(x))).toBeLessThan(1e-12);
    expect(values(inv.logAbsDetJacobian(y, x))[0]).toBeCloseTo(-values(t.logAbsDetJacobian(x, y))[0]!, 12);
    expect(inv.inv).toBe(t);
  });
  it("StickBreakingTransform maps zero to the centre of the simplex", () => {
    expect(
      maxAbsDiff(values(new StickBreakingTransform().forward([0, 0, 0])), [0.25, 0.25, 0.25, 0.25]),
    ).toBeLessThan(1e-15);
  });
  it("forwardShape and inverseShape agree with forward and inverse", () => {
    expect(new StickBreakingTransform().forwardShape([5, 3])).toEqual([5, 4]);
    expect(new LowerCholeskyTransform().forwardShape([2, 6])).toEqual([2, 3, 3]);
    expect(new LowerCholeskyTransform().inverseShape([3, 3])).toEqual([6]);
    expect(new CorrCholeskyTransform().forwardShape([3])).toEqual([3, 3]);
    expect(new CorrCholeskyTransform().inverseShape([4, 4])).toEqual([6]);
    expect(new ReshapeTransform([2, 3], [6]).forwardShape([5, 6])).toEqual([5, 2, 3]);
  });
  it("transforms act on batches: a [4, 3] input maps row by row", () => {
    const x = asTensor([
      [0, 1, 2],
      [1, 0, -1],
      [0.5, 0.5, 0.5],
      [-2, 2, 0],
    ]);
    const t = new StickBreakingTransform();
    const y = t.forward(x);
    expect(y.shape).toEqual([4, 4]);
    expect(t.logAbsDetJacobian(x, y).shape).toEqual([4]);
    expect(values(t.logAbsDetJacobian(x, y))[1]).toBeCloseTo(
      values(t.logAbsDetJacobian(x.take(1), y.take(1)))[0]!,
      12,
    );
  });
});

const SUPPORTS: { c: Constraint; shape: number[] }[] = [
  { c: real, shape: [3] },
  { c: positive, shape: [3] },
  { c: nonnegative, shape: [3] },
  { c: unitInterval, shape: [3] },
  { c: interval(-1, 3), shape: [3] },
  { c: openInterval(0, 2), shape: [3] },
  { c: circular, shape: [3] },
  { c: greaterThan(2), shape: [3] },
  { c: lessThan(-1), shape: [3] },
  { c: realVector, shape: [3] },
  { c: independent(positive, 1), shape: [3] },
  { c: simplex, shape: [4] },
  { c: orderedVector, shape: [4] },
  { c: positiveOrderedVector, shape: [4] },
  { c: lowerCholesky, shape: [3, 3] },
  { c: corrCholesky, shape: [3, 3] },
  { c: corrMatrix, shape: [3, 3] },
  { c: positiveDefinite, shape: [3, 3] },
  { c: softplusPositive, shape: [3] },
  { c: softplusLowerCholesky, shape: [3, 3] },
  { c: scaledUnitLowerCholesky, shape: [3, 3] },
];

describe("bijectTo(constraint) maps unconstrained vectors into the constraint", () => {
  for (const { c, shape } of SUPPORTS) {
    it(`bijectTo(${c.name}) lands in the support and inverts`, () => {
      const t = bijectTo(c);
      const inShape = t.inverseShape(shape);
      const n = inShape.reduce((a, b) => a * b, 1);
      fc.assert(
        fc.property(rawArb(n), (raw) => {
          const x = asTensor(raw).reshape(inShape);
          const y = t.forward(x);
          expect(y.shape).toEqual(shape);
          expect(values(c.check(y)).every((v) => v !== 0)).toBe(true);
          expect(maxAbsDiff(values(t.inverse(y)), raw)).toBeLessThan(1e-7);
          const ldj = t.logAbsDetJacobian(x, y);
          expect(Number.isFinite(values(ldj)[0]!)).toBe(true);
        }),
        { numRuns: 20, seed: 3 },
      );
    });
  }
  it("bijectTo.register overrides the transform for a constraint instance", () => {
    const c = greaterThan(5);
    bijectTo.register(c, () => new ComposeTransform([new SoftplusTransform(), new AffineTransform(5, 1)]));
    expect(bijectTo(c).forward(0).item()).toBeCloseTo(5 + Math.LN2, 14);
    expect(bijectTo(greaterThan(5)).forward(0).item()).toBeCloseTo(6, 14);
  });
});

describe("bijectTo picks NumPyro's transform for each constraint", () => {
  it("maps each constraint to the expected transform class", () => {
    expect(bijectTo(positive)).toBeInstanceOf(ExpTransform);
    expect(bijectTo(softplusPositive)).toBeInstanceOf(SoftplusTransform);
    expect(bijectTo(unitInterval)).toBeInstanceOf(SigmoidTransform);
    expect(bijectTo(simplex)).toBeInstanceOf(StickBreakingTransform);
    expect(bijectTo(orderedVector)).toBeInstanceOf(OrderedTransform);
    expect(bijectTo(lowerCholesky)).toBeInstanceOf(LowerCholeskyTransform);
    expect(bijectTo(softplusLowerCholesky)).toBeInstanceOf(SoftplusLowerCholeskyTransform);
    expect(bijectTo(scaledUnitLowerCholesky)).toBeInstanceOf(ScaledUnitLowerCholeskyTransform);
    expect(bijectTo(corrCholesky)).toBeInstanceOf(CorrCholeskyTransform);
    expect(bijectTo(interval(0, 2))).toBeInstanceOf(ComposeTransform);
    expect(bijectTo(realVector)).toBeInstanceOf(IndependentTransform);
  });
});
