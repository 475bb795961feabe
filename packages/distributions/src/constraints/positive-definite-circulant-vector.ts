import { rfftMatrices } from "../internal/dft.js";
import {
  abs,
  and,
  asTensor,
  broadcastTo,
  gt,
  le,
  lt,
  matmul,
  not,
  sum,
  type Tensor,
  type TensorLike,
  toFloat,
} from "../internal/ops.js";
import { Constraint } from "./constraint.js";

const EPS = 2.220446049250313e-16;

/**
 * Vectors that are the first row of a positive-(semi)definite circulant matrix (NumPyro's
 * `constraints.positive_definite_circulant_vector`): the real FFT of the row has imaginary parts below
 * 10·ε and real parts (the eigenvalues) above −10·ε — NumPyro's tolerances. Answers per vector.
 * @example
 * positiveDefiniteCirculantVector.check([[2, 1, 1], [1, 2, 0]]).toArray(); // → [true, false]
 */
export class PositiveDefiniteCirculantVector extends Constraint {
  readonly name = "positiveDefiniteCirculantVector";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    const t = toFloat(asTensor(x));
    const n = t.shape.at(-1) ?? 1;
    const { cos, sin } = rfftMatrices(n);
    const tol = 10 * EPS;
    const re = matmul(t, cos);
    const im = matmul(t, sin);
    // inside when no frequency violates either bound
    const bad = sum(toFloat(not(and(lt(abs(im), tol), gt(re, -tol)))), -1);
    return le(bad, 0);
  }
  override feasibleLike(prototype: Tensor): Tensor {
    const n = prototype.shape.at(-1) ?? 1;
    const row = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
    return broadcastTo(row, prototype.shape);
  }
}

/**
 * The positive-definite circulant vector constraint (event dimension 1).
 * @example
 * positiveDefiniteCirculantVector.eventDim; // → 1
 */
export const positiveDefiniteCirculantVector: PositiveDefiniteCirculantVector =
  /* @__PURE__ */ new PositiveDefiniteCirculantVector();
