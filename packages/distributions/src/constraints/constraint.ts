import {
  abs,
  and,
  asTensor,
  broadcastTo,
  diagonal,
  eq,
  floor,
  ge,
  gt,
  isfinite,
  le,
  lt,
  matmul,
  matT,
  mul,
  not,
  or,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  trilMask,
  values,
} from "../internal/ops.js";

/**
 * A region of values a parameter or a sample may take (NumPyro `constraints.Constraint`).
 *
 * `check(x)` is a boolean tensor over `x.shape` minus the rightmost `eventDim` axes, true where the value is
 * inside. Subclass it for a new region and register a transform with `bijectTo.register`.
 * @example
 * positive.check([1, -1]).toArray(); // → [true, false]
 */
export abstract class Constraint {
  /** Human-readable name used in error messages, e.g. `"interval(0, 1)"`. */
  abstract readonly name: string;
  /** Number of rightmost axes that form one element (0 scalar, 1 vector, 2 matrix). */
  readonly eventDim: number = 0;
  /** True for integer-valued supports. */
  readonly isDiscrete: boolean = false;
  /**
   * Elementwise membership test.
   * @param x - value of shape `[..., ...event]`.
   * @returns boolean tensor of shape `x.shape` without the last `eventDim` axes.
   */
  abstract check(x: TensorLike): Tensor;
  /** A point inside the region with the shape of `prototype` (used to initialise and to mask). */
  feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(0, prototype.shape);
  }
  toString(): string {
    return this.name;
  }
}

const fmt = (v: TensorLike): string => {
  if (typeof v === "number") return String(v);
  const vs = values(v);
  return vs.length === 1 ? String(vs[0]) : `[${vs.slice(0, 4).join(", ")}${vs.length > 4 ? ", …" : ""}]`;
};

class Real extends Constraint {
  readonly name = "real";
  check(x: TensorLike): Tensor {
    return isfinite(x);
  }
}

/** Real numbers with the rightmost `reinterpretedBatchNdims` axes joined into one event. */
export class IndependentConstraint extends Constraint {
  readonly name: string;
  override readonly eventDim: number;
  override readonly isDiscrete: boolean;
  constructor(
    readonly baseConstraint: Constraint,
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
    this.name = `independent(${baseConstraint.name}, ${reinterpretedBatchNdims})`;
    this.eventDim = baseConstraint.eventDim + reinterpretedBatchNdims;
    this.isDiscrete = baseConstraint.isDiscrete;
  }
  check(x: TensorLike): Tensor {
    let r = this.baseConstraint.check(x);
    for (let i = 0; i < this.reinterpretedBatchNdims; i++) r = allLast(r);
    return r;
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return this.baseConstraint.feasibleLike(prototype);
  }
}

function allLast(b: Tensor): Tensor {
  const n = b.shape[b.shape.length - 1]!;
  return eq(sum(asFloat(b), -1), n);
}
const asFloat = (b: Tensor): Tensor => mul(b, 1);

/** Values strictly greater than `lowerBound`. */
export class GreaterThan extends Constraint {
  readonly name: string;
  constructor(readonly lowerBound: TensorLike) {
    super();
    this.name = `greaterThan(${fmt(lowerBound)})`;
  }
  check(x: TensorLike): Tensor {
    return gt(x, this.lowerBound);
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(sub(this.lowerBound, -1), prototype.shape);
  }
}

/** Values greater than or equal to `lowerBound`. */
export class GreaterThanEq extends GreaterThan {
  override readonly name: string;
  constructor(lowerBound: TensorLike) {
    super(lowerBound);
    this.name = `greaterThanEq(${fmt(lowerBound)})`;
  }
  override check(x: TensorLike): Tensor {
    return ge(x, this.lowerBound);
  }
}

/** Values strictly less than `upperBound`. */
export class LessThan extends Constraint {
  readonly name: string;
  constructor(readonly upperBound: TensorLike) {
    super();
    this.name = `lessThan(${fmt(upperBound)})`;
  }
  check(x: TensorLike): Tensor {
    return lt(x, this.upperBound);
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(sub(this.upperBound, 1), prototype.shape);
  }
}

/** Values less than or equal to `upperBound`. */
export class LessThanEq extends LessThan {
  override readonly name: string;
  constructor(upperBound: TensorLike) {
    super(upperBound);
    this.name = `lessThanEq(${fmt(upperBound)})`;
  }
  override check(x: TensorLike): Tensor {
    return le(x, this.upperBound);
  }
}

