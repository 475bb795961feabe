import { checkNumber } from "./internal/check.js";
import { GradientOptimizer } from "./optimizer.js";
import type { StepSize } from "./schedules.js";

/** Options of {@link Adam} (NumPyro/JAX names and defaults). */
export interface AdamOptions {
  /** Decay of the first-moment estimate, in [0, 1); default 0.9. */
  b1?: number;
  /** Decay of the second-moment estimate, in [0, 1); default 0.999. */
  b2?: number;
  /** Added to √v̂ in the denominator, ≥ 0; default 1e-8. */
  eps?: number;
}

function checkAdam(where: string, o: AdamOptions): { b1: number; b2: number; eps: number } {
  return {
    b1: checkNumber(where, "options.b1", o.b1 ?? 0.9, { min: 0, max: 1, maxExclusive: true }),
    b2: checkNumber(where, "options.b2", o.b2 ?? 0.999, { min: 0, max: 1, maxExclusive: true }),
    eps: checkNumber(where, "options.eps", o.eps ?? 1e-8, { min: 0 }),
  };
}

/** Shared fields and validation of {@link Adam}, {@link ClippedAdam} and {@link AdamW} (not exported). */
abstract class AdamBase extends GradientOptimizer<"m" | "v"> {
  readonly slotNames = ["m", "v"] as const;
  /** First-moment decay. */
  readonly b1: number;
  /** Second-moment decay. */
  readonly b2: number;
  /** Denominator epsilon. */
  readonly eps: number;

  protected constructor(stepSize: StepSize, options: AdamOptions, where: string) {
    super(stepSize, where);
    const { b1, b2, eps } = checkAdam(where, options);
    this.b1 = b1;
    this.b2 = b2;
    this.eps = eps;
  }
}

/**
 * Adam (Kingma & Ba 2015; NumPyro `Adam`, JAX `optimizers.adam`). At 0-based step `i`:
 * `m ← (1−b1)g + b1·m`, `v ← (1−b2)g² + b2·v`, `m̂ = m/(1−b1^(i+1))`, `v̂ = v/(1−b2^(i+1))`,
 * `x ← x − lr(i)·m̂/(√v̂ + eps)`. Slots: `m`, `v`.
 * @see https://arxiv.org/abs/1412.6980
 * @example
 * const opt = new Adam(0.1);
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(5), opt.init(x), x);
 * x[0].toFixed(6); // → "0.900000"
 */
export class Adam extends AdamBase {
  readonly name = "Adam";

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link AdamOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments (e.g. b1 ∉ [0, 1)).
   */
  constructor(stepSize: StepSize, options: AdamOptions = {}) {
    super(stepSize, options, "Adam");
  }

  protected apply(
    lr: number,
    i: number,
    g: Float64Array,
    slots: Record<"m" | "v", Float64Array>,
    x: Float64Array,
  ): void {
    adamStep(lr, i, g, slots.m, slots.v, x, this.b1, this.b2, this.eps, 0, Number.POSITIVE_INFINITY);
  }
}

/**
 * One Adam step in place; gradients are clipped to [−clip, clip] first and `wd·x` (decoupled weight decay,
 * computed from the pre-update x) is added to the Adam direction.
 */
function adamStep(
  lr: number,
  i: number,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  x: Float64Array,
  b1: number,
  b2: number,
  eps: number,
  wd: number,
  clip: number,
): void {
  const c1 = 1 - b1 ** (i + 1);
  const c2 = 1 - b2 ** (i + 1);
  for (let j = 0; j < x.length; j++) {
    let gj = g[j];
    if (gj > clip) gj = clip;
    else if (gj < -clip) gj = -clip;
    const mj = (1 - b1) * gj + b1 * m[j];
    const vj = (1 - b2) * (gj * gj) + b2 * v[j];
    m[j] = mj;
    v[j] = vj;
    const u = mj / c1 / (Math.sqrt(vj / c2) + eps);
    x[j] = wd === 0 ? x[j] - lr * u : x[j] - lr * (u + wd * x[j]);
  }
}

