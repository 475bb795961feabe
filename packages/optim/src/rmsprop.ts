import { checkNumber } from "./internal/check.js";
import { GradientOptimizer } from "./optimizer.js";
import type { StepSize } from "./schedules.js";

/** Options of {@link RMSProp}. */
export interface RMSPropOptions {
  /** Decay of the running mean of g², in [0, 1); default 0.9. */
  gamma?: number;
  /** Added to the running mean inside the square root, ≥ 0; default 1e-8. */
  eps?: number;
}

/** Options of {@link RMSPropMomentum}. */
export interface RMSPropMomentumOptions extends RMSPropOptions {
  /** Momentum coefficient, in [0, 1); default 0.9. */
  momentum?: number;
}

/**
 * RMSProp (Tieleman & Hinton 2012; NumPyro `RMSProp`, JAX `optimizers.rmsprop`):
 * `avgSqGrad ← gamma·avgSqGrad + (1−gamma)g²`, `x ← x − lr·g/√(avgSqGrad + eps)`. Slot: `avgSqGrad`.
 * @example
 * const opt = new RMSProp(0.1, { gamma: 0, eps: 0 });
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(-4), opt.init(x), x);
 * x[0]; // → 1.1
 */
export class RMSProp extends GradientOptimizer<"avgSqGrad"> {
  readonly name = "RMSProp";
  readonly slotNames = ["avgSqGrad"] as const;
  /** Decay of the running mean of g². */
  readonly gamma: number;
  /** Epsilon inside the square root. */
  readonly eps: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link RMSPropOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: RMSPropOptions = {}) {
    super(stepSize, "RMSProp");
    this.gamma = checkNumber("RMSProp", "options.gamma", options.gamma ?? 0.9, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
    this.eps = checkNumber("RMSProp", "options.eps", options.eps ?? 1e-8, { min: 0 });
  }

  protected apply(
    lr: number,
    _i: number,
    g: Float64Array,
    slots: Record<"avgSqGrad", Float64Array>,
    x: Float64Array,
  ): void {
    const a = slots.avgSqGrad;
    const { gamma, eps } = this;
    for (let j = 0; j < x.length; j++) {
      const gj = g[j];
      const aj = a[j] * gamma + gj * gj * (1 - gamma);
      a[j] = aj;
      x[j] = x[j] - (lr * gj) / Math.sqrt(aj + eps);
    }
  }
}

/**
 * RMSProp with momentum (NumPyro `RMSPropMomentum`, JAX `optimizers.rmsprop_momentum`):
 * `avgSqGrad ← gamma·avgSqGrad + (1−gamma)g²`, `mom ← momentum·mom + lr·g/√(avgSqGrad + eps)`,
 * `x ← x − mom`. Slots: `avgSqGrad`, `mom`.
 * @example
 * const opt = new RMSPropMomentum(0.1, { gamma: 0, eps: 0, momentum: 0.5 });
 * const x = Float64Array.of(1);
 * const s = opt.init(x);
 * opt.update(Float64Array.of(2), s, x);
 * opt.update(Float64Array.of(2), s, x);
 * s.slots.mom[0]; // → 0.15000000000000002
 */
export class RMSPropMomentum extends GradientOptimizer<"avgSqGrad" | "mom"> {
  readonly name = "RMSPropMomentum";
  readonly slotNames = ["avgSqGrad", "mom"] as const;
  /** Decay of the running mean of g². */
  readonly gamma: number;
  /** Epsilon inside the square root. */
  readonly eps: number;
  /** Momentum coefficient. */
  readonly momentum: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link RMSPropMomentumOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: RMSPropMomentumOptions = {}) {
    super(stepSize, "RMSPropMomentum");
    const w = "RMSPropMomentum";
    this.gamma = checkNumber(w, "options.gamma", options.gamma ?? 0.9, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
    this.eps = checkNumber(w, "options.eps", options.eps ?? 1e-8, { min: 0 });
    this.momentum = checkNumber(w, "options.momentum", options.momentum ?? 0.9, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
  }

  protected apply(
    lr: number,
    _i: number,
    g: Float64Array,
    slots: Record<"avgSqGrad" | "mom", Float64Array>,
    x: Float64Array,
  ): void {
    const { avgSqGrad: a, mom } = slots;
    const { gamma, eps, momentum } = this;
    for (let j = 0; j < x.length; j++) {
      const gj = g[j];
      const aj = a[j] * gamma + gj * gj * (1 - gamma);
      a[j] = aj;
      const mj = momentum * mom[j] + (lr * gj) / Math.sqrt(aj + eps);
      mom[j] = mj;
      x[j] = x[j] - mj;
    }
  }
}
