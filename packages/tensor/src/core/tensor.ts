import * as o from "../internal/all-ops.js";
import type { Backend } from "./backend.js";
import { getBackend, jsBackend } from "./backend.js";
import { allocate, type DType, dtypeOfArray, type TypedArray } from "./dtype.js";
import { ConcretizationError, DtypeError, PhloxError, ShapeError } from "./errors.js";
import type { Atom } from "./ir.js";
import { sizeOf } from "./shape.js";
import { claimSingleCopy } from "./single-copy.js";
import type { Trace } from "./trace.js";

// Fails at load when another copy of @phlox/tensor already runs in this realm (see single-copy.ts).
claimSingleCopy(import.meta.url);

/** A nested JS array of numbers or booleans (rectangular). */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Anything that promotes to a tensor: a tensor, a JS number or boolean, a nested array or a typed array. */
export type TensorLike = Tensor | number | boolean | readonly NestedArray[] | TypedArray;

/** Result of {@link Tensor.toArray}: a number/boolean for scalars, nested arrays otherwise. */
export type ArrayValue = number | boolean | ArrayValue[];

/**
 * An immutable n-dimensional array with a `shape`, a `dtype` and a backend buffer. Operations are functions
 * (`add(a, b)`) and chainable methods (`a.add(b)`); JS numbers and arrays promote; NumPy broadcasting applies.
 * Inside `grad`/`makeProgram` a `Tensor` may be a tracer (same API; reading a staged value throws).
 * @example
 * tensor([1, 2, 3]).mul(2).sum().item(); // → 12
 */
export class Tensor {
  /** Axis lengths. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** @internal Backend buffer of a concrete tensor (a typed array on the "js" backend); null for tracers. */
  buf: unknown;
  /** @internal Backend that owns `buf`. */
  backend: Backend | null;
  /** @internal The trace this tracer belongs to; null for concrete tensors. */
  _trace: Trace | null;
  /** @internal Autodiff tape: the value this tracer wraps. */
  _primal: Tensor | null;
  /** @internal Autodiff tape: the node that produced this tracer. */
  _node: unknown;
  /** @internal Staging: the IR atom this tracer stands for. */
  _atom: Atom | null;
  /** @internal True for scalars made from JS numbers (weakly typed, staged as literals). */
  _weak: boolean;

