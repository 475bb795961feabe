import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { definePrimitive, num, type VjpRule } from "../core/primitive.js";
import { fmt, shapesEqual, sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, tensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { toFloat } from "../internal/elementwise.js";
import { matmul, matrixTranspose } from "./matmul.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

function triMask(n: number, lower: boolean): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (lower ? j <= i : j >= i) ? 1 : 0;
  return tensor(m, { shape: [n, n] });
}

/** Options of {@link triangularSolve}. */
export interface TriangularSolveOptions {
  /** `a` is lower triangular (default true); the other triangle is ignored. */
  lower?: boolean;
  /** Solve with aᵀ instead of a (default false). */
  transposeA?: boolean;
  /** Solve op(a)·x = b (true, default) or x·op(a) = b (false). */
  leftSide?: boolean;
}

/** The `triangularSolve` primitive: x with op(a)·x = b (leftSide) or x·op(a) = b. */
export const triangularSolveP = /* @__PURE__ */ definePrimitive("triangularSolve", {
  shape: ([a, b], p) => {
    const r = a.shape.length;
    const n = a.shape[r - 1];
    const ok =
      r >= 2 &&
      a.shape[r - 2] === n &&
      b.shape.length === r &&
      shapesEqual(a.shape.slice(0, -2), b.shape.slice(0, -2)) &&
      (p.leftSide ? b.shape[r - 2] === n : b.shape[r - 1] === n);
    if (!ok)
      throw new ShapeError(
        "solve-shape",
        `triangularSolve: shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not fit.`,
      );
    return b.shape;
  },
  dtype: ([, b]) => b.dtype,
  kernel: ([a, b], p, shape, dtype) => {
    const A = num(a);
    const B = num(b);
    const r = shape.length;
    const n = a.shape[r - 1];
    const rows = shape[r - 2];
    const cols = shape[r - 1];
    const out = allocate(dtype, sizeOf(shape));
    const batch = n === 0 ? 0 : A.length / (n * n);
    // Right side X·op(A) = B is op(A)ᵀ·Xᵀ = Bᵀ: flip the transpose flag and walk B by columns.
    const trans = p.leftSide ? p.transposeA : !p.transposeA;
    const effLower = p.lower !== trans;
    const m = p.leftSide ? cols : rows; // number of right-hand sides
    const x = new Float64Array(n);
    for (let t = 0; t < batch; t++) {
      const ao = t * n * n;
      const bo = t * rows * cols;
      const at = (i: number, j: number): number => (trans ? A[ao + j * n + i] : A[ao + i * n + j]);
      for (let c = 0; c < m; c++) {
        const bi = (i: number): number => (p.leftSide ? bo + i * cols + c : bo + c * cols + i);
        if (effLower)
          for (let i = 0; i < n; i++) {
            let s = B[bi(i)];
            for (let j = 0; j < i; j++) s -= at(i, j) * x[j];
            x[i] = s / at(i, i);
          }
        else
          for (let i = n - 1; i >= 0; i--) {
            let s = B[bi(i)];
            for (let j = i + 1; j < n; j++) s -= at(i, j) * x[j];
            x[i] = s / at(i, i);
          }
        for (let i = 0; i < n; i++) out[bi(i)] = x[i];
      }
    }
    return out;
  },
});

/** VJP rule of `triangularSolve` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const triangularSolveVjpRule: VjpRule<"triangularSolve"> = (g, [a], x, p) => {
  const n = a.shape[a.shape.length - 1];
  const gb = triangularSolve(a, g, { lower: p.lower, transposeA: !p.transposeA, leftSide: p.leftSide });
  // left: op(A)̄ = −B̄ Xᵀ; right: op(A)̄ = −Xᵀ B̄; then transpose back if op = ᵀ, keep the used triangle.
  let opA = p.leftSide ? matmul(gb, matrixTranspose(x)) : matmul(matrixTranspose(x), gb);
  if (p.transposeA) opA = matrixTranspose(opA);
  return [mul(neg(opA), triMask(n, p.lower).cast(a.dtype)), gb];
};

/**
 * Solves a triangular system: op(a)·x = b (`leftSide`, default) or x·op(a) = b, batched over leading axes.
 * @param a - triangular matrices `[..., n, n]` (only the `lower`/upper triangle is read).
 * @param b - right-hand sides `[..., n, m]` (left side) or `[..., m, n]` (right side).
 * @example
 * triangularSolve([[2, 0], [1, 1]], [[2], [2]]).toArray(); // → [[1], [1]]
 */
export function triangularSolve(a: TensorLike, b: TensorLike, options: TriangularSolveOptions = {}): Tensor {
  let ta = toFloat(a);
  let tb = toFloat(b);
  if (ta.dtype !== tb.dtype) {
    ta = ta.cast("float64");
    tb = tb.cast("float64");
  }
  const params = {
    lower: options.lower ?? true,
    transposeA: options.transposeA ?? false,
    leftSide: options.leftSide ?? true,
  };
  return bind(triangularSolveP, [ta, tb], params);
}
