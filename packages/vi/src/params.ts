import { toSiteValue } from "@phlox/infer";
import { Tensor } from "@phlox/tensor";
import type { Params, ParamValue } from "./guide.js";

/**
 * Named, constrained parameters as the guides' methods and SVI's `initParams` accept them: each a float64
 * `Tensor` (what `SVI.run(...).params` and `SVI.getParams` return) or plain `{ data, shape }` data.
 */
export type ParamsLike = Readonly<Record<string, Tensor | ParamValue>>;

/**
 * Plain `{ data, shape }` values for {@link ParamsLike} parameters: each `Tensor` becomes a float64 copy of
 * its data; plain values are kept as they are (`Float64Array` data; other array-likes are copied to one).
 * @param params - parameters by name, as Tensors or `{ data, shape }`.
 * @returns the same names with `{ data, shape }` values (a new record).
 * @example
 * paramValues({ loc: tensor([1, 2]) }).loc.data; // → Float64Array [1, 2]
 */
export function paramValues(params: ParamsLike): Params {
  const out: Params = {};
  for (const [name, v] of Object.entries(params)) {
    if (v instanceof Tensor) out[name] = toSiteValue(v);
    else if (v.data instanceof Float64Array) out[name] = v;
    else out[name] = { data: Float64Array.from(v.data as ArrayLike<number>), shape: [...v.shape] };
  }
  return out;
}
