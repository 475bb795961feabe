import { checkNumber } from "./internal/check.js";
import { GradientOptimizer } from "./optimizer.js";
import type { StepSize } from "./schedules.js";

/** Options of {@link Adagrad} and {@link SM3}. */
export interface AdagradOptions {
  /** Momentum coefficient on the normalised gradient, in [0, 1); default 0.9 (as JAX). */
  momentum?: number;
}

/**
 * Shared step of Adagrad and 1-D SM3: `acc ← acc + g²`, `m ← (1−μ)·g/√acc + μ·m` (with `g/√acc := 0`
 * where `acc = 0`), `x ← x − lr·m`.
 */
function accumulatedStep(
  lr: number,
  mu: number,
  g: Float64Array,
  acc: Float64Array,
  m: Float64Array,
  x: Float64Array,
): void {
  for (let j = 0; j < x.length; j++) {
    const gj = g[j];
    const aj = acc[j] + gj * gj;
    acc[j] = aj;
    const scaled = aj > 0 ? gj * (1 / Math.sqrt(aj)) : 0;
    const mj = (1 - mu) * scaled + mu * m[j];
    m[j] = mj;
    x[j] = x[j] - lr * mj;
  }
}

/**
 * Adagrad with momentum (Duchi et al. 2011; NumPyro `Adagrad`, JAX `optimizers.adagrad`):
 * `gSq ← gSq + g²`, `m ← (1−momentum)·g/√gSq + momentum·m`, `x ← x − lr·m`. Slots: `gSq`, `m`.
 * @see http://www.jmlr.org/papers/volume12/duchi11a/duchi11a.pdf
 * @example
 * const opt = new Adagrad(0.1, { momentum: 0 });
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(3), opt.init(x), x);
 * x[0]; // → 0.9
 */
export class Adagrad extends GradientOptimizer<"gSq" | "m"> {
  readonly name = "Adagrad";
  readonly slotNames = ["gSq", "m"] as const;
  /** Momentum coefficient. */
  readonly momentum: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link AdagradOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: AdagradOptions = {}) {
    super(stepSize, "Adagrad");
    this.momentum = checkNumber("Adagrad", "options.momentum", options.momentum ?? 0.9, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
  }

  protected apply(
    lr: number,
    _i: number,
    g: Float64Array,
    slots: Record<"gSq" | "m", Float64Array>,
    x: Float64Array,
  ): void {
    accumulatedStep(lr, this.momentum, g, slots.gSq, slots.m, x);
  }
}

/**
 * SM3 (Anil et al. 2019; NumPyro `SM3`, JAX `optimizers.sm3`) for one flat parameter vector. SM3 keeps one
 * accumulator per axis and takes the minimum over axes; a 1-D vector has one axis whose cover sets are
 * single coordinates, so the accumulator `v` is per coordinate: `v ← v + g²`,
 * `m ← (1−momentum)·g/√v + momentum·m`, `x ← x − lr·m` — numerically the same update as {@link Adagrad}
 * (as in JAX on a 1-D array). Slots: `v`, `m`.
 * @see https://arxiv.org/abs/1901.11150
 * @example
 * const opt = new SM3(0.1, { momentum: 0 });
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(-2), opt.init(x), x);
 * x[0]; // → 1.1
 */
export class SM3 extends GradientOptimizer<"v" | "m"> {
  readonly name = "SM3";
  readonly slotNames = ["v", "m"] as const;
  /** Momentum coefficient. */
  readonly momentum: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link AdagradOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: AdagradOptions = {}) {
    super(stepSize, "SM3");
    this.momentum = checkNumber("SM3", "options.momentum", options.momentum ?? 0.9, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
  }

  protected apply(
    lr: number,
    _i: number,
    g: Float64Array,
    slots: Record<"v" | "m", Float64Array>,
    x: Float64Array,
  ): void {
    accumulatedStep(lr, this.momentum, g, slots.v, slots.m, x);
  }
}
