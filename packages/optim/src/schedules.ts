import { OptimError } from "./errors.js";
import { checkNumber } from "./internal/check.js";

/**
 * A learning-rate schedule: maps the 0-based update index `step` (the number of updates already applied,
 * as in `jax.example_libraries.optimizers`) to a non-negative step size.
 */
export type Schedule = (step: number) => number;

/** A constant step size or a {@link Schedule}. Every optimizer takes one as its first argument. */
export type StepSize = number | Schedule;

/**
 * Turns a number or schedule into a schedule, validating a constant at once.
 * @param stepSize - a non-negative finite number or a schedule.
 * @param where - the caller, for error messages.
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` for a negative or non-finite constant, or a non-function.
 * @example
 * makeSchedule(0.1)(100); // → 0.1
 */
export function makeSchedule(stepSize: StepSize, where = "makeSchedule"): Schedule {
  if (typeof stepSize === "function") return stepSize;
  if (typeof stepSize !== "number") {
    throw new OptimError(
      "optim-bad-hyperparameter",
      `${where}: stepSize must be a number or a function (step) => number, got ${typeof stepSize}.`,
    );
  }
  const c = checkNumber(where, "stepSize", stepSize, { min: 0 });
  return constant(c);
}

/**
 * The constant schedule: `step ↦ value`.
 * @param value - non-negative finite step size.
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` if `value` is negative or not finite.
 * @example
 * constant(0.01)(5); // → 0.01
 */
export function constant(value: number): Schedule {
  const v = checkNumber("constant", "value", value, { min: 0 });
  return () => v;
}

/**
 * Exponential decay, `stepSize · decayRate^(step / decaySteps)` (JAX `exponential_decay`); with
 * `staircase` the exponent is `floor(step / decaySteps)`.
 * @param stepSize - initial step size, ≥ 0.
 * @param decaySteps - steps per factor of `decayRate`, > 0.
 * @param decayRate - factor per `decaySteps`, > 0.
 * @param staircase - decay in discrete jumps (default false).
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
 * @example
 * exponentialDecay(1, 10, 0.5)(20); // → 0.25
 */
export function exponentialDecay(
  stepSize: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): Schedule {
  const where = "exponentialDecay";
  const s = checkNumber(where, "stepSize", stepSize, { min: 0 });
  const d = checkNumber(where, "decaySteps", decaySteps, { min: 0, minExclusive: true });
  const r = checkNumber(where, "decayRate", decayRate, { min: 0, minExclusive: true });
  return staircase ? (i) => s * r ** Math.floor(i / d) : (i) => s * r ** (i / d);
}

/**
 * Inverse-time decay, `stepSize / (1 + decayRate · step / decaySteps)` (JAX `inverse_time_decay`); with
 * `staircase`, `step / decaySteps` is floored.
 * @param stepSize - initial step size, ≥ 0.
 * @param decaySteps - > 0.
 * @param decayRate - ≥ 0.
 * @param staircase - default false.
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
 * @example
 * inverseTimeDecay(1, 10, 1)(10); // → 0.5
 */
export function inverseTimeDecay(
  stepSize: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): Schedule {
  const where = "inverseTimeDecay";
  const s = checkNumber(where, "stepSize", stepSize, { min: 0 });
  const d = checkNumber(where, "decaySteps", decaySteps, { min: 0, minExclusive: true });
  const r = checkNumber(where, "decayRate", decayRate, { min: 0 });
  return staircase ? (i) => s / (1 + r * Math.floor(i / d)) : (i) => s / (1 + (r * i) / d);
}

/**
 * Polynomial decay from `stepSize` to `finalStepSize` over `decaySteps` steps, constant afterwards
 * (JAX `polynomial_decay`): `(1 − min(step, decaySteps)/decaySteps)^power · (stepSize − finalStepSize) +
 * finalStepSize`.
 * @param stepSize - initial step size, ≥ 0.
 * @param decaySteps - > 0.
 * @param finalStepSize - ≥ 0.
 * @param power - > 0 (default 1, linear).
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
 * @example
 * polynomialDecay(1, 10, 0)(5); // → 0.5
 */
export function polynomialDecay(
  stepSize: number,
  decaySteps: number,
  finalStepSize: number,
  power = 1,
): Schedule {
  const where = "polynomialDecay";
  const s = checkNumber(where, "stepSize", stepSize, { min: 0 });
  const d = checkNumber(where, "decaySteps", decaySteps, { min: 0, minExclusive: true });
  const f = checkNumber(where, "finalStepSize", finalStepSize, { min: 0 });
  const p = checkNumber(where, "power", power, { min: 0, minExclusive: true });
  return (i) => (1 - Math.min(i, d) / d) ** p * (s - f) + f;
}

