import { Normal, ProjectedNormal } from "@phlox/distributions";
import { type Reparam, type ReparamResult, sample } from "@phlox/handlers";
import { abs, div, maximum, sqrt, square, sum, type Tensor, where, zeros } from "@phlox/tensor";
import { type Distribution, PhloxError } from "../internal/ops.js";
import { unwrap, wrap } from "./unwrap.js";

/** x/‖x‖ over the last axis, with the all-zero vector sent to (1/√d, …) (NumPyro's `safe_normalize`). */
function safeNormalize(x: Tensor): Tensor {
  const d = x.shape[x.shape.length - 1];
  const norm = sqrt(sum(square(x), -1, true));
  const y = div(x, maximum(norm, Number.MIN_VALUE));
  const isZero = sum(abs(y), -1, true).eq(0);
  return where(isZero, 1 / Math.sqrt(d), y);
}

/**
 * Reparameterises a {@link ProjectedNormal} latent site by its parameter-free noise (NumPyro's
 * `ProjectedNormalReparam`): `<name>_normal ~ Normal(0, 1)` over the concentration's shape, and the site
 * becomes the deterministic `x = safeNormalize(<name>_normal + concentration)`. The model's density is
 * then smooth in the noise, which HMC/NUTS and the autoguides need (a ProjectedNormal site has no
 * bijection to an unconstrained space).
 * @example
 * const m = () => sample("dir", new ProjectedNormal(tensor([1, 0, 0])));
 * initializeModel(0, reparam(m, { dir: new ProjectedNormalReparam() }), []).layout[0].name; // → "dir_normal"
 */
export class ProjectedNormalReparam implements Reparam {
  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult {
    if (obs !== null) {
      throw new PhloxError(
        "reparam-observed",
        `ProjectedNormalReparam at site "${name}": observed sites cannot be reparameterised.`,
      );
    }
    const { base, expandShape, eventDim } = unwrap(fn);
    if (!(base instanceof ProjectedNormal)) {
      throw new PhloxError(
        "reparam-not-projected-normal",
        `ProjectedNormalReparam at site "${name}": expected a ProjectedNormal, got ${base.constructor.name}.`,
      );
    }
    const c = base.concentration;
    const noise = wrap(new Normal(zeros(c.shape), 1).toEvent(1), expandShape, eventDim);
    const x = sample(`${name}_normal`, noise);
    return { fn: null, value: safeNormalize(x.add(c)) };
  }
}
