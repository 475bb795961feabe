import { allocate } from "../core/dtype.js";
import { DtypeError, ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { broadcastShapes, fmt, shapesEqual } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { NONE, promote2, zerosLike } from "../internal/elementwise.js";
import { broadcastTo } from "./broadcast-to.js";
import { cast } from "./cast.js";

/** The `select` primitive: `cond ? x : y` elementwise, all three of identical shape, `cond` bool. */
export const selectP = /* @__PURE__ */ definePrimitive("select", {
  shape: (ins) => {
    if (!shapesEqual(ins[0].shape, ins[1].shape) || !shapesEqual(ins[1].shape, ins[2].shape))
      throw new ShapeError(
        "primitive-shape",
        `select: operands must have identical shapes, got ${ins.map((x) => fmt(x.shape)).join(", ")}.`,
      );
    return ins[1].shape;
  },
  dtype: (ins) => ins[1].dtype,
  kernel: ([c, x, y], _p, _s, dtype) => {
    const cc = arr(c);
    const xx = arr(x);
    const yy = arr(y);
    const out = allocate(dtype, xx.length);
    for (let i = 0; i < out.length; i++) out[i] = cc[i] ? xx[i] : yy[i];
    return out;
  },
});

/** VJP rule of `select` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const selectVjpRule: VjpRule<"select"> = (g, [c]) => {
  const z = zerosLike(g);
  return [null, select(c, g, z), select(c, z, g)];
};

/** @internal Binds `select` on operands that already have identical shapes and dtypes. */
export function select(c: Tensor, x: Tensor, y: Tensor): Tensor {
  return bind(selectP, [c, x, y], NONE);
}

/**
 * Elementwise choice `cond ? x : y` with broadcasting of all three (the traced-friendly `if`).
 * @param cond - bool tensor (other dtypes are compared with 0).
 * @throws ShapeError when the shapes do not broadcast.
 * @example
 * where([true, false], 1, [5, 6]).toArray(); // → [1, 6]
 */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  let c = toTensor(cond);
  if (c.dtype !== "bool") {
    if (c._weak) throw new DtypeError("where-cond", "where: cond must be a tensor (bool), not a JS number.");
    c = cast(c, "bool");
  }
  let [a, b] = promote2(x, y, "where");
  if (!shapesEqual(c.shape, a.shape)) {
    const s = broadcastShapes(c.shape, a.shape, "where");
    c = broadcastTo(c, s);
    a = broadcastTo(a, s);
    b = broadcastTo(b, s);
  }
  return select(c, a, b);
}
