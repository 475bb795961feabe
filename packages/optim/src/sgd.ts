import { checkNumber } from "./internal/check.js";
import { GradientOptimizer } from "./optimizer.js";
import type { StepSize } from "./schedules.js";

/**
 * Plain stochastic gradient descent: `x ← x − lr·g` (NumPyro `SGD`, JAX `optimizers.sgd`). No slots.
 * @example
 * const opt = new SGD(0.1);
 * const x = Float64Array.of(1);
 * const s = opt.init(x);
 * opt.update(Float64Array.of(2), s, x);
 * x[0]; // → 0.8
 */
export class SGD extends GradientOptimizer<never> {
  readonly name = "SGD";
  readonly slotNames = [] as const;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @throws OptimError `optim-bad-hyperparameter` for a negative or non-finite step size.
   */
  constructor(stepSize: StepSize) {
    super(stepSize, "SGD");
  }

  protected apply(
    lr: number,
    _step: number,
    g: Float64Array,
    _slots: Record<never, Float64Array>,
    x: Float64Array,
  ): void {
    for (let j = 0; j < x.length; j++) x[j] = x[j] - lr * g[j];
  }
}

/**
 * Heavy-ball momentum (NumPyro `Momentum`, JAX `optimizers.momentum`):
 * `velocity ← mass·velocity + g`, `x ← x − lr·velocity`. Slot: `velocity`.
 * @example
 * const opt = new Momentum(0.1, 0.9);
 * const x = Float64Array.of(1);
 * const s = opt.init(x);
 * opt.update(Float64Array.of(1), s, x);
 * opt.update(Float64Array.of(1), s, x);
 * s.slots.velocity[0]; // → 1.9
 */
export class Momentum extends GradientOptimizer<"velocity"> {
  readonly name = "Momentum";
  readonly slotNames = ["velocity"] as const;
  /** Momentum coefficient in [0, 1). */
  readonly mass: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param mass - momentum coefficient in [0, 1) (required, as in NumPyro).
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, mass: number) {
    super(stepSize, "Momentum");
    this.mass = checkNumber("Momentum", "mass", mass, { min: 0, max: 1, maxExclusive: true });
  }

  protected apply(
    lr: number,
    _step: number,
    g: Float64Array,
    slots: Record<"velocity", Float64Array>,
    x: Float64Array,
  ): void {
    const v = slots.velocity;
    const mass = this.mass;
    for (let j = 0; j < x.length; j++) {
      const vj = mass * v[j] + g[j];
      v[j] = vj;
      x[j] = x[j] - lr * vj;
    }
  }
}