  /** @internal Use `tensor()` and friends to create tensors. */
  constructor(
    shape: readonly number[],
    dtype: DType,
    buf: unknown,
    backend: Backend | null,
    trace: Trace | null = null,
  ) {
    this.shape = shape;
    this.dtype = dtype;
    this.buf = buf;
    this.backend = backend;
    this._trace = trace;
    this._primal = null;
    this._node = null;
    this._atom = null;
    this._weak = false;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** @internal The concrete tensor under autodiff tracers; throws under staging. */
  _concrete(op: string): Tensor {
    let t: Tensor = this;
    while (t._primal !== null) t = t._primal;
    if (t._trace !== null)
      throw new ConcretizationError(
        "concretization",
        `cannot read a traced value in ${op}; inside jit/makeProgram a tensor has a shape and dtype but no value. ` +
          "Use where(cond, x, y) instead of branching on it, or compute the value outside the traced function.",
      );
    return t;
  }

  /**
   * The elements as a typed array (row-major), synchronously; the array must not be mutated.
   * @throws ConcretizationError under staging; PhloxError (`async-backend`) on backends without sync read.
   */
  dataSync(): TypedArray {
    const t = this._concrete("dataSync()");
    const be = t.backend!;
    if (be.readSync === undefined)
      throw new PhloxError(
        "async-backend",
        `dataSync(): backend "${be.name}" reads asynchronously; use await x.data().`,
      );
    const d = be.readSync(t.buf, t.dtype, t.size);
    return t._weak ? d.slice() : d; // weak scalars are shared: never hand out their buffer
  }

  /** The elements as a typed array, asynchronously (works on every backend). */
  data(): Promise<TypedArray> {
    const t = this._concrete("data()");
    const d = t.backend!.read(t.buf, t.dtype, t.size);
    return t._weak ? d.then((a) => a.slice()) : d;
  }

  /**
   * The value as nested JS arrays (a number or boolean for a scalar).
   * @example
   * tensor([[1, 2], [3, 4]]).toArray(); // → [[1, 2], [3, 4]]
   */
  toArray(): ArrayValue {
    const d = this._concrete("toArray()").dataSync();
    const isBool = this.dtype === "bool";
    const shape = this.shape;
    let pos = 0;
    const build = (axis: number): ArrayValue => {
      if (axis === shape.length) {
        const v = d[pos++];
        return isBool ? v !== 0 : v;
      }
      const out: ArrayValue[] = new Array(shape[axis]);
      for (let i = 0; i < shape[axis]; i++) out[i] = build(axis + 1);
      return out;
    };
    return build(0);
  }

  /**
   * The single element as a JS number (booleans as 0/1).
   * @throws ShapeError when the tensor has more than one element; ConcretizationError under staging.
   */
  item(): number {
    const t = this._concrete("item()");
    if (t.size !== 1)
      throw new ShapeError(
        "item-not-scalar",
        `item(): tensor of shape [${t.shape.join(", ")}] has ${t.size} elements, not 1.`,
      );
    return t.dataSync()[0];
  }

  /**
   * Converting a tensor to a JS primitive (`+x`, `x > 0`, `x + 1`) reads its single value, so it throws
   * `ConcretizationError` under staging; strings (and `+` on a non-scalar) give {@link Tensor.toString}.
   */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === "string" || (hint === "default" && this.size !== 1)) return this.toString();
    return this.item();
  }

  /** Node's `console.log` shows {@link Tensor.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** A short description; shows the values of small concrete tensors. */
  toString(): string {
    let t: Tensor = this;
    while (t._primal !== null) t = t._primal;
    if (t._trace !== null) return `Tensor<traced ${this.dtype}[${this.shape.join(",")}]>`;
    return `Tensor(${this.dtype}[${this.shape.join(",")}]) ${JSON.stringify(t.size <= 100 ? t.toArray() : "…")}`;
  }

  /** Elementwise `this + y`, broadcast (NumPy rules); the result has the broadcast shape. */
  add(y: TensorLike): Tensor {
    return o.add(this, y);
  }
  /** Elementwise `this − y`, broadcast. */
  sub(y: TensorLike): Tensor {
    return o.sub(this, y);
  }
  /** Elementwise `this · y`, broadcast. */
  mul(y: TensorLike): Tensor {
    return o.mul(this, y);
  }
  /** Elementwise `this / y` (true division), broadcast. */
  div(y: TensorLike): Tensor {
    return o.div(this, y);
  }
  /** Elementwise `this ** y`, broadcast. */
  pow(y: TensorLike): Tensor {
    return o.pow(this, y);
  }
  /** Elementwise maximum of `this` and `y`, broadcast (NaN propagates). */
  maximum(y: TensorLike): Tensor {
    return o.maximum(this, y);
  }
  /** Elementwise minimum of `this` and `y`, broadcast (NaN propagates). */
  minimum(y: TensorLike): Tensor {
    return o.minimum(this, y);
  }
  /** Elementwise `this < y`, broadcast; a bool tensor. */
  lt(y: TensorLike): Tensor {
    return o.lt(this, y);
  }
  /** Elementwise `this ≤ y`, broadcast; a bool tensor. */
  le(y: TensorLike): Tensor {
    return o.le(this, y);
  }
  /** Elementwise `this > y`, broadcast; a bool tensor. */
  gt(y: TensorLike): Tensor {
    return o.gt(this, y);
  }
  /** Elementwise `this ≥ y`, broadcast; a bool tensor. */
  ge(y: TensorLike): Tensor {
    return o.ge(this, y);
  }
  /** Elementwise `this == y`, broadcast; a bool tensor. */
  eq(y: TensorLike): Tensor {
    return o.eq(this, y);
  }
  /** Elementwise `this != y`, broadcast; a bool tensor. */
  ne(y: TensorLike): Tensor {
    return o.ne(this, y);
  }
  /** Elementwise logical AND (nonzero is true), broadcast; a bool tensor. */
  logicalAnd(y: TensorLike): Tensor {
    return o.logicalAnd(this, y);
  }
  /** Elementwise logical OR (nonzero is true), broadcast; a bool tensor. */
  logicalOr(y: TensorLike): Tensor {
    return o.logicalOr(this, y);
  }
  /** Elementwise logical NOT (nonzero is true); a bool tensor of the same shape. */
  logicalNot(): Tensor {
    return o.logicalNot(this);
  }
  /** Elementwise `−this`; same shape. */
  neg(): Tensor {
    return o.neg(this);
  }
  /** Elementwise eˣ; same shape. */
  exp(): Tensor {
    return o.exp(this);
  }
  /** Elementwise natural logarithm (−∞ at 0, NaN below); same shape. */
  log(): Tensor {
    return o.log(this);
  }
  /** Elementwise log(1 + x), accurate for small x; same shape. */
  log1p(): Tensor {
    return o.log1p(this);
  }
  /** Elementwise eˣ − 1, accurate for small x; same shape. */
  expm1(): Tensor {
    return o.expm1(this);
  }
  /** Elementwise square root; same shape. */
  sqrt(): Tensor {
    return o.sqrt(this);
  }
  /** Elementwise 1/√x; same shape. */
  rsqrt(): Tensor {
    return o.rsqrt(this);
  }
  /** Elementwise x²; same shape. */
  square(): Tensor {
    return o.square(this);
  }
  /** Elementwise |x|; same shape. */
  abs(): Tensor {
    return o.abs(this);
  }
  /** Elementwise sign (−1, 0 or 1; NaN stays NaN); same shape. */
  sign(): Tensor {
    return o.sign(this);
  }
  /** Elementwise ⌊x⌋; same shape (zero gradient). */
  floor(): Tensor {
    return o.floor(this);
  }
  /** Elementwise ⌈x⌉; same shape (zero gradient). */
  ceil(): Tensor {
    return o.ceil(this);
  }
  /** Elementwise rounding to the nearest integer, halves to even (NumPy); same shape. */
  round(): Tensor {
    return o.round(this);
  }
  /** Elementwise sine; same shape. */
  sin(): Tensor {
    return o.sin(this);
  }
  /** Elementwise cosine; same shape. */
  cos(): Tensor {
    return o.cos(this);
  }
  /** Elementwise tangent; same shape. */
  tan(): Tensor {
    return o.tan(this);
  }
  /** Elementwise hyperbolic tangent; same shape. */
  tanh(): Tensor {
    return o.tanh(this);
  }
  /** Elementwise logistic sigmoid 1/(1 + e⁻ˣ); same shape. */
  sigmoid(): Tensor {
    return o.sigmoid(this);
  }
  /** Elementwise log(1 + eˣ), computed stably; same shape. */
  softplus(): Tensor {
    return o.softplus(this);
  }
  /** Elementwise log |Γ(x)|; same shape. */
  lgamma(): Tensor {
    return o.lgamma(this);
  }
  /** Elementwise digamma ψ(x) = d/dx log Γ(x); same shape. */
  digamma(): Tensor {
    return o.digamma(this);
  }
  /** Elementwise error function; same shape. */
  erf(): Tensor {
    return o.erf(this);
  }
  /** Elementwise complementary error function 1 − erf(x), accurate in the tails; same shape. */
  erfc(): Tensor {
    return o.erfc(this);
  }
  /** Elementwise NaN test; a bool tensor of the same shape. */
  isnan(): Tensor {
    return o.isnan(this);
  }
  /** Elementwise finiteness test (not ±∞, not NaN); a bool tensor of the same shape. */
  isfinite(): Tensor {
    return o.isfinite(this);
  }
  /** Elementwise clip to `[lo, hi]` (`null` leaves that side open), broadcast (NumPy's `clip`). */
  clamp(lo: TensorLike | null, hi: TensorLike | null): Tensor {
    return o.clamp(this, lo, hi);
  }
  /** The same values with no gradient flowing back through them (JAX's `lax.stop_gradient`). */
  stopGradient(): Tensor {
    return o.stopGradient(this);
  }
  /** The values converted to `dtype` (`astype`); same shape. */
  cast(dtype: DType): Tensor {
    return o.cast(this, dtype);
  }
  /** Sum over `axis` (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  sum(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.sum(this, axis, keepDims);
  }
  /** Arithmetic mean over `axis` (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  mean(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.mean(this, axis, keepDims);
  }
  /** Maximum over `axis` (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  max(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.max(this, axis, keepDims);
  }
  /** Minimum over `axis` (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  min(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.min(this, axis, keepDims);
  }
  /** Product over `axis` (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  prod(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.prod(this, axis, keepDims);
  }
  /** Index (int32) of the maximum along `axis`, or in the flattened tensor when omitted; `keepDims` keeps the axis. */
  argmax(axis?: number, keepDims = false): Tensor {
    return o.argmax(this, axis, keepDims);
  }
  /** Index (int32) of the minimum along `axis`, or in the flattened tensor when omitted; `keepDims` keeps the axis. */
  argmin(axis?: number, keepDims = false): Tensor {
    return o.argmin(this, axis, keepDims);
  }
  /** log Σ exp(x) over `axis`, computed stably (one axis, several, or all when `null`/omitted; `keepDims` keeps them, length 1). */
  logSumExp(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.logSumExp(this, axis, keepDims);
  }
  /** Cumulative sum along `axis` (default the last); `reverse` sums from the end. Same shape. */
  cumsum(axis = -1, reverse = false): Tensor {
    return o.cumsum(this, axis, reverse);
  }
  /** The same elements (row-major) in a new `shape` of equal size; one entry may be −1 (inferred). */
  reshape(shape: readonly number[]): Tensor {
    return o.reshape(this, shape);
  }
  /** The values broadcast to `shape` (NumPy's `broadcast_to`). */
  broadcastTo(shape: readonly number[]): Tensor {
    return o.broadcastTo(this, shape);
  }
  /** Axes permuted by `perm` (default: reversed), as NumPy's `transpose`. */
  transpose(perm?: readonly number[]): Tensor {
    return o.transpose(this, perm);
  }
  /** Matrix transpose of the last two axes. */
  get T(): Tensor {
    return o.matrixTranspose(this);
  }
  /** A new axis of length 1 inserted at `axis` (negative counts from the end). */
  expandDims(axis: number): Tensor {
    return o.expandDims(this, axis);
  }
  /** Length-1 axes removed: those in `axis`, or all when omitted. */
  squeeze(axis?: number | readonly number[]): Tensor {
    return o.squeeze(this, axis);
  }
  /** Elements at `indices` along `axis` (default 0): the result's shape is `shape[:axis] + indices.shape + shape[axis+1:]` (NumPy's `take`). */
  take(indices: TensorLike, axis = 0): Tensor {
    return o.take(this, indices, axis);
  }
  /** Matrix product (NumPy's `matmul`): 1-D operands are promoted, leading batch axes broadcast; `[..., n, k] @ [..., k, m] → [..., n, m]`. */
  matmul(y: TensorLike): Tensor {
    return o.matmul(this, y);
  }
  /** Elementwise choice with `this` as the condition: `x` where it is true, `y` elsewhere, broadcast to one shape. */
  where(x: TensorLike, y: TensorLike): Tensor {
    return o.where(this, x, y);
  }
}