/** Options of {@link ClippedAdam}. */
export interface ClippedAdamOptions extends AdamOptions {
  /** Every gradient entry is clipped to [−clipNorm, clipNorm] before the Adam step; > 0, default 10. */
  clipNorm?: number;
  /**
   * Learning-rate decay factor per step, in (0, 1]: the step size at step `i` is `stepSize(i)·lrd^i`
   * (NumPyro's `compat` ClippedAdam, Pyro's `lrd`). Default 1 (no decay).
   */
  lrd?: number;
}

/**
 * Adam with element-wise gradient clipping (NumPyro `ClippedAdam`): `g ← clip(g, −clipNorm, clipNorm)`,
 * then the {@link Adam} step with step size `stepSize(i)·lrd^i`. Slots: `m`, `v`.
 * @example
 * const opt = new ClippedAdam(0.1, { clipNorm: 1 });
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(1e6), opt.init(x), x);
 * x[0].toFixed(6); // → "0.900000"
 */
export class ClippedAdam extends AdamBase {
  readonly name = "ClippedAdam";
  /** Element-wise clipping bound. */
  readonly clipNorm: number;
  /** Per-step learning-rate decay factor. */
  readonly lrd: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link ClippedAdamOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: ClippedAdamOptions = {}) {
    super(stepSize, options, "ClippedAdam");
    this.clipNorm = checkNumber("ClippedAdam", "options.clipNorm", options.clipNorm ?? 10, {
      min: 0,
      minExclusive: true,
    });
    this.lrd = checkNumber("ClippedAdam", "options.lrd", options.lrd ?? 1, {
      min: 0,
      max: 1,
      minExclusive: true,
    });
  }

  protected apply(
    lr: number,
    i: number,
    g: Float64Array,
    slots: Record<"m" | "v", Float64Array>,
    x: Float64Array,
  ): void {
    const rate = this.lrd === 1 ? lr : lr * this.lrd ** i;
    adamStep(rate, i, g, slots.m, slots.v, x, this.b1, this.b2, this.eps, 0, this.clipNorm);
  }
}

/** Options of {@link AdamW}. */
export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight-decay coefficient, ≥ 0; default 1e-4 (optax `adamw`). */
  weightDecay?: number;
}

/**
 * AdamW, Adam with decoupled weight decay (Loshchilov & Hutter 2019; optax `adamw` with `eps_root = 0`):
 * the {@link Adam} moments and bias corrections, then `x ← x − lr(i)·(m̂/(√v̂ + eps) + weightDecay·x)`.
 * NumPyro has no AdamW of its own (it is reached through `optax_to_numpyro`). Slots: `m`, `v`.
 * @see https://arxiv.org/abs/1711.05101
 * @example
 * const opt = new AdamW(0.1, { weightDecay: 0.5 });
 * const x = Float64Array.of(1);
 * opt.update(Float64Array.of(0), opt.init(x), x);
 * x[0]; // → 0.95
 */
export class AdamW extends AdamBase {
  readonly name = "AdamW";
  /** Decoupled weight-decay coefficient. */
  readonly weightDecay: number;

  /**
   * @param stepSize - learning rate ≥ 0 or a schedule.
   * @param options - {@link AdamWOptions}.
   * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
   */
  constructor(stepSize: StepSize, options: AdamWOptions = {}) {
    super(stepSize, options, "AdamW");
    this.weightDecay = checkNumber("AdamW", "options.weightDecay", options.weightDecay ?? 1e-4, { min: 0 });
  }

  protected apply(
    lr: number,
    i: number,
    g: Float64Array,
    slots: Record<"m" | "v", Float64Array>,
    x: Float64Array,
  ): void {
    adamStep(
      lr,
      i,
      g,
      slots.m,
      slots.v,
      x,
      this.b1,
      this.b2,
      this.eps,
      this.weightDecay,
      Number.POSITIVE_INFINITY,
    );
  }
}
