/** Shared pieces of the censored-outcome wrappers (LeftCensored, RightCensored, IntervalCensored). */
import { Distribution } from "../distribution.js";
import {
  asTensor,
  broadcastTo,
  FLOAT64_EPS,
  FLOAT64_TINY,
  PhloxError,
  type Tensor,
  type TensorLike,
} from "./ops.js";
import { broadcastShapes } from "./shape.js";

/** Smallest clip value NumPyro uses for F before a log: 100 × the smallest normal float64. */
export const CDF_MIN = 100 * FLOAT64_TINY;
/** float64 machine epsilon. */
export const EPS = FLOAT64_EPS;

/**
 * Checks that `base` is a univariate distribution with a `cdf`, and broadcasts the censoring flags with its
 * batch shape.
 * @returns the batch shape and the flags broadcast to it.
 */
export function censoredSetup(
  where: string,
  base: Distribution,
  flags: readonly TensorLike[],
): { batchShape: number[]; flags: Tensor[] } {
  if (!(base instanceof Distribution)) {
    throw new PhloxError("distribution-censored", `${where}: the base distribution must be a Distribution.`);
  }
  if (base.eventDim !== 0) {
    throw new PhloxError(
      "distribution-censored",
      `${where}: the base distribution must be univariate, got ${base.name} with event shape ` +
        `[${base.eventShape.join(", ")}].`,
    );
  }
  if (base.cdf === Distribution.prototype.cdf) {
    throw new PhloxError(
      "distribution-censored",
      `${where}: ${base.name} has no cdf; censored likelihoods need the base distribution's cdf ` +
        "(use a base distribution that implements cdf).",
    );
  }
  const ts = flags.map((f) => asTensor(f));
  const batchShape = broadcastShapes(where, base.batchShape, ...ts.map((t) => t.shape));
  return { batchShape, flags: ts.map((t) => broadcastTo(t, batchShape)) };
}