const DEFAULT_FLOAT: DType = "float64";

/** @internal A concrete tensor from a typed array of the right class (no copy). */
export function fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const be = getBackend();
  return new Tensor(shape, dtype, be.create(data, dtype), be);
}

const weakCache = new Map<number, Tensor>();

/** @internal A weakly typed scalar made from a JS number (adopts the other operand's dtype in binary ops). */
export function weakScalar(v: number, dtype: DType = DEFAULT_FLOAT): Tensor {
  // Immutable, so float64 scalars on the js backend are shared (fewer allocations on the eager hot path).
  const cacheable = dtype === "float64" && getBackend() === jsBackend && !Object.is(v, -0);
  if (cacheable) {
    const hit = weakCache.get(v);
    if (hit !== undefined) return hit;
  }
  const a = allocate(dtype, 1);
  a[0] = v;
  const t = fromArray(a, [], dtype);
  t._weak = true;
  if (cacheable && weakCache.size < 1024) weakCache.set(v, t);
  return t;
}

function inferShape(x: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
    if (cur === undefined) break;
  }
  if (cur === undefined && shape[shape.length - 1] !== 0)
    throw new ShapeError("ragged-array", `${op}: nested array is ragged.`);
  return shape;
}

/**
 * Builds a concrete tensor from nested JS arrays, a typed array (copied), a number or a boolean.
 * @param options.dtype - element type; default float64 for numbers, bool for booleans, the typed array's own.
 * @param options.shape - shape for flat typed-array data (default `[length]`).
 * @throws ShapeError for ragged arrays or a shape that does not match the data size.
 * @example
 * tensor([[1, 2], [3, 4]]).shape; // → [2, 2]
 */
