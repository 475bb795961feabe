import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { definePrimitive, num, type VjpRule } from "../core/primitive.js";
import { fmt, sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { NONE, toFloat } from "../internal/elementwise.js";
import { add } from "./add.js";
import { matmul, matrixTranspose } from "./matmul.js";
import { mul } from "./mul.js";
import { triangularSolve } from "./triangular-solve.js";

/** Constant mask: 1 strictly below the diagonal, ½ on it, 0 above (Φ in Murray 2016). */
function phiMask(n: number): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = i === j ? 0.5 : 1;
  return tensor(m, { shape: [n, n] });
}

/** The `cholesky` primitive: lower factor L with A = L Lᵀ (reads the lower triangle; NaN if not positive definite). */
export const choleskyP = /* @__PURE__ */ definePrimitive("cholesky", {
  shape: ([a]) => {
    const r = a.shape.length;
    if (r < 2 || a.shape[r - 1] !== a.shape[r - 2])
      throw new ShapeError("cholesky-shape", `cholesky: expected [..., n, n], got ${fmt(a.shape)}.`);
    return a.shape;
  },
  dtype: ([a]) => a.dtype,
  // Murray (2016), "Differentiation of the Cholesky decomposition": Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹).
  kernel: ([a], _p, shape, dtype) => {
    const A = num(a);
    const n = shape[shape.length - 1];
    const out = allocate(dtype, sizeOf(shape));
    const batch = n === 0 ? 0 : A.length / (n * n);
    for (let t = 0; t < batch; t++) {
      const o = t * n * n;
      let ok = true;
      for (let j = 0; j < n && ok; j++) {
        let s = A[o + j * n + j];
        for (let k = 0; k < j; k++) s -= out[o + j * n + k] * out[o + j * n + k];
        if (!(s > 0)) {
          ok = false;
          break;
        }
        const d = Math.sqrt(s);
        out[o + j * n + j] = d;
        for (let i = j + 1; i < n; i++) {
          let v = A[o + i * n + j];
          for (let k = 0; k < j; k++) v -= out[o + i * n + k] * out[o + j * n + k];
          out[o + i * n + j] = v / d;
        }
      }
      if (!ok) for (let i = 0; i < n * n; i++) out[o + i] = Number.NaN;
    }
    return out;
  },
});

/** VJP rule of `cholesky` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const choleskyVjpRule: VjpRule<"cholesky"> = (g, _a, L) => {
  const n = L.shape[L.shape.length - 1];
  const P = mul(matmul(matrixTranspose(L), g), phiMask(n).cast(L.dtype));
  const X = triangularSolve(L, P, { lower: true, transposeA: true, leftSide: true });
  const S = triangularSolve(L, X, { lower: true, transposeA: false, leftSide: false });
  return [mul(add(S, matrixTranspose(S)), 0.5)];
};

/**
 * Cholesky factor: the lower-triangular L with A = L Lᵀ, batched over leading axes. Reads only the lower
 * triangle of `a`; a matrix that is not positive definite gives all-NaN (as JAX does), so check with `isnan`.
 * @param a - symmetric positive-definite matrices `[..., n, n]`.
 * @example
 * cholesky([[4, 2], [2, 2]]).toArray(); // → [[2, 0], [1, 1]]
 */
export function cholesky(a: TensorLike): Tensor {
  const t = toFloat(a);
  return bind(choleskyP, [t], NONE);
}
