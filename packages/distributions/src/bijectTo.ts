import {
  type Constraint,
  CorrCholesky,
  CorrMatrix,
  GreaterThan,
  IndependentConstraint,
  Interval,
  LessThan,
  LowerCholesky,
  OrderedVector,
  PositiveDefinite,
  PositiveOrderedVector,
  real,
  ScaledUnitLowerCholesky,
  Simplex,
  SoftplusLowerCholesky,
  SoftplusPositive,
} from "./constraints/constraint.js";
import { L1Ball } from "./constraints/l1-ball.js";
import { ZeroSum } from "./constraints/zero-sum.js";
import { ConstraintError, sub, values } from "./internal/ops.js";
import {
  AffineTransform,
  ExpTransform,
  SigmoidTransform,
  SoftplusTransform,
} from "./transforms/elementwise.js";
import { L1BallTransform } from "./transforms/l1-ball.js";
import { CorrCholeskyTransform, StickBreakingTransform } from "./transforms/stick-breaking.js";
import {
  CholeskyTransform,
  CorrMatrixCholeskyTransform,
  LowerCholeskyTransform,
  OrderedTransform,
  ScaledUnitLowerCholeskyTransform,
  SoftplusLowerCholeskyTransform,
} from "./transforms/structured.js";
import {
  ComposeTransform,
  IdentityTransform,
  IndependentTransform,
  type Transform,
} from "./transforms/transform.js";
import { ZeroSumTransform } from "./transforms/zero-sum.js";

/** Builds the transform for one constraint instance. */
export type TransformFactory<C extends Constraint = Constraint> = (constraint: C) => Transform;
// biome-ignore lint/suspicious/noExplicitAny: constructor keys of any constraint class
type ConstraintClass = abstract new (...args: any[]) => Constraint;

const REGISTRY_KEY = Symbol.for("phlox.distributions.bijectTo");
interface Registry {
  byInstance: Map<Constraint, TransformFactory>;
  byClass: Map<ConstraintClass, TransformFactory>;
}

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = { byInstance: new Map(), byClass: new Map() };
    installDefaults(r);
    g[REGISTRY_KEY] = r;
  }
  return r;
}

const isZero = (v: unknown): boolean => {
  try {
    const vs = values(v as number);
    return vs.every((x) => x === 0);
  } catch {
    return false;
  }
};
const isOne = (v: unknown): boolean => {
  try {
    const vs = values(v as number);
    return vs.every((x) => x === 1);
  } catch {
    return false;
  }
};

function installDefaults(r: Registry): void {
  const reg = <C extends Constraint>(
    cls: abstract new (...a: never[]) => C,
    f: TransformFactory<C>,
  ): void => {
    r.byClass.set(cls as unknown as ConstraintClass, f as TransformFactory);
  };
  r.byInstance.set(real, () => new IdentityTransform());
  reg(ZeroSum, (c) => new ZeroSumTransform(c.eventDim));
  reg(L1Ball, () => new L1BallTransform());
  reg(
    IndependentConstraint,
    (c) => new IndependentTransform(bijectTo(c.baseConstraint), c.reinterpretedBatchNdims),
  );
  reg(GreaterThan, (c) =>
    isZero(c.lowerBound)
      ? new ExpTransform()
      : new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1, 0, c)]),
  );
  reg(
    LessThan,
    (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.upperBound, -1, 0, c)]),
  );
  reg(Interval, (c) =>
    isZero(c.lowerBound) && isOne(c.upperBound)
      ? new SigmoidTransform()
      : new ComposeTransform([
          new SigmoidTransform(),
          new AffineTransform(c.lowerBound, sub(c.upperBound, c.lowerBound), 0, c),
        ]),
  );
  reg(Simplex, () => new StickBreakingTransform());
  reg(OrderedVector, () => new OrderedTransform());
  reg(PositiveOrderedVector, () => new ComposeTransform([new OrderedTransform(), new ExpTransform()]));
  reg(LowerCholesky, () => new LowerCholeskyTransform());
  reg(CorrCholesky, () => new CorrCholeskyTransform());
  reg(SoftplusPositive, () => new SoftplusTransform());
  reg(SoftplusLowerCholesky, () => new SoftplusLowerCholeskyTransform());
  reg(ScaledUnitLowerCholesky, () => new ScaledUnitLowerCholeskyTransform());
  reg(
    CorrMatrix,
    () => new ComposeTransform([new CorrCholeskyTransform(), new CorrMatrixCholeskyTransform().inv]),
  );
  reg(
    PositiveDefinite,
    () => new ComposeTransform([new LowerCholeskyTransform(), new CholeskyTransform().inv]),
  );
}

/**
 * The bijection from unconstrained space onto a constraint's set (NumPyro `biject_to`): HMC and autoguides work
 * in the unconstrained space and map back with it.
 *
 * Lookup tries the constraint instance first, then its class and the class's ancestors.
 * @param constraint - the target set.
 * @returns a transform whose codomain is `constraint`.
 * @throws ConstraintError when no transform is registered for the constraint.
 * @example
 * bijectTo(positive).forward(0).item(); // → 1
 */
export function bijectTo(constraint: Constraint): Transform {
  const r = registry();
  const direct = r.byInstance.get(constraint);
  if (direct) return direct(constraint);
  let proto: object | null = Object.getPrototypeOf(constraint);
  while (proto && proto !== Object.prototype) {
    const f = r.byClass.get((proto as { constructor: ConstraintClass }).constructor);
    if (f) return f(constraint);
    proto = Object.getPrototypeOf(proto);
  }
  throw new ConstraintError(
    "bijectTo-unregistered",
    `bijectTo(${constraint.name}): no transform is registered for this constraint. ` +
      `Register one with bijectTo.register(${constraint.constructor.name}, (c) => transform).`,
  );
}

/**
 * Registers the transform factory for a constraint class (all its instances) or one constraint instance;
 * a later registration replaces an earlier one.
 * @param key - a constraint class or instance.
 * @param factory - builds the transform from the constraint instance.
 * @example
 * const c = greaterThan(0); // a fresh instance, distinct from `positive`
 * bijectTo.register(c, () => new SoftplusTransform());
 * bijectTo(c).forward(0).item(); // → 0.6931471805599453
 */
bijectTo.register = <C extends Constraint>(
  key: (abstract new (...a: never[]) => C) | C,
  factory: TransformFactory<C>,
): void => {
  const r = registry();
  if (typeof key === "function")
    r.byClass.set(key as unknown as ConstraintClass, factory as TransformFactory);
  else r.byInstance.set(key, factory as TransformFactory);
};