/**
 * Piecewise-constant schedule (JAX `piecewise_constant`): `values[k]` where `k` counts the boundaries
 * strictly below `step`, so `values[0]` holds for `step ≤ boundaries[0]`.
 * @param boundaries - increasing step indices, length `n`.
 * @param values - non-negative step sizes, length `n + 1`.
 * @returns a schedule.
 * @throws OptimError `optim-bad-schedule` if the lengths do not match or boundaries decrease;
 *   `optim-bad-hyperparameter` for a negative value.
 * @example
 * const s = piecewiseConstant([10, 20], [1, 0.1, 0.01]);
 * [s(10), s(11), s(25)]; // → [1, 0.1, 0.01]
 */
export function piecewiseConstant(boundaries: readonly number[], values: readonly number[]): Schedule {
  const where = "piecewiseConstant";
  if (values.length !== boundaries.length + 1) {
    throw new OptimError(
      "optim-bad-schedule",
      `${where}: values must have one more entry than boundaries, got ${values.length} values and ` +
        `${boundaries.length} boundaries.`,
    );
  }
  const b = Float64Array.from(boundaries, (x, k) => checkNumber(where, `boundaries[${k}]`, x, {}));
  const v = Float64Array.from(values, (x, k) => checkNumber(where, `values[${k}]`, x, { min: 0 }));
  for (let k = 1; k < b.length; k++) {
    if (b[k] < b[k - 1]) {
      throw new OptimError(
        "optim-bad-schedule",
        `${where}: boundaries must be non-decreasing, but boundaries[${k}] = ${b[k]} < boundaries[${k - 1}] = ${b[k - 1]}.`,
      );
    }
  }
  return (i) => {
    let k = 0;
    while (k < b.length && i > b[k]) k++;
    return v[k];
  };
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** Final value as a fraction of `peakValue` (optax `alpha`), in [0, 1]; default 0. */
  alpha?: number;
  /** Exponent applied to the cosine factor (optax `exponent`), > 0; default 1. */
  exponent?: number;
  /** Number of linear warm-up steps before the cosine starts; default 0 (no warm-up). */
  warmupSteps?: number;
  /** Step size at step 0 when warming up; default 0. */
  warmupInit?: number;
}

/**
 * Cosine decay with optional linear warm-up (optax `cosine_decay_schedule` /
 * `warmup_cosine_decay_schedule`, parameterised by `alpha`). With `w = warmupSteps`:
 * - `step < w`: `warmupInit + (peakValue − warmupInit) · step / w`;
 * - otherwise, with `t = min(step − w, decaySteps − w) / (decaySteps − w)`:
 *   `peakValue · ((1 − alpha) · (½(1 + cos πt))^exponent + alpha)`.
 *
 * `decaySteps` counts the warm-up steps too (as in optax), so the schedule reaches `alpha · peakValue` at
 * `step = decaySteps` and stays there.
 * @param peakValue - step size at the end of warm-up (or at step 0 without warm-up), ≥ 0.
 * @param decaySteps - total length (warm-up included), > warmupSteps.
 * @param options - {@link CosineDecayOptions}.
 * @returns a schedule.
 * @throws OptimError `optim-bad-hyperparameter` for out-of-range arguments.
 * @example
 * const s = cosineDecay(1, 100, { warmupSteps: 10 });
 * [s(0), s(5), s(10), s(100)]; // → [0, 0.5, 1, 0]
 */
export function cosineDecay(
  peakValue: number,
  decaySteps: number,
  options: CosineDecayOptions = {},
): Schedule {
  const where = "cosineDecay";
  const peak = checkNumber(where, "peakValue", peakValue, { min: 0 });
  const n = checkNumber(where, "decaySteps", decaySteps, { min: 0, minExclusive: true });
  const alpha = checkNumber(where, "options.alpha", options.alpha ?? 0, { min: 0, max: 1 });
  const p = checkNumber(where, "options.exponent", options.exponent ?? 1, { min: 0, minExclusive: true });
  const w = checkNumber(where, "options.warmupSteps", options.warmupSteps ?? 0, {
    min: 0,
    max: n,
    maxExclusive: true,
  });
  const init = checkNumber(where, "options.warmupInit", options.warmupInit ?? 0, { min: 0 });
  const span = n - w;
  return (i) => {
    if (i < w) return init + ((peak - init) * i) / w;
    const t = Math.min(i - w, span) / span;
    return peak * ((1 - alpha) * (0.5 * (1 + Math.cos(Math.PI * t))) ** p + alpha);
  };
}
