import { abs, asTensor, lt, sum, type Tensor, type TensorLike } from "../internal/ops.js";
import { Constraint } from "./constraint.js";

const EPS = 2.220446049250313e-16;

/**
 * Vectors inside the unit L1 ball, Σ|xᵢ| < 1 (NumPyro's `constraints.l1_ball`), with NumPyro's tolerance of
 * 10·ε on the bound. The bijection onto it is `L1BallTransform` (`bijectTo(l1Ball)`).
 * @example
 * l1Ball.check([[0.2, -0.3], [0.9, 0.4]]).toArray(); // → [true, false]
 */
export class L1Ball extends Constraint {
  readonly name = "l1Ball";
  override readonly eventDim = 1;
  check(x: TensorLike): Tensor {
    return lt(sum(abs(asTensor(x)), -1), 1 + 10 * EPS);
  }
}

/**
 * The unit L1 ball (eventDim 1).
 * @example
 * l1Ball.eventDim; // → 1
 */
export const l1Ball: L1Ball = /* @__PURE__ */ new L1Ball();
