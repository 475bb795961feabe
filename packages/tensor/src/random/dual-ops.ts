/**
 * One arithmetic vocabulary over two number types: JavaScript numbers (the eager scalar loops) and tensors (the
 * traced path). The Poisson and Binomial samplers write each proposal round once against {@link DualOps}, so the
 * eager loop and the staged program perform the same IEEE operations in the same order (bit-identical draws).
 * Not exported from the package.
 */
import type { Tensor } from "../core/tensor.js";
import { abs } from "../primitives/abs.js";
import { add } from "../primitives/add.js";
import { div } from "../primitives/div.js";
import { eq } from "../primitives/eq.js";
import { exp } from "../primitives/exp.js";
import { floor } from "../primitives/floor.js";
import { ge } from "../primitives/ge.js";
import { gt } from "../primitives/gt.js";
import { le } from "../primitives/le.js";
import { lgamma } from "../primitives/lgamma.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { logicalAnd } from "../primitives/logical-and.js";
import { logicalNot } from "../primitives/logical-not.js";
import { logicalOr } from "../primitives/logical-or.js";
import { lt } from "../primitives/lt.js";
import { maximum } from "../primitives/maximum.js";
import { minimum } from "../primitives/minimum.js";
import { mul } from "../primitives/mul.js";
import { neg } from "../primitives/neg.js";
import { where } from "../primitives/select.js";
import { sqrt } from "../primitives/sqrt.js";
import { sub } from "../primitives/sub.js";
import { lgammaScalar } from "../special/lgamma.js";

/** Elementwise arithmetic on `T` (numbers or tensors) with booleans `B`; comparisons with NaN are false. */
export interface DualOps<T, B> {
  add(a: T, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T, b: T | number): T;
  div(a: T | number, b: T | number): T;
  neg(a: T): T;
  abs(a: T): T;
  floor(a: T): T;
  sqrt(a: T): T;
  log(a: T): T;
  log1p(a: T): T;
  exp(a: T): T;
  lgamma(a: T): T;
  min(a: T, b: T | number): T;
  max(a: T, b: T | number): T;
  lt(a: T, b: T | number): B;
  le(a: T, b: T | number): B;
  gt(a: T, b: T | number): B;
  ge(a: T, b: T | number): B;
  eq(a: T, b: T | number): B;
  and(a: B, b: B): B;
  or(a: B, b: B): B;
  not(a: B): B;
  where(c: B, a: T | number, b: T | number): T;
}

/** {@link DualOps} on numbers, with the same kernels as the tensor primitives (Math.*, lgammaScalar). */
export const scalarOps: DualOps<number, boolean> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  abs: Math.abs,
  floor: Math.floor,
  sqrt: Math.sqrt,
  log: Math.log,
  log1p: Math.log1p,
  exp: Math.exp,
  lgamma: lgammaScalar,
  min: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  max: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  eq: (a, b) => a === b,
  and: (a, b) => a && b,
  or: (a, b) => a || b,
  not: (a) => !a,
  where: (c, a, b) => (c ? a : b),
};

/** {@link DualOps} on tensors (broadcasting primitives; traceable). */
export const tensorOps: DualOps<Tensor, Tensor> = {
  add,
  sub,
  mul,
  div,
  neg,
  abs,
  floor,
  sqrt,
  log,
  log1p,
  exp,
  lgamma,
  min: minimum,
  max: maximum,
  lt,
  le,
  gt,
  ge,
  eq,
  and: logicalAnd,
  or: logicalOr,
  not: logicalNot,
  where,
};
