/** The options, state and result types of {@link SVI}, and how `SVI.run` reads its trailing options. */
import type { OptState } from "@phlox/optim";
import type { Backend, Tensor } from "@phlox/tensor";
import { warnOnce } from "./internal/warn-once.js";
import type { ParamsLike } from "./params.js";

/** Options of the {@link SVI} constructor. */
export interface SVIOptions {
  /**
   * A device backend (e.g. `await webgpu(...)` from `@phlox/backend-webgpu`) on which the model's compiled
   * potential and gradient run; steps are then asynchronous: use `updateAsync`/`runAsync`. Default: the current
   * backend when it is an asynchronous compiling backend (WebGPU) at construction, else the CPU.
   */
  backend?: Backend;
}

/**
 * SVI's state: plain data that `update` owns and mutates in place (so a step allocates nothing).
 * `params` are the flat unconstrained guide parameters (see {@link GuideSetup}); `rngKey` the next key.
 */
export interface SVIState {
  /** Optimizer state (accumulators and step count), `@phlox/optim`'s `OptState`. */
  optState: OptState;
  /** Flat unconstrained parameters, length `GuideSetup.numParams`. */
  params: Float64Array;
  /** PRNG key (uint32 pair) for the next step's noise. */
  rngKey: Uint32Array;
}

/** Options of {@link SVI.run}. */
export interface SVIRunOptions {
  /**
   * Show a progress bar on stderr (NumPyro's `progress_bar`; default false): the bar, `step/numSteps`,
   * elapsed<ETA, steps per second and the mean loss since the last report, redrawn in place on a terminal
   * and cut to its width, plain lines otherwise. Browsers: use `onProgress`.
   */
  progressBar?: boolean;
  /** Skip steps whose loss or gradient is not finite (NumPyro's `stable_update`; default false). */
  stableUpdate?: boolean;
  /** Continue from this state (e.g. a previous run's `state`) instead of initializing. */
  initState?: SVIState;
  /** Named constrained values (Tensors or `{ data, shape }`) overriding the guide's initial parameters. */
  initParams?: ParamsLike;
  /** Called about `progressEvery` times per run with the step index and the mean loss since the last call. */
  onProgress?: (step: number, loss: number) => void;
  /** How many progress reports (`progressBar`, `onProgress`) per run (default 20). */
  progressEvery?: number;
}

/** What {@link SVI.run} returns. */
export interface SVIRunResult {
  /**
   * The optimized parameters, named and constrained, as float64 `Tensor`s over fresh copies (as
   * {@link SVI.getParams}): mutating them never changes `state`.
   */
  params: Record<string, Tensor>;
  /** The final state (pass it as `initState` to continue). */
  state: SVIState;
  /** The loss (−ELBO estimate) at each step, length `numSteps`. */
  losses: Float64Array;
}

const RUN_OPTION_KEYS: ReadonlySet<string> = new Set<keyof SVIRunOptions>([
  "progressBar",
  "stableUpdate",
  "initState",
  "initParams",
  "onProgress",
  "progressEvery",
]);

const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (x === null || typeof x !== "object" || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/**
 * Whether `x` is read as {@link SVI.run}'s trailing options object: a plain object (prototype
 * `Object.prototype` or `null`, so never a Tensor, array or typed array) all of whose own enumerable keys
 * are {@link SVIRunOptions} keys. The empty object `{}` counts as options.
 * @param x - any value (typically the last argument given to `SVI.run`).
 * @returns `true` when `x` would be taken as options, `false` when it is a model argument.
 * @example
 * isSVIRunOptions({ stableUpdate: true }); // true
 * isSVIRunOptions({}); // true
 * isSVIRunOptions(tensor([1, 2])); // false
 * isSVIRunOptions({ x: 1 }); // false
 */
export function isSVIRunOptions(x: unknown): x is SVIRunOptions {
  return isPlainObject(x) && Object.keys(x).every((k) => RUN_OPTION_KEYS.has(k));
}

/**
 * @internal Splits `SVI.run`'s rest arguments into the model's arguments and the trailing options object
 * (by {@link isSVIRunOptions}); warns once when a trailing plain object mixes option keys with others.
 */
export function splitRunArgs(argsAndOptions: readonly unknown[]): {
  args: readonly unknown[];
  options: SVIRunOptions;
} {
  const last = argsAndOptions[argsAndOptions.length - 1];
  if (argsAndOptions.length > 0 && isSVIRunOptions(last)) {
    return { args: argsAndOptions.slice(0, -1), options: last };
  }
  if (isPlainObject(last) && Object.keys(last).some((k) => RUN_OPTION_KEYS.has(k))) {
    const unknownKeys = Object.keys(last).filter((k) => !RUN_OPTION_KEYS.has(k));
    warnOnce(
      "svi-run-options-unknown-keys",
      `SVI.run: the last argument has option keys but also unknown keys (${unknownKeys.join(", ")}), ` +
        "so it is passed to the model as an argument, not read as options. Options are progressBar, " +
        "stableUpdate, initState, initParams, onProgress, progressEvery; remove or fix the other keys.",
    );
  }
  return { args: argsAndOptions, options: {} };
}
