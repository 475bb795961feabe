import { type Reparam, type ReparamResult, sample } from "@phlox/handlers";
import { type Distribution, isTransformed, PhloxError, type Tensor } from "../internal/ops.js";
import { unwrap, wrap } from "./unwrap.js";

/**
 * Samples a `TransformedDistribution` site through its base distribution (NumPyro's `TransformReparam`):
 * `x_base ~ base`, and the site becomes the deterministic `x = transforms(x_base)`.
 * @example
 * const m = () => sample("x", new TransformedDistribution(new Normal(0, 1), new ExpTransform()));
 * initializeModel(0, reparam(m, { x: new TransformReparam() }), []).layout[0].name; // → "x_base"
 */
export class TransformReparam implements Reparam {
  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult {
    if (obs !== null) {
      throw new PhloxError(
        "reparam-observed",
        `TransformReparam at site "${name}": observed sites cannot be reparameterised.`,
      );
    }
    const { base, expandShape, eventDim } = unwrap(fn);
    if (!isTransformed(base)) {
      throw new PhloxError(
        "reparam-not-transformed",
        `TransformReparam at site "${name}": expected a TransformedDistribution, got ${base.constructor.name}. ` +
          `Write the site as new TransformedDistribution(base, [transforms]).`,
      );
    }
    let baseEventDim = eventDim;
    const transforms = base.transforms;
    for (let i = transforms.length - 1; i >= 0; i--) {
      baseEventDim += transforms[i].domain.eventDim - transforms[i].codomain.eventDim;
    }
    let x = sample(`${name}_base`, wrap(base.baseDist, expandShape, baseEventDim));
    for (const t of transforms) x = t.forward(x);
    return { fn: null, value: x };
  }
}