export function tensor(data: TensorLike, options: { dtype?: DType; shape?: readonly number[] } = {}): Tensor {
  if (data instanceof Tensor)
    return options.dtype && options.dtype !== data.dtype ? o.cast(data, options.dtype) : data;
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const shape = options.shape ?? [src.length];
    if (sizeOf(shape) !== src.length)
      throw new ShapeError(
        "bad-shape",
        `tensor(): shape [${shape.join(", ")}] does not hold ${src.length} elements.`,
      );
    const dtype = options.dtype ?? dtypeOfArray(src);
    const out = allocate(dtype, src.length);
    out.set(src);
    return fromArray(out, [...shape], dtype);
  }
  if (typeof data === "number" || typeof data === "boolean") {
    const dtype = options.dtype ?? (typeof data === "boolean" ? "bool" : DEFAULT_FLOAT);
    const a = allocate(dtype, 1);
    a[0] = +data;
    return fromArray(a, options.shape ? [...options.shape] : [], dtype);
  }
  const shape = inferShape(data as NestedArray, "tensor()");
  const n = sizeOf(shape);
  let dtype = options.dtype;
  const flat: (number | boolean)[] = [];
  const walk = (x: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(x)) throw new ShapeError("ragged-array", "tensor(): nested array is ragged.");
      flat.push(x as number | boolean);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis])
      throw new ShapeError("ragged-array", `tensor(): nested array is ragged at axis ${axis}.`);
    for (const e of x) walk(e, axis + 1);
  };
  walk(data as NestedArray, 0);
  if (dtype === undefined) dtype = n > 0 && typeof flat[0] === "boolean" ? "bool" : DEFAULT_FLOAT;
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = flat[i];
    if (typeof v !== "number" && typeof v !== "boolean")
      throw new DtypeError(
        "bad-element",
        (v as unknown) instanceof Tensor
          ? `tensor(): element ${i} is a Tensor; build tensors from tensors with stack([...]) or concatenate([...]).`
          : `tensor(): element ${i} is ${typeof v}, expected a number or boolean.`,
      );
    out[i] = +v;
  }
  return fromArray(out, options.shape ? [...options.shape] : shape, dtype);
}

/**
 * Promotes a {@link TensorLike} to a tensor: JS numbers become weakly typed float64 scalars.
 * @example
 * toTensor(2).dtype; // → "float64"
 */
export function toTensor(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return weakScalar(x);
  return tensor(x);
}
