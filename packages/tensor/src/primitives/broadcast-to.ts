import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, shapesEqual, sizeOf, stridesOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { copyStrided } from "../internal/strided.js";
import { reduceSumP } from "./reduce-sum.js";
import { reshape } from "./reshape.js";

function check(xs: readonly number[], s: readonly number[], op: string): void {
  const off = s.length - xs.length;
  let ok = off >= 0;
  for (let i = 0; ok && i < xs.length; i++) if (xs[i] !== 1 && xs[i] !== s[i + off]) ok = false;
  if (!ok)
    throw new ShapeError(
      "broadcast-mismatch",
      `${op}: shape ${fmt(xs)} cannot be broadcast to ${fmt(s)} (right-aligned, each axis must match or be 1).`,
    );
}

/** Sums `g` down to `shape` (the transpose of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const off = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++)
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  const s = axes.length ? bind(reduceSumP, [g], { axes, keepDims: false }) : g;
  return shapesEqual(s.shape, shape) ? s : reshape(s, shape);
}

/** The `broadcastTo` primitive (NumPy rules, right-aligned). */
export const broadcastToP = /* @__PURE__ */ definePrimitive("broadcastTo", {
  shape: (ins, p) => {
    check(ins[0].shape, p.shape, "broadcastTo");
    return p.shape;
  },
  dtype: (ins) => ins[0].dtype,
  kernel: ([x], p, shape, dtype) => {
    const src = arr(x);
    const out = allocate(dtype, sizeOf(shape));
    if (src.length === 1) {
      out.fill(src[0] as never);
      return out;
    }
    const xs = x.shape;
    const off = shape.length - xs.length;
    const xst = stridesOf(xs);
    const ss = shape.map((_, i) => (i < off || xs[i - off] === 1 ? 0 : xst[i - off]));
    copyStrided(src, 0, ss, out, 0, stridesOf(shape), shape);
    void p;
    return out;
  },
});

/** VJP rule of `broadcastTo` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const broadcastToVjpRule: VjpRule<"broadcastTo"> = (g, [x]) => [sumToShape(g, x.shape)];

/**
 * Broadcasts `x` to `shape` with NumPy rules (right-aligned; axes of length 1 stretch).
 * @throws ShapeError naming both shapes when `x` does not broadcast.
 * @example
 * broadcastTo([1, 2], [2, 2]).toArray(); // → [[1, 2], [1, 2]]
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  if (shapesEqual(t.shape, shape)) return t;
  return bind(broadcastToP, [t], { shape: [...shape] });
}
