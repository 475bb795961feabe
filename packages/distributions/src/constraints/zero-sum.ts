import { abs, add, asTensor, le, lt, sum, type Tensor, type TensorLike, toFloat } from "../internal/ops.js";
import { Constraint } from "./constraint.js";

const EPS = 2.220446049250313e-16;

/**
 * Arrays whose rightmost `eventDim` axes each sum to zero (NumPyro's `constraints.zero_sum`), with NumPyro's
 * tolerance 10·ε·(size of the last axis) on every such sum. Unlike NumPyro, which answers one boolean for the
 * whole array, `check` answers per batch element.
 * @example
 * zeroSum(1).check([[1, -1], [1, 1]]).toArray(); // → [true, false]
 */
export class ZeroSum extends Constraint {
  readonly name: string;
  override readonly eventDim: number;
  constructor(eventDim = 1) {
    super();
    this.eventDim = eventDim;
    this.name = `zeroSum(${eventDim})`;
  }
  check(x: TensorLike): Tensor {
    const t = asTensor(x);
    const nd = t.shape.length;
    const tol = EPS * (t.shape[nd - 1] ?? 1) * 10;
    // an event is inside when, for every zero-sum axis, all its sums along that axis are within tol:
    // sum over the remaining event axes of the count of violations must be 0
    const eventAxes = Array.from({ length: this.eventDim }, (_, i) => -1 - i);
    let bad: Tensor = asTensor(0);
    for (let k = 1; k <= this.eventDim; k++) {
      bad = add(bad, sum(toFloat(lt(tol, abs(sum(t, -k, true)))), eventAxes));
    }
    return le(bad, 0);
  }
}

/**
 * The zero-sum constraint over the rightmost `eventDim` axes.
 * @example
 * zeroSum().eventDim; // → 1
 */
export const zeroSum = (eventDim = 1): ZeroSum => new ZeroSum(eventDim);
