import type { Distribution } from "../internal/ops.js";
import { unwrapOnce } from "../internal/ops.js";

/** A distribution with its `Independent`/`Expanded` wrappers removed, and what is needed to put them back. */
export interface Unwrapped {
  base: Distribution;
  /** `fn.shape()` without the base's event dimensions: the batch shape to expand the base to. */
  expandShape: number[];
  /** The original event dimension count. */
  eventDim: number;
}

/** Looks through `Independent` and `ExpandedDistribution` (NumPyro's `Reparam._unwrap`). */
export function unwrap(fn: Distribution): Unwrapped {
  const shape = [...fn.batchShape, ...fn.eventShape];
  const eventDim = fn.eventShape.length;
  let base = fn;
  for (let next = unwrapOnce(base); next !== null; next = unwrapOnce(base)) base = next;
  return { base, expandShape: shape.slice(0, shape.length - base.eventShape.length), eventDim };
}

/** Puts the wrappers back (NumPyro's `Reparam._wrap`): expand to `expandShape`, then `toEvent` up to `eventDim`. */
export function wrap(fn: Distribution, expandShape: readonly number[], eventDim: number): Distribution {
  let d = fn;
  const same =
    d.batchShape.length === expandShape.length && d.batchShape.every((x, i) => x === expandShape[i]);
  if (!same) d = d.expand(expandShape);
  if (d.eventShape.length < eventDim) d = d.toEvent(eventDim - d.eventShape.length);
  return d;
}
