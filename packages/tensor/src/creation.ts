import { allocate, type DType } from "./core/dtype.js";
import { ConstraintError } from "./core/errors.js";
import { checkShape, sizeOf } from "./core/shape.js";
import { fromArray, type Tensor } from "./core/tensor.js";

/**
 * A 0-d tensor holding `value` (a strongly typed float64 by default).
 * @example
 * scalar(3).shape; // → []
 */
export function scalar(
  value: number | boolean,
  dtype: DType = typeof value === "boolean" ? "bool" : "float64",
): Tensor {
  const a = allocate(dtype, 1);
  a[0] = +value;
  return fromArray(a, [], dtype);
}

/**
 * A tensor of `shape` filled with `value`.
 * @example
 * full([2], 7).toArray(); // → [7, 7]
 */
export function full(
  shape: readonly number[],
  value: number | boolean,
  dtype: DType = typeof value === "boolean" ? "bool" : "float64",
): Tensor {
  checkShape(shape, "full");
  const a = allocate(dtype, sizeOf(shape));
  a.fill(+value as never);
  return fromArray(a, [...shape], dtype);
}

/**
 * Zeros of `shape`.
 * @example
 * zeros([2, 2]).toArray(); // → [[0, 0], [0, 0]]
 */
export function zeros(shape: readonly number[], dtype: DType = "float64"): Tensor {
  return full(shape, 0, dtype);
}

/**
 * Ones of `shape`.
 * @example
 * ones([2]).toArray(); // → [1, 1]
 */
export function ones(shape: readonly number[], dtype: DType = "float64"): Tensor {
  return full(shape, 1, dtype);
}

/**
 * Evenly spaced values in [start, stop) with `step` (NumPy `arange`; `arange(n)` is 0 … n − 1).
 * @throws ConstraintError for a zero or non-finite step.
 * @example
 * arange(4).toArray(); // → [0, 1, 2, 3]
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = "float64"): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (!(Number.isFinite(step) && step !== 0))
    throw new ConstraintError("bad-step", `arange: step must be finite and non-zero, got ${step}.`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const a = allocate(dtype, n);
  for (let i = 0; i < n; i++) a[i] = start + i * step;
  return fromArray(a, [n], dtype);
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive.
 * @example
 * linspace(0, 1, 3).toArray(); // → [0, 0.5, 1]
 */
export function linspace(start: number, stop: number, num: number, dtype: DType = "float64"): Tensor {
  if (!(Number.isInteger(num) && num >= 0))
    throw new ConstraintError("bad-count", `linspace: num must be a non-negative integer, got ${num}.`);
  const a = allocate(dtype, num);
  const d = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) a[i] = i === num - 1 && num > 1 ? stop : start + i * d;
  return fromArray(a, [num], dtype);
}

/**
 * The n × m identity matrix (m defaults to n).
 * @example
 * eye(2).toArray(); // → [[1, 0], [0, 1]]
 */
export function eye(n: number, m = n, dtype: DType = "float64"): Tensor {
  checkShape([n, m], "eye");
  const a = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) a[i * m + i] = 1;
  return fromArray(a, [n, m], dtype);
}
