import { allocate, type DType, isFloat } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import {
  type Aval,
  definePrimitive,
  type KernelArg,
  type NoParams,
  num,
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
} from "../core/primitive.js";
import { broadcastShapes, fmt, shapesEqual } from "../core/shape.js";
import type { Tensor as TensorT } from "../core/tensor.js";
import { Tensor, type TensorLike, toTensor, weakScalar } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { broadcastTo } from "../primitives/broadcast-to.js";
import { cast } from "../primitives/cast.js";

/** Shared empty params object. */
export const NONE: NoParams = Object.freeze({}) as NoParams;

type Vjp<P extends PrimitiveName> = (
  g: TensorT,
  primals: readonly TensorT[],
  out: TensorT,
  params: PrimitiveParams[P],
  needs: readonly boolean[],
) => (TensorT | null)[];

/** How an elementwise primitive chooses its output dtype. */
export type OutKind = "float" | "same" | "bool";

const outDtype = (kind: OutKind, d: DType): DType =>
  kind === "same" ? d : kind === "bool" ? "bool" : isFloat(d) ? d : "float64";

/** Defines a unary elementwise primitive from a scalar function. */
export function defineUnary<P extends PrimitiveName>(
  name: P,
  f: (x: number) => number,
  opts: { vjp?: Vjp<P>; out?: OutKind; nondiff?: boolean },
): Primitive<P> {
  const kind = opts.out ?? "float";
  return definePrimitive(name, {
    shape: (ins: readonly Aval[]) => ins[0].shape,
    dtype: (ins: readonly Aval[]) => outDtype(kind, ins[0].dtype),
    vjp: opts.vjp,
    nondiff: opts.nondiff,
    kernel: (ins: readonly KernelArg[], _p: unknown, _shape: readonly number[], dtype: DType) => {
      const a = num(ins[0]);
      const n = a.length;
      const out = allocate(dtype, n);
      for (let i = 0; i < n; i++) out[i] = f(a[i]);
      return out;
    },
  } as unknown as Parameters<typeof definePrimitive<P>>[1]);
}

/** Defines a binary elementwise primitive (operands of identical shape and dtype) from a scalar function. */
export function defineBinary<P extends PrimitiveName>(
  name: P,
  f: (x: number, y: number) => number,
  opts: { vjp?: Vjp<P>; out?: "same" | "bool"; nondiff?: boolean },
): Primitive<P> {
  const kind = opts.out ?? "same";
  return definePrimitive(name, {
    shape: (ins: readonly Aval[]) => {
      if (!shapesEqual(ins[0].shape, ins[1].shape))
        throw new ShapeError(
          "primitive-shape",
          `${name}: primitive operands must have identical shapes, got ${fmt(ins[0].shape)} and ${fmt(ins[1].shape)}.`,
        );
      return ins[0].shape;
    },
    dtype: (ins: readonly Aval[]) => (kind === "bool" ? "bool" : ins[0].dtype),
    vjp: opts.vjp,
    nondiff: opts.nondiff,
    kernel: (ins: readonly KernelArg[], _p: unknown, _shape: readonly number[], dtype: DType) => {
      const a = num(ins[0]);
      const b = num(ins[1]);
      const n = a.length;
      const out = allocate(dtype, n);
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
      return out;
    },
  } as unknown as Parameters<typeof definePrimitive<P>>[1]);
}

function weakDtype(v: number, other: DType): DType {
  if (isFloat(other)) return other;
  if (Number.isInteger(v)) return other === "bool" ? "int32" : other;
  return "float64";
}

/**
 * Promotes two operands to a common dtype (JS numbers are weakly typed, JAX style) and broadcasts their shapes.
 * @param floatOnly - promote integer/bool results to float64 (true division, transcendental ops).
 */
export function promote2(a: TensorLike, b: TensorLike, op: string, floatOnly = false): [Tensor, Tensor] {
  let [x, y] = promoteDtypes(a, b, floatOnly);
  const sa = x.shape;
  const sb = y.shape;
  if (!shapesEqual(sa, sb)) {
    const s = broadcastShapes(sa, sb, op);
    if (!shapesEqual(sa, s)) x = broadcastTo(x, s);
    if (!shapesEqual(sb, s)) y = broadcastTo(y, s);
  }
  return [x, y];
}

/** Promotes two operands to a common dtype without broadcasting (JS numbers are weakly typed). */
export function promoteDtypes(a: TensorLike, b: TensorLike, floatOnly = false): [Tensor, Tensor] {
  let x = toTensor(a);
  let y = toTensor(b);
  let dt: DType;
  if (x._weak && !y._weak) dt = weakDtype((x.buf as Float64Array)[0], y.dtype);
  else if (y._weak && !x._weak) dt = weakDtype((y.buf as Float64Array)[0], x.dtype);
  else if (x.dtype === y.dtype) dt = x.dtype;
  else {
    const order = ["bool", "uint32", "int32", "float32", "float64"];
    const ia = order.indexOf(x.dtype);
    const ib = order.indexOf(y.dtype);
    dt =
      (x.dtype === "int32" && y.dtype === "uint32") || (x.dtype === "uint32" && y.dtype === "int32")
        ? "float64"
        : (order[Math.max(ia, ib)] as DType);
  }
  if (floatOnly && !isFloat(dt)) dt = "float64";
  if (x.dtype !== dt) x = x._weak ? weakScalar((x.buf as Float64Array)[0], dt) : cast(x, dt);
  if (y.dtype !== dt) y = y._weak ? weakScalar((y.buf as Float64Array)[0], dt) : cast(y, dt);
  return [x, y];
}

/** Binds a binary primitive after promotion and broadcasting. */
export function bind2<P extends PrimitiveName>(
  prim: Primitive<P>,
  a: TensorLike,
  b: TensorLike,
  floatOnly = false,
): Tensor {
  // Fast path (most backward-pass calls): two strong tensors of one dtype and one shape.
  if (
    a instanceof Tensor &&
    b instanceof Tensor &&
    a.dtype === b.dtype &&
    !a._weak &&
    !b._weak &&
    (!floatOnly || isFloat(a.dtype)) &&
    shapesEqual(a.shape, b.shape)
  )
    return bind(prim, [a, b], NONE as PrimitiveParams[P]);
  const [x, y] = promote2(a, b, prim.name, floatOnly);
  return bind(prim, [x, y], NONE as PrimitiveParams[P]);
}

/** Binds a unary primitive with no params. */
export function bind1<P extends PrimitiveName>(prim: Primitive<P>, x: TensorLike): Tensor {
  return bind(prim, [toTensor(x)], NONE as PrimitiveParams[P]);
}

/** Zeros with the shape and dtype of `x`, staged as a broadcast literal (no buffer captured). */
export function zerosLike(x: { shape: readonly number[]; dtype: DType }): Tensor {
  const z = weakScalar(0, x.dtype);
  return x.shape.length === 0 ? z : broadcastTo(z, x.shape);
}

/** Promotes to a float tensor (integers and bools become float64). */
export function toFloat(x: TensorLike): Tensor {
  const t = toTensor(x);
  return isFloat(t.dtype) ? t : t._weak ? weakScalar((t.buf as Float64Array)[0]) : cast(t, "float64");
}
