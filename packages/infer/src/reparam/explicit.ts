import { ComposeTransform, type Transform, TransformedDistribution } from "@phlox/distributions";
import { type Reparam, type ReparamResult, sample } from "@phlox/handlers";
import { type Distribution, PhloxError, type Tensor } from "../internal/ops.js";

/**
 * Moves a latent site into a transformed space y = T(x) with better geometry, without changing how the
 * model declares it (NumPyro's `ExplicitReparam`): the site `x ~ D` becomes `<name>_base ~
 * TransformedDistribution(D, T)` (so its density includes T's Jacobian) and the deterministic
 * `x = T⁻¹(<name>_base)`. Unlike `TransformReparam`, D need not be written as a transformed
 * distribution.
 * @example
 * // sample a Gamma site on log scale with softplus instead of exp
 * const m = () => sample("x", new Gamma(4, 4));
 * const rp = reparam(m, { x: new ExplicitReparam(new SoftplusTransform().inv) });
 * initializeModel(0, rp, []).layout[0].name; // → "x_base"
 */
export class ExplicitReparam implements Reparam {
  /** The bijection T to the reparameterised space (several compose, first applied first). */
  readonly transform: Transform;

  /**
   * @param transform - a bijective transform T, or a list of transforms composed in order.
   * @throws PhloxError (`reparam-bad-transform`) for an empty list.
   */
  constructor(transform: Transform | readonly Transform[]) {
    if (Array.isArray(transform)) {
      if (transform.length === 0) {
        throw new PhloxError("reparam-bad-transform", "ExplicitReparam: the list of transforms is empty.");
      }
      this.transform = new ComposeTransform(transform as readonly Transform[]);
    } else this.transform = transform as Transform;
  }

  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult {
    if (obs !== null) {
      throw new PhloxError(
        "reparam-observed",
        `ExplicitReparam at site "${name}": observed sites cannot be reparameterised.`,
      );
    }
    const y = sample(`${name}_base`, new TransformedDistribution(fn, this.transform));
    return { fn: null, value: this.transform.inverse(y) };
  }
}
