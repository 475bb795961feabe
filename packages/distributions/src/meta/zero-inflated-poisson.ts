import { type Constraint, unitInterval } from "../constraints/constraint.js";
import { Poisson } from "../discrete/poisson.js";
import type { DistributionOptions } from "../distribution.js";
import type { TensorLike } from "../internal/ops.js";
import { rejectUndefinedArgs } from "../internal/util.js";
import { ZeroInflatedDistribution } from "./zero-inflated-distribution.js";

/**
 * Zero-inflated Poisson(rate) with zero probability `gate`.
 * @example
 * new ZeroInflatedPoisson(0.25, 4).mean.item(); // → 3
 */
export class ZeroInflatedPoisson extends ZeroInflatedDistribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { gate: unitInterval };
  constructor(gate: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("ZeroInflatedPoisson", arguments, ["gate", "rate"]);
    super(new Poisson(rate, options), gate, options);
  }
}
