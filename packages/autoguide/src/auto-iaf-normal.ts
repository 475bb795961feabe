import { ConstraintError, PhloxError } from "@phlox/tensor";
import { AutoContinuous } from "./auto-continuous.js";
import type { AutoGuideOptions } from "./auto-guide-types.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";
import { IafFamily } from "./internal/iaf-family.js";

/** Options of {@link AutoIAFNormal}. */
export interface AutoIAFNormalOptions extends AutoGuideOptions {
  /** Number of IAF flows (default 3). */
  numFlows?: number;
  /** Hidden layer widths of each flow's MADE network (default `[D, D]`). */
  hiddenDims?: readonly number[];
}

/**
 * A standard Normal pushed through inverse autoregressive flows (NumPyro's `AutoIAFNormal`; Kingma et al.
 * 2016): each flow is x ↦ exp(ℓ(x)) ⊙ x + μ(x) with (μ, ℓ) from a masked autoregressive network with ELU
 * units, and the coordinates are reversed between flows; the networks' masks are NumPyro's (hidden degrees
 * round(linspace(1, D − 1, h)), bit for bit as NumPyro rounds them with `jax_enable_x64`; in NumPyro's default
 * float32, 315 of 4680 layer sizes round differently). Parameters `<prefix>_arn__<flow>_W<layer>` (shape
 * [out, in], the transpose of NumPyro's `MaskedDense` weight inside `<prefix>_arn__<flow>$params`; masked
 * entries are ignored) and
 * `_b<layer>`. Needs at least 2 latent dimensions (use AutoDiagonalNormal for 1). `median` is the image of
 * ε = 0 and `quantiles` are Monte Carlo estimates (4000 draws). Parameters fitted by an earlier version, whose
 * masks connected other units, mean a different flow and must be refit.
 * @example
 * const guide = new AutoIAFNormal(model, { numFlows: 2, hiddenDims: [8, 8] });
 */
export class AutoIAFNormal extends AutoContinuous {
  readonly numFlows: number;
  readonly hiddenDims: readonly number[] | undefined;
  /**
   * @param model - a model function or a `PotentialModel`.
   * @param options - `prefix`, `initLocFn`, `numFlows`, `hiddenDims`.
   * @throws ConstraintError (a PhloxError) for a non-positive `numFlows` or hidden width.
   */
  constructor(model: unknown, options: AutoIAFNormalOptions = {}) {
    super(model, options);
    const nf = options.numFlows ?? 3;
    if (!Number.isInteger(nf) || nf < 1)
      throw new ConstraintError(
        "autoguide-num-flows",
        `AutoIAFNormal: numFlows must be a positive integer, got ${nf}.`,
      );
    for (const h of options.hiddenDims ?? []) {
      if (!Number.isInteger(h) || h < 1)
        throw new ConstraintError(
          "autoguide-hidden-dims",
          `AutoIAFNormal: hidden widths must be positive integers, got ${h}.`,
        );
    }
    this.numFlows = nf;
    this.hiddenDims = options.hiddenDims;
  }
  protected makeFamily(dim: number): LatentFamily {
    if (dim < 2)
      throw new PhloxError(
        "autoguide-dim-too-small",
        "AutoIAFNormal: the latent dimension is 1; use AutoDiagonalNormal instead.",
      );
    return new IafFamily(dim, this.numFlows, this.hiddenDims ?? [dim, dim]);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    return (family as IafFamily).specs(this.prefix);
  }
}
