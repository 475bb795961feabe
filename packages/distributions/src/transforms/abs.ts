import { type Constraint, positive, real } from "../constraints/constraint.js";
import { abs, asTensor, PhloxError, type Tensor, type TensorLike } from "../internal/ops.js";
import { Transform } from "./transform.js";

/**
 * y = |x| (NumPyro's `AbsTransform`), from the reals to the positive reals. It is not a bijection: as in
 * NumPyro, `inverse(y)` returns y, and it has no log-Jacobian (calling it throws), so it cannot build a
 * TransformedDistribution's density.
 * @example
 * new AbsTransform().forward([-2, 3]).toArray(); // → [2, 3]
 */
export class AbsTransform extends Transform {
  get domain(): Constraint {
    return real;
  }
  get codomain(): Constraint {
    return positive;
  }
  forward(x: TensorLike): Tensor {
    return abs(x);
  }
  inverse(y: TensorLike): Tensor {
    return asTensor(y);
  }
  logAbsDetJacobian(_x: TensorLike, _y: TensorLike): Tensor {
    throw new PhloxError(
      "transform-not-bijective",
      "AbsTransform.logAbsDetJacobian: |x| is not a bijection, so it has no log-Jacobian (NumPyro defines none " +
        "either). Use it to map values, not inside a TransformedDistribution.",
    );
  }
}