/** The closed interval [lowerBound, upperBound]. */
export class Interval extends Constraint {
  readonly name: string;
  constructor(
    readonly lowerBound: TensorLike,
    readonly upperBound: TensorLike,
  ) {
    super();
    this.name = `interval(${fmt(lowerBound)}, ${fmt(upperBound)})`;
  }
  check(x: TensorLike): Tensor {
    return and(ge(x, this.lowerBound), le(x, this.upperBound));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(mul(0.5, sub(this.upperBound, mul(-1, this.lowerBound))), prototype.shape);
  }
}

/** The open interval (lowerBound, upperBound). */
export class OpenInterval extends Interval {
  override readonly name: string;
  constructor(lowerBound: TensorLike, upperBound: TensorLike) {
    super(lowerBound, upperBound);
    this.name = `openInterval(${fmt(lowerBound)}, ${fmt(upperBound)})`;
  }
  override check(x: TensorLike): Tensor {
    return and(gt(x, this.lowerBound), lt(x, this.upperBound));
  }
}

/** Integers in [lowerBound, upperBound]. */
export class IntegerInterval extends Constraint {
  readonly name: string;
  override readonly isDiscrete = true;
  constructor(
    readonly lowerBound: TensorLike,
    readonly upperBound: TensorLike,
  ) {
    super();
    this.name = `integerInterval(${fmt(lowerBound)}, ${fmt(upperBound)})`;
  }
  check(x: TensorLike): Tensor {
    return and(eq(x, floor(x)), and(ge(x, this.lowerBound), le(x, this.upperBound)));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(this.lowerBound, prototype.shape);
  }
}

/** Integers ≥ lowerBound. */
export class IntegerGreaterThan extends Constraint {
  readonly name: string;
  override readonly isDiscrete = true;
  constructor(readonly lowerBound: TensorLike) {
    super();
    this.name = `integerGreaterThan(${fmt(lowerBound)})`;
  }
  check(x: TensorLike): Tensor {
    return and(eq(x, floor(x)), ge(x, this.lowerBound));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return broadcastTo(this.lowerBound, prototype.shape);
  }
}

class BooleanConstraint extends Constraint {
  readonly name = "boolean";
  override readonly isDiscrete = true;
  check(x: TensorLike): Tensor {
    return or(eq(x, 0), eq(x, 1));
  }
}

/** Vectors of nonnegative entries summing to one. */
export class Simplex extends Constraint {
  readonly name = "simplex";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    const t = asTensor(x);
    const nonneg = allLast(ge(t, 0));
    return and(nonneg, lt(abs(sub(sum(t, -1), 1)), 1e-6));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    const n = prototype.shape[prototype.shape.length - 1]!;
    return broadcastTo(1 / n, prototype.shape);
  }
}

/** Nonnegative integer vectors summing to at most `upperBound` (Multinomial support). */
export class MultinomialConstraint extends Constraint {
  readonly name: string;
  override readonly eventDim = 1;
  override readonly isDiscrete = true;
  constructor(readonly upperBound: TensorLike) {
    super();
    this.name = `multinomial(${fmt(upperBound)})`;
  }
  check(x: TensorLike): Tensor {
    const t = asTensor(x);
    return and(allLast(and(ge(t, 0), eq(t, floor(t)))), le(sum(t, -1), this.upperBound));
  }
}

/** Strictly increasing vectors. */
export class OrderedVector extends Constraint {
  readonly name: string = "orderedVector";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    const t = asTensor(x);
    const n = t.shape[t.shape.length - 1]!;
    if (n < 2) return allLast(isfinite(t));
    const d = diffLast(t);
    return and(allLast(gt(d, 0)), allLast(isfinite(t)));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    const n = prototype.shape[prototype.shape.length - 1]!;
    return broadcastTo(asTensor(Array.from({ length: n }, (_, i) => i)), prototype.shape);
  }
}

function diffLast(t: Tensor): Tensor {
  // x[..., 1:] − x[..., :-1] through a constant difference matrix (avoids slicing ops)
  const n = t.shape[t.shape.length - 1]!;
  const D: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = new Array(n - 1).fill(0);
    if (i >= 1) row[i - 1] = 1;
    if (i < n - 1) row[i] = -1;
    D.push(row);
  }
  return matmul(t.reshape([...t.shape.slice(0, -1), 1, n]), asTensor(D)).reshape([
    ...t.shape.slice(0, -1),
    n - 1,
  ]);
}

