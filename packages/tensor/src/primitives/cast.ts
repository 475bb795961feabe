import { allocate, type DType, isFloat } from "../core/dtype.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";

/** The `cast` primitive: converts elements to `dtype` (floats truncate toward zero into ints; bool is x ≠ 0). */
export const castP = /* @__PURE__ */ definePrimitive("cast", {
  shape: (ins) => ins[0].shape,
  dtype: (_ins, p) => p.dtype,
  kernel: ([x], p, _shape, dtype) => {
    const a = arr(x);
    const out = allocate(dtype, a.length);
    if (p.dtype === "bool") for (let i = 0; i < a.length; i++) out[i] = a[i] !== 0 ? 1 : 0;
    else if (p.dtype === "int32" || p.dtype === "uint32")
      for (let i = 0; i < a.length; i++) out[i] = Math.trunc(a[i]);
    else out.set(a);
    return out;
  },
});

/** VJP rule of `cast` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const castVjpRule: VjpRule<"cast"> = (g, [x]) => [isFloat(x.dtype) ? cast(g, x.dtype) : null];

/**
 * Converts `x` to another dtype (a no-op when it already has it).
 * @example
 * cast([1.7, -1.7], "int32").toArray(); // → [1, -1]
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x);
  if (t.dtype === dtype) return t;
  return bind(castP, [t], { dtype });
}
