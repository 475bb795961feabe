import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, sizeOf, stridesOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { copyStrided } from "../internal/strided.js";
import { pad } from "./pad.js";

/** The `slice` primitive: `x[start[0]:end[0], …]` with unit steps. */
export const sliceP = /* @__PURE__ */ definePrimitive("slice", {
  shape: (ins, p) => {
    const s = ins[0].shape;
    if (
      p.start.length !== s.length ||
      p.end.length !== s.length ||
      s.some((d, i) => !(0 <= p.start[i] && p.start[i] <= p.end[i] && p.end[i] <= d))
    )
      throw new ShapeError(
        "bad-slice",
        `slice: start ${fmt(p.start)} / end ${fmt(p.end)} do not fit shape ${fmt(s)}.`,
      );
    return s.map((_, i) => p.end[i] - p.start[i]);
  },
  dtype: (ins) => ins[0].dtype,
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    const xs = stridesOf(x.shape);
    let off = 0;
    for (let i = 0; i < xs.length; i++) off += p.start[i] * xs[i];
    copyStrided(arr(x), off, xs, out, 0, stridesOf(shape), shape);
    return out;
  },
});

/** VJP rule of `slice` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const sliceVjpRule: VjpRule<"slice"> = (g, [x], _y, p) => [
  pad(
    g,
    p.start,
    x.shape.map((d, i) => d - p.end[i]),
  ),
];

/**
 * Takes the sub-block `x[start[0]:end[0], start[1]:end[1], …]` (negative indices count from the end; missing
 * trailing axes are taken whole).
 * @example
 * slice([1, 2, 3, 4], [1], [3]).toArray(); // → [2, 3]
 */
export function slice(x: TensorLike, start: readonly number[], end?: readonly number[]): Tensor {
  const t = toTensor(x);
  const s = t.shape;
  const norm = (v: number | undefined, d: number, dflt: number): number =>
    v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const st = s.map((d, i) => norm(start[i], d, 0));
  const en = s.map((d, i) => Math.max(norm(end?.[i], d, d), st[i]));
  if (st.every((v) => v === 0) && en.every((v, i) => v === s[i])) return t;
  return bind(sliceP, [t], { start: st, end: en });
}
