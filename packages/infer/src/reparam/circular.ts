import { factor, type Reparam, type ReparamResult, sample } from "@phlox/handlers";
import {
  add,
  baseSupport,
  circularConstraint,
  type Distribution,
  div,
  floor,
  improperUniform,
  mul,
  PhloxError,
  realConstraint,
  sub,
  type Tensor,
} from "../internal/ops.js";

/**
 * Samples a circular site (support [−π, π), e.g. `VonMises`) on the whole real line and wraps it (NumPyro's
 * `CircularReparam`): `x_unwrapped ~ ImproperUniform(real)`, `x = (x_unwrapped + π) mod 2π − π`, with the
 * site's density added by `factor("<name>_factor", fn.logProb(x))`. Removes the boundary HMC would hit.
 * @example
 * const m = () => sample("angle", new VonMises(0, 2));
 * initializeModel(0, reparam(m, { angle: new CircularReparam() }), []).layout[0].name; // → "angle_unwrapped"
 */
export class CircularReparam implements Reparam {
  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult {
    if (obs !== null) {
      throw new PhloxError(
        "reparam-observed",
        `CircularReparam at site "${name}": observed sites cannot be reparameterised.`,
      );
    }
    if (baseSupport(fn.support) !== circularConstraint) {
      throw new PhloxError(
        "reparam-support",
        `CircularReparam at site "${name}": the support must be circular, got ${String(fn.support)}.`,
      );
    }
    const unwrapped = sample(
      `${name}_unwrapped`,
      improperUniform(realConstraint, fn.batchShape, fn.eventShape),
    );
    const twoPi = 2 * Math.PI;
    const shifted = add(unwrapped, Math.PI);
    const value = sub(sub(shifted, mul(twoPi, floor(div(shifted, twoPi)))), Math.PI);
    factor(`${name}_factor`, fn.logProb(value));
    return { fn: null, value };
  }
}