/** Strictly increasing vectors of positive numbers. */
export class PositiveOrderedVector extends OrderedVector {
  override readonly name = "positiveOrderedVector";
  override check(x: TensorLike): Tensor {
    return and(super.check(x), allLast(gt(x, 0)));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    return super.feasibleLike(prototype).add(1);
  }
}

/** Lower-triangular matrices with positive diagonal. */
export class LowerCholesky extends Constraint {
  readonly name: string = "lowerCholesky";
  override readonly eventDim = 2;
  check(x: TensorLike): Tensor {
    const t = asTensor(x);
    const n = t.shape[t.shape.length - 1]!;
    const upperZero = allLast(allLast(eq(mul(t, sub(1, trilMask(n))), 0)));
    return and(upperZero, allLast(gt(diagonal(t), 0)));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    const n = prototype.shape[prototype.shape.length - 1]!;
    return broadcastTo(trilMask(n, 0).mul(trilMask(n, 0).transpose([1, 0])), prototype.shape);
  }
}

/** Lower Cholesky factors of correlation matrices (rows of unit norm). */
export class CorrCholesky extends LowerCholesky {
  override readonly name = "corrCholesky";
  override check(x: TensorLike): Tensor {
    const t = asTensor(x);
    const rowNorm = sum(mul(t, t), -1);
    return and(super.check(t), allLast(lt(abs(sub(rowNorm, 1)), 1e-6)));
  }
}

/** Symmetric positive-definite matrices. */
export class PositiveDefinite extends Constraint {
  readonly name: string = "positiveDefinite";
  override readonly eventDim = 2;
  check(x: TensorLike): Tensor {
    return and(symmetric(x), pdByPivots(asTensor(x)));
  }
  override feasibleLike(prototype: Tensor): Tensor {
    const n = prototype.shape[prototype.shape.length - 1]!;
    return broadcastTo(trilMask(n, 0).mul(trilMask(n, 0).transpose([1, 0])), prototype.shape);
  }
}

function symmetric(x: TensorLike): Tensor {
  const t = asTensor(x);
  return allLast(allLast(lt(abs(sub(t, matT(t))), 1e-6)));
}

/** Positive definiteness via Sylvester's criterion on leading minors computed by Gaussian elimination. */
function pdByPivots(t: Tensor): Tensor {
  // Eager check only (used for validation); reads values.
  const n = t.shape[t.shape.length - 1]!;
  const vs = values(t);
  const batch = vs.length / (n * n);
  const out: boolean[] = [];
  for (let b = 0; b < batch; b++) {
    const a = vs.slice(b * n * n, (b + 1) * n * n);
    let ok = true;
    for (let k = 0; k < n && ok; k++) {
      const piv = a[k * n + k]!;
      if (!(piv > 0)) ok = false;
      for (let i = k + 1; i < n && ok; i++) {
        const f = a[i * n + k]! / piv;
        for (let j = k; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
      }
    }
    out.push(ok);
  }
  return asTensor(out).reshape(t.shape.slice(0, -2));
}

/** Correlation matrices: positive definite with unit diagonal. */
export class CorrMatrix extends PositiveDefinite {
  override readonly name = "corrMatrix";
  override check(x: TensorLike): Tensor {
    return and(super.check(x), allLast(lt(abs(sub(diagonal(x), 1)), 1e-6)));
  }
}

/** Symmetric positive-semidefinite matrices (checked as symmetric with nonnegative diagonal pivots). */
export class PositiveSemidefinite extends PositiveDefinite {
  override readonly name = "positiveSemidefinite";
  override check(x: TensorLike): Tensor {
    return and(symmetric(x), allLast(ge(diagonal(x), 0)));
  }
}

/** Unit-norm vectors. */
export class Sphere extends Constraint {
  readonly name = "sphere";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    return lt(abs(sub(sum(mul(x, x), -1), 1)), 1e-6);
  }
}

/** A placeholder for supports that depend on other values (never checked). */
export class Dependent extends Constraint {
  readonly name = "dependent";
  check(x: TensorLike): Tensor {
    return not(eq(mul(asTensor(x), 0), 1));
  }
}

/**
 * All finite reals.
 * @example
 * real.check([1, NaN]).toArray(); // → [true, false]
 */
export const real: Constraint = /* @__PURE__ */ new Real();
/**
 * Real vectors (eventDim 1).
 * @example
 * realVector.eventDim; // → 1
 */
