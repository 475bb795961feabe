import { type Constraint, Distribution } from "@phlox/distributions";
import { HandlerError } from "../internal/errors.js";
import type { Key, Tensor, TensorLike } from "../internal/ops.js";

/**
 * The distribution of a site re-emitted by a model-level scan (or cond): a time axis of `length` in front
 * of the step distribution's batch shape (none for cond), with the log density computed inside the loop body, step by step, for
 * the values the body used. It scores exactly those values (`logProb(value)` of the site's own value);
 * it cannot be redrawn outside its scan.
 */
export class ScannedDistribution extends Distribution {
  /** The step distribution inside the body (its shapes and support; its parameters are per step). */
  readonly step: Distribution;
  /** Stacked values `[length, ...]`. */
  readonly value: Tensor;
  /** Stacked log densities `[length, ...stepBatch]`. */
  readonly stepLogProb: Tensor;
  readonly siteName: string;

  constructor(
    siteName: string,
    step: Distribution,
    length: number | null,
    value: Tensor,
    logProb: Tensor,
    stepSampleShape: readonly number[] = [],
  ) {
    super([...(length === null ? [] : [length]), ...stepSampleShape, ...step.batchShape], step.eventShape, {
      validateArgs: false,
    });
    this.siteName = siteName;
    this.step = step;
    this.value = value;
    this.stepLogProb = logProb;
  }

  override get support(): Constraint {
    return this.step.support;
  }

  override get hasEnumerateSupport(): boolean {
    return this.step.hasEnumerateSupport;
  }

  override get hasRsample(): boolean {
    return false;
  }

  override sample(_key: Key, _sampleShape: readonly number[] = []): Tensor {
    throw new HandlerError(
      "scanned-site-sample",
      `site "${this.siteName}" was drawn inside a scan; it cannot be redrawn outside it. Run the model again ` +
        "(under seed) to get new draws.",
    );
  }

  override logProb(value: TensorLike): Tensor {
    if (value !== this.value)
      throw new HandlerError(
        "scanned-site-value",
        `site "${this.siteName}" comes from a scan, whose body scored the values it used at each step; ` +
          "score other values by running the model under substitute/condition with them (the scan passes " +
          "them into its body).",
      );
    return this.stepLogProb;
  }
}
