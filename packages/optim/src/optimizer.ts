import { OptimError } from "./errors.js";
import { checkLength } from "./internal/check.js";
import { makeSchedule, type Schedule, type StepSize } from "./schedules.js";

/**
 * The state of a gradient optimizer between updates: plain data, owned and mutated in place by
 * {@link Optimizer.update}, serialisable with {@link optStateToJSON}.
 *
 * - `optimizer` — the name of the optimizer that made it (`"Adam"`, …); `update` refuses another's state.
 * - `step` — number of updates applied so far; the next update uses schedule value `stepSize(step)` and
 *   (for Adam) bias corrections `1 − β^(step+1)`, exactly as `jax.example_libraries.optimizers`.
 * - `slots` — one Float64Array per accumulator, each the length of the parameters (Adam: `m`, `v`;
 *   Momentum: `velocity`; …); the slot names of each optimizer are listed in its documentation.
 *
 * The parameters themselves are not part of the state: the caller owns them (SVI keeps them next to it).
 */
export interface OptState<S extends string = string> {
  /** Name of the optimizer that created this state. */
  readonly optimizer: string;
  /** Number of updates applied so far (0 after `init`). */
  step: number;
  /** Per-coordinate accumulators, each of the parameters' length. */
  readonly slots: Record<S, Float64Array>;
}

/**
 * A gradient-based optimizer over one flat Float64Array of parameters, in the functional style of
 * NumPyro's `_NumPyroOptim` / optax: `init` makes a state, `update` applies one step. `update` writes
 * the new parameters into `params` and the new accumulators into `state` in place and allocates nothing,
 * so it can sit in an SVI loop.
 *
 * Third parties implement it directly; a complete example (plain gradient descent):
 * ```ts
 * const descent: Optimizer<never> = {
 *   name: "Descent",
 *   init: () => ({ optimizer: "Descent", step: 0, slots: {} }),
 *   update(grad, state, params) {
 *     for (let i = 0; i < params.length; i++) params[i] -= 0.1 * grad[i];
 *     state.step++;
 *   },
 * };
 * ```
 * Non-finite gradients are not checked by `update` (NaN would propagate into params and state); use
 * {@link stableUpdate} (or {@link allFinite} before `update`) to skip such steps, as NumPyro's
 * `SVI.stable_update` does.
 */
export interface Optimizer<S extends string = string> {
  /** Name stored in the states this optimizer makes, e.g. `"Adam"`. */
  readonly name: string;
  /**
   * Makes the initial state for parameters of this length (zeroed accumulators, step 0).
   * @param params - the initial parameters, length n; read for its length only, not kept.
   * @returns a fresh state.
   */
  init(params: Float64Array): OptState<S>;
  /**
   * Applies one update: reads `grad`, updates `state` (accumulators and `step`) and `params` in place.
   * @param grad - gradient of the loss at `params`, length n.
   * @param state - state from `init` (or a restored one), mutated.
   * @param params - parameters, length n, mutated.
   */
  update(grad: Float64Array, state: OptState<S>, params: Float64Array): void;
}

/**
 * Shared machinery of the built-in optimizers: validation of state and lengths, schedule evaluation,
 * step counting. Subclasses give their slot names and the per-coordinate update rule.
 */
export abstract class GradientOptimizer<S extends string> implements Optimizer<S> {
  abstract readonly name: string;
  /** Names of the accumulator slots this optimizer keeps. */
  abstract readonly slotNames: readonly S[];
  /** The step-size schedule (a constant step size is wrapped as a constant schedule). */
  readonly stepSize: Schedule;

  /**
   * @param stepSize - a non-negative number or a {@link Schedule}.
   * @param where - constructor name for messages.
   * @throws OptimError `optim-bad-hyperparameter` for a negative or non-finite constant step size.
   */
  protected constructor(stepSize: StepSize, where: string) {
    this.stepSize = makeSchedule(stepSize, where);
  }

  /**
   * Makes a state with every slot zeroed and `step = 0`.
   * @param params - initial parameters (length n).
   * @returns the initial state.
   * @throws OptimError `optim-shape-mismatch` if `params` is not a Float64Array.
   */
  init(params: Float64Array): OptState<S> {
    checkLength(`${this.name}.init`, "params", params, params?.length);
    const slots = {} as Record<S, Float64Array>;
    for (const s of this.slotNames) slots[s] = new Float64Array(params.length);
    return { optimizer: this.name, step: 0, slots };
  }

  /**
   * One update in place (see {@link Optimizer.update}).
   * @param grad - gradient, length n.
   * @param state - this optimizer's state, mutated.
   * @param params - parameters, length n, mutated.
   * @throws OptimError `optim-bad-state` for another optimizer's state; `optim-shape-mismatch` for lengths
   *   that differ; `optim-bad-step-size` if the schedule returns a negative or non-finite value.
   */
  update(grad: Float64Array, state: OptState<S>, params: Float64Array): void {
    const n = params.length;
    if (state.optimizer !== this.name) {
      throw new OptimError(
        "optim-bad-state",
        `${this.name}.update: the state was made by ${String(state.optimizer)}, not ${this.name}. ` +
          `Pass the state returned by this optimizer's init().`,
      );
    }
    if (grad.length !== n) checkLength(`${this.name}.update`, "grad", grad, n);
    for (let k = 0; k < this.slotNames.length; k++) {
      const s = this.slotNames[k];
      const a = state.slots[s];
      if (a === undefined || a.length !== n) checkLength(`${this.name}.update`, `state.slots.${s}`, a, n);
    }
    const i = state.step;
    const lr = this.stepSize(i);
    if (!(lr >= 0 && lr < Number.POSITIVE_INFINITY)) {
      throw new OptimError(
        "optim-bad-step-size",
        `${this.name}.update: the step-size schedule returned ${lr} at step ${i}; it must be a finite ` +
          `number ≥ 0. Fix the schedule.`,
      );
    }
    this.apply(lr, i, grad, state.slots, params);
    state.step = i + 1;
  }