export const realVector: Constraint = /* @__PURE__ */ new IndependentConstraint(real, 1);
/**
 * Real matrices (eventDim 2).
 * @example
 * realMatrix.eventDim; // → 2
 */
export const realMatrix: Constraint = /* @__PURE__ */ new IndependentConstraint(real, 2);
/**
 * x > 0.
 * @example
 * positive.check([1, 0]).toArray(); // → [true, false]
 */
export const positive: GreaterThan = /* @__PURE__ */ new GreaterThan(0);
/**
 * x ≥ 0.
 * @example
 * nonnegative.check([1, 0]).toArray(); // → [true, true]
 */
export const nonnegative: GreaterThanEq = /* @__PURE__ */ new GreaterThanEq(0);
/**
 * x ∈ [0, 1].
 * @example
 * unitInterval.check([0.5, 2]).toArray(); // → [true, false]
 */
export const unitInterval: Interval = /* @__PURE__ */ new Interval(0, 1);
/**
 * Angles in [−π, π].
 * @example
 * circular.check([3, 4]).toArray(); // → [true, false]
 */
export const circular: Interval = /* @__PURE__ */ new Interval(-Math.PI, Math.PI);
/**
 * {0, 1}.
 * @example
 * boolean.check([0, 0.5]).toArray(); // → [true, false]
 */
export const boolean: Constraint = /* @__PURE__ */ new BooleanConstraint();
/**
 * {0, 1, 2, …}.
 * @example
 * nonnegativeInteger.check([2, 2.5]).toArray(); // → [true, false]
 */
export const nonnegativeInteger: IntegerGreaterThan = /* @__PURE__ */ new IntegerGreaterThan(0);
/**
 * {1, 2, …}.
 * @example
 * positiveInteger.check([0, 1]).toArray(); // → [false, true]
 */
export const positiveInteger: IntegerGreaterThan = /* @__PURE__ */ new IntegerGreaterThan(1);
/**
 * The probability simplex.
 * @example
 * simplex.check([[0.2, 0.8], [0.5, 0.6]]).toArray(); // → [true, false]
 */
export const simplex: Simplex = /* @__PURE__ */ new Simplex();
/**
 * Strictly increasing vectors.
 * @example
 * orderedVector.check([[0, 1], [1, 0]]).toArray(); // → [true, false]
 */
export const orderedVector: OrderedVector = /* @__PURE__ */ new OrderedVector();
/**
 * Strictly increasing positive vectors.
 * @example
 * positiveOrderedVector.check([[1, 2], [-1, 2]]).toArray(); // → [true, false]
 */
export const positiveOrderedVector: PositiveOrderedVector = /* @__PURE__ */ new PositiveOrderedVector();
/**
 * Lower-triangular matrices with positive diagonal.
 * @example
 * lowerCholesky.check([[1, 0], [2, 3]]).item(); // → 1
 */
export const lowerCholesky: LowerCholesky = /* @__PURE__ */ new LowerCholesky();
/**
 * Cholesky factors of correlation matrices.
 * @example
 * corrCholesky.check([[1, 0], [0.6, 0.8]]).item(); // → 1
 */
export const corrCholesky: CorrCholesky = /* @__PURE__ */ new CorrCholesky();
/**
 * Correlation matrices.
 * @example
 * corrMatrix.check([[1, 0.5], [0.5, 1]]).item(); // → 1
 */
export const corrMatrix: CorrMatrix = /* @__PURE__ */ new CorrMatrix();
/**
 * Symmetric positive-definite matrices.
 * @example
 * positiveDefinite.check([[2, 1], [1, 2]]).item(); // → 1
 */
export const positiveDefinite: PositiveDefinite = /* @__PURE__ */ new PositiveDefinite();
/**
 * Symmetric positive-semidefinite matrices.
 * @example
 * positiveSemidefinite.check([[1, 1], [1, 1]]).item(); // → 1
 */
export const positiveSemidefinite: PositiveSemidefinite = /* @__PURE__ */ new PositiveSemidefinite();
/**
 * Unit vectors.
 * @example
 * sphere.check([0.6, 0.8]).item(); // → 1
 */
export const sphere: Sphere = /* @__PURE__ */ new Sphere();
/**
 * Support that depends on other values; not checkable.
 * @example
 * dependent.name; // → "dependent"
 */
export const dependent: Dependent = /* @__PURE__ */ new Dependent();

