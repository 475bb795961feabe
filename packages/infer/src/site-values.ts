import { asTensor, dataOf, fromData, isTensor, type Tensor, type TensorLike } from "./internal/ops.js";

/** One site's value as plain data: row-major `data` and its `shape` (what `@phlox/mcmc` exchanges). */
export interface SiteValue {
  data: Float64Array;
  shape: number[];
}

/** A model: a plain function of its data. */
export type Model<A extends unknown[] = never[]> = (...args: A) => unknown;

/**
 * Converts a tensor to a {@link SiteValue} (a float64 copy).
 * @example
 * toSiteValue(tensor([1, 2])).shape; // → [2]
 */
export function toSiteValue(t: Tensor): SiteValue {
  return { data: dataOf(t), shape: [...t.shape] };
}

/**
 * A tensor from a `Tensor`, a tensor-like (number, nested array, typed array) or a plain {@link SiteValue}
 * `{ data, shape }`: the one conversion for code that accepts draws in either form.
 * @example
 * siteTensor({ data: new Float64Array([1, 2]), shape: [2] }).shape; // → [2]
 */
export function siteTensor(v: Tensor | TensorLike | SiteValue): Tensor {
  if (isTensor(v)) return v;
  if (typeof v === "object" && v !== null && "data" in v && "shape" in v && !ArrayBuffer.isView(v)) {
    const sv = v as SiteValue;
    return fromData(sv.data, sv.shape);
  }
  return asTensor(v as TensorLike);
}
