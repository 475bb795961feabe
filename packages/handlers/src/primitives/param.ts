import type { Tensor } from "@phlox/tensor";
import { HandlerError } from "../internal/errors.js";
import { Message, type ParamInit } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";
import { prngKey } from "./prng-key.js";

/** Options of {@link param}. */
export interface ParamOptions {
  /** The parameter's constraint (a `@phlox/distributions` constraint); default `real`. */
  constraint?: unknown;
  /**
   * Number of rightmost event dimensions; the dimensions to their left are batch dimensions
   * that enclosing subsampled plates subsample. Unset means all dimensions are event dimensions.
   */
  eventDim?: number;
}

/**
 * Declares an optimisable parameter (NumPyro's `param`). With no handler active it returns the
 * initial value; under `substitute` (as SVI uses it) it returns the current value.
 * @param name - the site name.
 * @param init - the initial value, or `(key) => value` (needs an enclosing `seed`).
 * @param options - `constraint`, `eventDim`.
 * @returns the parameter's value.
 * @throws HandlerError when `init` is a function and no handler is active.
 * @example
 * param("w", tensor([1, 2])).shape; // → [2]
 */
export function param(name: string, init: ParamInit, options: ParamOptions = {}): Tensor {
  if (stackIsEmpty()) {
    if (typeof init === "function") {
      throw new HandlerError(
        "param-init-needs-seed",
        `param("${name}"): an initialiser function needs a PRNG key; run the model under seed(model, key(0)).`,
      );
    }
    return init;
  }
  const msg = new Message("param", name);
  msg.init = init;
  if (typeof init === "function") msg.key = prngKey();
  msg.constraint = options.constraint;
  msg.eventDim = options.eventDim ?? null;
  applyStack(msg);
  return msg.value as Tensor;
}
