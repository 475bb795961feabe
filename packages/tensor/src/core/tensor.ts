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

  add(y: TensorLike): Tensor {
    return o.add(this, y);
  }
  sub(y: TensorLike): Tensor {
    return o.sub(this, y);
  }
  mul(y: TensorLike): Tensor {
    return o.mul(this, y);
  }
  div(y: TensorLike): Tensor {
    return o.div(this, y);
  }
  pow(y: TensorLike): Tensor {
    return o.pow(this, y);
  }
  maximum(y: TensorLike): Tensor {
    return o.maximum(this, y);
  }
  minimum(y: TensorLike): Tensor {
    return o.minimum(this, y);
  }
  lt(y: TensorLike): Tensor {
    return o.lt(this, y);
  }
  le(y: TensorLike): Tensor {
    return o.le(this, y);
  }
  gt(y: TensorLike): Tensor {
    return o.gt(this, y);
  }
  ge(y: TensorLike): Tensor {
    return o.ge(this, y);
  }
  eq(y: TensorLike): Tensor {
    return o.eq(this, y);
  }
  ne(y: TensorLike): Tensor {
    return o.ne(this, y);
  }
  logicalAnd(y: TensorLike): Tensor {
    return o.logicalAnd(this, y);
  }
  logicalOr(y: TensorLike): Tensor {
    return o.logicalOr(this, y);
  }
  logicalNot(): Tensor {
    return o.logicalNot(this);
  }
  neg(): Tensor {
    return o.neg(this);
  }
  exp(): Tensor {
    return o.exp(this);
  }
  log(): Tensor {
    return o.log(this);
  }
  log1p(): Tensor {
    return o.log1p(this);
  }
  expm1(): Tensor {
    return o.expm1(this);
  }
  sqrt(): Tensor {
    return o.sqrt(this);
  }
  rsqrt(): Tensor {
    return o.rsqrt(this);
  }
  square(): Tensor {
    return o.square(this);
  }
  abs(): Tensor {
    return o.abs(this);
  }
  sign(): Tensor {
    return o.sign(this);
  }
  floor(): Tensor {
    return o.floor(this);
  }
  ceil(): Tensor {
    return o.ceil(this);
  }
  round(): Tensor {
    return o.round(this);
  }
  sin(): Tensor {
    return o.sin(this);
  }
  cos(): Tensor {
    return o.cos(this);
  }
  tan(): Tensor {
    return o.tan(this);
  }
  tanh(): Tensor {
    return o.tanh(this);
  }
  sigmoid(): Tensor {
    return o.sigmoid(this);
  }
  softplus(): Tensor {
    return o.softplus(this);
  }
  lgamma(): Tensor {
    return o.lgamma(this);
  }
  digamma(): Tensor {
    return o.digamma(this);
  }
  erf(): Tensor {
    return o.erf(this);
  }
  erfc(): Tensor {
    return o.erfc(this);
  }
  isnan(): Tensor {
    return o.isnan(this);
  }
  isfinite(): Tensor {
    return o.isfinite(this);
  }
  clamp(lo: TensorLike | null, hi: TensorLike | null): Tensor {
    return o.clamp(this, lo, hi);
  }
  stopGradient(): Tensor {
    return o.stopGradient(this);
  }
  cast(dtype: DType): Tensor {
    return o.cast(this, dtype);
  }
  sum(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.sum(this, axis, keepDims);
  }
  mean(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.mean(this, axis, keepDims);
  }
  max(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.max(this, axis, keepDims);
  }
  min(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.min(this, axis, keepDims);
  }
  prod(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.prod(this, axis, keepDims);
  }
  argmax(axis?: number, keepDims = false): Tensor {
    return o.argmax(this, axis, keepDims);
  }
  argmin(axis?: number, keepDims = false): Tensor {
    return o.argmin(this, axis, keepDims);
  }
  logSumExp(axis?: number | readonly number[] | null, keepDims = false): Tensor {
    return o.logSumExp(this, axis, keepDims);
  }
  cumsum(axis = -1, reverse = false): Tensor {
    return o.cumsum(this, axis, reverse);
  }
  reshape(shape: readonly number[]): Tensor {
    return o.reshape(this, shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return o.broadcastTo(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return o.transpose(this, perm);
  }
  /** Matrix transpose of the last two axes. */
  get T(): Tensor {
    return o.matrixTranspose(this);
  }
  expandDims(axis: number): Tensor {
    return o.expandDims(this, axis);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return o.squeeze(this, axis);
  }
  take(indices: TensorLike, axis = 0): Tensor {
    return o.take(this, indices, axis);
  }
  matmul(y: TensorLike): Tensor {
    return o.matmul(this, y);
  }
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
