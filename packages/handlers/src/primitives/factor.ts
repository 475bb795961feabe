import { Unit } from "@phlox/distributions";
import { asTensor, type TensorLike, zeros } from "../internal/ops.js";
import { sample } from "./sample.js";

/**
 * Adds an arbitrary term to the model's log density (NumPyro's `factor`): an observed site of
 * the `Unit(logFactor)` distribution, marked `infer.isAuxiliary`.
 * @param name - the site name.
 * @param logFactor - the log-density term, possibly batched.
 * @example
 * trace(() => factor("prior", -1.5)).getTrace().get("prior")?.isObserved; // → true
 */
export function factor(name: string, logFactor: TensorLike): void {
  const unit = new Unit(asTensor(logFactor));
  sample(name, unit, { obs: zeros(unit.shape()), infer: { isAuxiliary: true } });
}
