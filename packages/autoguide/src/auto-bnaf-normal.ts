import { ConstraintError } from "@phlox/tensor";
import { AutoContinuous } from "./auto-continuous.js";
import type { AutoGuideOptions } from "./auto-guide-types.js";
import { BnafFamily } from "./internal/bnaf-family.js";
import type { LatentFamily, ParamSpec } from "./internal/family.js";

/** Options of {@link AutoBNAFNormal}. */
export interface AutoBNAFNormalOptions extends AutoGuideOptions {
  /** Number of BNAF flows (default 1). */
  numFlows?: number;
  /** Hidden block widths per layer, as multiples of the latent dimension (default `[8, 8]`). */
  hiddenFactors?: readonly number[];
}

/**
 * A standard Normal pushed through block neural autoregressive flows (NumPyro's `AutoBNAFNormal`; De Cao,
 * Titov & Aziz 2019): LeakyTanh between the layers and, on every flow but the last, a gated residual, as
 * NumPyro builds it. Parameters `<prefix>_arn__<flow>_W<l>`, `_ws<l>`, `_b<l>` (NumPyro's `(W, ws, b)` of each
 * `BlockMaskedDense`, same shapes) and `<prefix>_arn__<flow>_gate` (the `FanInResidualGated` parameter). Its forward pass is
 * `jit`-compiled and its gradient compiled by `@phlox/backend-js`, so it is much slower per step than the
 * Gaussian guides. `median` is the image of ε = 0 and `quantiles` are Monte Carlo estimates (2000 draws).
 *
 * Parameters fitted before the flow had LeakyTanh and the gated residual mean a different flow and must be
 * refit: params that give a flow's weights without its `_gate` are refused (PhloxError
 * `autoguide-missing-param`) by `samplePosterior`, `median`, `quantiles`, `getTransform` and as SVI's initial
 * parameters, where the gate would otherwise silently start at 0.
 * @example
 * const guide = new AutoBNAFNormal(model, { hiddenFactors: [4, 4] });
 */
export class AutoBNAFNormal extends AutoContinuous {
  readonly numFlows: number;
  readonly hiddenFactors: readonly number[];
  /**
   * @param model - a model function or a `PotentialModel`.
   * @param options - `prefix`, `initLocFn`, `numFlows`, `hiddenFactors`.
   * @throws ConstraintError (a PhloxError) for a non-positive `numFlows` or hidden factor.
   */
  constructor(model: unknown, options: AutoBNAFNormalOptions = {}) {
    super(model, options);
    const nf = options.numFlows ?? 1;
    if (!Number.isInteger(nf) || nf < 1)
      throw new ConstraintError(
        "autoguide-num-flows",
        `AutoBNAFNormal: numFlows must be a positive integer, got ${nf}.`,
      );
    const hf = options.hiddenFactors ?? [8, 8];
    for (const h of hf) {
      if (!Number.isInteger(h) || h < 1)
        throw new ConstraintError(
          "autoguide-hidden-dims",
          `AutoBNAFNormal: hidden factors must be positive integers, got ${h}.`,
        );
    }
    this.numFlows = nf;
    this.hiddenFactors = hf;
  }
  protected makeFamily(dim: number): LatentFamily {
    return new BnafFamily(dim, this.numFlows, this.hiddenFactors);
  }
  protected paramSpecs(family: LatentFamily): ParamSpec[] {
    return (family as BnafFamily).specs(this.prefix);
  }
}