/**
 * (lowerBound, ∞).
 * @example
 * greaterThan(2).check([2, 3]).toArray(); // → [false, true]
 */
export const greaterThan = (lowerBound: TensorLike): GreaterThan => new GreaterThan(lowerBound);
/**
 * [lowerBound, ∞).
 * @example
 * greaterThanEq(2).check([2, 1]).toArray(); // → [true, false]
 */
export const greaterThanEq = (lowerBound: TensorLike): GreaterThanEq => new GreaterThanEq(lowerBound);
/**
 * (−∞, upperBound).
 * @example
 * lessThan(2).check([2, 1]).toArray(); // → [false, true]
 */
export const lessThan = (upperBound: TensorLike): LessThan => new LessThan(upperBound);
/**
 * (−∞, upperBound].
 * @example
 * lessThanEq(2).check([2, 3]).toArray(); // → [true, false]
 */
export const lessThanEq = (upperBound: TensorLike): LessThanEq => new LessThanEq(upperBound);
/**
 * [lowerBound, upperBound].
 * @example
 * interval(0, 2).check([1, 3]).toArray(); // → [true, false]
 */
export const interval = (lowerBound: TensorLike, upperBound: TensorLike): Interval =>
  new Interval(lowerBound, upperBound);
/**
 * (lowerBound, upperBound).
 * @example
 * openInterval(0, 2).check([0, 1]).toArray(); // → [false, true]
 */
export const openInterval = (lowerBound: TensorLike, upperBound: TensorLike): OpenInterval =>
  new OpenInterval(lowerBound, upperBound);
/**
 * Integers in [lowerBound, upperBound].
 * @example
 * integerInterval(0, 3).check([3, 4]).toArray(); // → [true, false]
 */
export const integerInterval = (lowerBound: TensorLike, upperBound: TensorLike): IntegerInterval =>
  new IntegerInterval(lowerBound, upperBound);
/**
 * Integers ≥ lowerBound.
 * @example
 * integerGreaterThan(1).check([1, 0]).toArray(); // → [true, false]
 */
export const integerGreaterThan = (lowerBound: TensorLike): IntegerGreaterThan =>
  new IntegerGreaterThan(lowerBound);
/**
 * Joins the rightmost `n` batch axes of `c` into its event.
 * @example
 * independent(positive, 1).check([[1, 2], [1, -2]]).toArray(); // → [true, false]
 */
export const independent = (c: Constraint, n: number): IndependentConstraint =>
  new IndependentConstraint(c, n);
/**
 * Nonnegative integer count vectors summing to at most `upperBound`.
 * @example
 * multinomial(3).check([[1, 2], [2, 2]]).toArray(); // → [true, false]
 */
export const multinomial = (upperBound: TensorLike): MultinomialConstraint =>
  new MultinomialConstraint(upperBound);

/** Positive reals whose bijection is softplus rather than exp (NumPyro `softplus_positive`). */
export class SoftplusPositive extends GreaterThan {
  override readonly name: string = "softplusPositive";
  constructor() {
    super(0);
  }
}

/** Lower Cholesky factors whose diagonal is reached by softplus (NumPyro `softplus_lower_cholesky`). */
export class SoftplusLowerCholesky extends LowerCholesky {
  override readonly name: string = "softplusLowerCholesky";
}

/**
 * Lower Cholesky factors written as diag(s)·(I + strictly lower), s > 0 by softplus (NumPyro
 * `scaled_unit_lower_cholesky`).
 */
export class ScaledUnitLowerCholesky extends LowerCholesky {
  override readonly name: string = "scaledUnitLowerCholesky";
}

/**
 * Positive reals mapped by softplus.
 * @example
 * bijectTo(softplusPositive).forward(0).item(); // → 0.6931471805599453
 */
export const softplusPositive: SoftplusPositive = /* @__PURE__ */ new SoftplusPositive();
/**
 * Lower Cholesky factors mapped with a softplus diagonal.
 * @example
 * softplusLowerCholesky.eventDim; // → 2
 */
export const softplusLowerCholesky: SoftplusLowerCholesky = /* @__PURE__ */ new SoftplusLowerCholesky();
/**
 * Lower Cholesky factors as diag(s)·(I + L₀).
 * @example
 * scaledUnitLowerCholesky.eventDim; // → 2
 */
export const scaledUnitLowerCholesky: ScaledUnitLowerCholesky = /* @__PURE__ */ new ScaledUnitLowerCholesky();