  /** The update rule: coordinates of `params` and `slots` are updated in place with step size `lr`. */
  protected abstract apply(
    lr: number,
    step: number,
    grad: Float64Array,
    slots: Record<S, Float64Array>,
    params: Float64Array,
  ): void;
}

/**
 * True when every entry of `a` is finite (no NaN, no ±Infinity).
 * @param a - any Float64Array (a gradient, say).
 * @returns whether all entries are finite; true for an empty array.
 * @example
 * allFinite(Float64Array.of(1, 2)); // → true
 * allFinite(Float64Array.of(1, Number.NaN)); // → false
 */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    // x - x is 0 for finite x and NaN for NaN or ±Infinity
    if (a[i] - a[i] !== 0) return false;
  }
  return true;
}

/**
 * Applies `optimizer.update` only when the gradient (and, if given, the loss value) is finite, like
 * NumPyro's `eval_and_stable_update`: otherwise params and state are left untouched (`step` does not
 * advance) and `false` is returned.
 * @param optimizer - any {@link Optimizer}.
 * @param grad - gradient, length n.
 * @param state - the optimizer's state.
 * @param params - parameters, length n.
 * @param value - optional loss value at `params`; a non-finite value also skips the step.
 * @returns whether the update was applied.
 * @example
 * const opt = new SGD(0.1);
 * const x = Float64Array.of(1);
 * const s = opt.init(x);
 * stableUpdate(opt, Float64Array.of(Number.NaN), s, x); // → false
 */
export function stableUpdate<S extends string>(
  optimizer: Optimizer<S>,
  grad: Float64Array,
  state: OptState<S>,
  params: Float64Array,
  value?: number,
): boolean {
  if (value !== undefined && !Number.isFinite(value)) return false;
  if (!allFinite(grad)) return false;
  optimizer.update(grad, state, params);
  return true;
}

/** JSON form of an {@link OptState}: arrays of numbers, with `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"` as strings. */
export interface OptStateJSON {
  /** Name of the optimizer. */
  optimizer: string;
  /** Updates applied so far. */
  step: number;
  /** Slot values. */
  slots: Record<string, (number | string)[]>;
}

// JSON has no NaN, ±Infinity or −0: they travel as strings, so a restored state is bit-identical.
const encode = (x: number): number | string => (Object.is(x, -0) ? "-0" : Number.isFinite(x) ? x : String(x));
const SPECIAL: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
  "-0": -0,
};

/**
 * Converts a state to plain JSON-safe data (for checkpointing SVI); `JSON.stringify` of the result keeps
 * every float64 exactly (shortest round-trip decimal).
 * @param state - any optimizer state.
 * @returns a JSON-safe object; pass it to {@link optStateFromJSON} to resume.
 * @example
 * optStateToJSON({ optimizer: "SGD", step: 3, slots: {} }); // → { optimizer: "SGD", step: 3, slots: {} }
 */
export function optStateToJSON(state: OptState): OptStateJSON {
  const slots: Record<string, (number | string)[]> = {};
  for (const [k, v] of Object.entries(state.slots)) slots[k] = Array.from(v, encode);
  return { optimizer: state.optimizer, step: state.step, slots };
}

/**
 * Rebuilds a state from {@link optStateToJSON}'s output (or its `JSON.parse`d text). Resuming with it gives
 * bit-identical updates to never having stopped.
 * @param json - the serialised state.
 * @returns a fresh state (new Float64Arrays).
 * @throws OptimError `optim-bad-state` when fields are missing or of the wrong type, or slots differ in length.
 * @example
 * optStateFromJSON({ optimizer: "Adam", step: 1, slots: { m: [0.1], v: ["NaN"] } }).slots.v[0]; // → NaN
 */
export function optStateFromJSON(json: OptStateJSON): OptState {
  const bad = (what: string): never => {
    throw new OptimError(
      "optim-bad-state",
      `optStateFromJSON: ${what}. Pass the object produced by optStateToJSON (or its JSON.parse'd text).`,
    );
  };
  if (json === null || typeof json !== "object") bad(`expected an object, got ${String(json)}`);
  if (typeof json.optimizer !== "string") bad(`"optimizer" must be a string, got ${String(json.optimizer)}`);
  if (!Number.isInteger(json.step) || json.step < 0)
    bad(`"step" must be an integer ≥ 0, got ${String(json.step)}`);
  if (json.slots === null || typeof json.slots !== "object") bad(`"slots" must be an object`);
  const slots: Record<string, Float64Array> = {};
  let n = -1;
  for (const [k, v] of Object.entries(json.slots)) {
    if (!Array.isArray(v)) bad(`slot "${k}" must be an array`);
    if (n >= 0 && v.length !== n) bad(`slot "${k}" has length ${v.length}, other slots ${n}`);
    n = v.length;
    const a = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const num =
        typeof x === "number"
          ? x
          : typeof x === "string" && Object.hasOwn(SPECIAL, x)
            ? SPECIAL[x]
            : bad(`slot "${k}"[${i}] is not a number: ${String(x)}`);
      a[i] = num;
    }
    slots[k] = a;
  }
  return { optimizer: json.optimizer, step: json.step, slots };
}
