import type { Model, ModelCallArgs } from "@phlox/handlers";
import { isDeviceBackend, ProgressDisplay, withModelBackend } from "@phlox/infer";
import { type Optimizer, stableUpdate as optimStableUpdate } from "@phlox/optim";
import {
  type Backend,
  ConstraintError,
  getBackend,
  jsBackend,
  PhloxError,
  ShapeError,
  type Tensor,
  tensor,
  withBackend,
} from "@phlox/tensor";
import type { ELBO, Objective } from "./elbo.js";
import { FunctionGuide, type GuideFn } from "./function-guide.js";
import type { Guide, GuideSetup, Params, PotentialModel } from "./guide.js";
import { warnOnce } from "./internal/warn-once.js";
import { type ParamsLike, paramValues } from "./params.js";
import { type KeyLike, splitInPlace, toKeyPair } from "./random.js";
import { type AsyncObjective, deviceObjective } from "./svi-device.js";
import {
  type SVIOptions,
  type SVIRunOptions,
  type SVIRunResult,
  type SVIState,
  splitRunArgs,
} from "./svi-options.js";

// SVI's option, state and result types, exported with it.
export {
  isSVIRunOptions,
  type SVIOptions,
  type SVIRunOptions,
  type SVIRunResult,
  type SVIState,
} from "./svi-options.js";

const sameArgs = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Stochastic variational inference (NumPyro's `SVI`): fits the guide's parameters by minimizing a
 * variational loss (−ELBO) with an optimizer from `@phlox/optim`.
 *
 * The parameters live in one flat unconstrained `Float64Array` (laid out by the guide, constrained by
 * `bijectTo` of each parameter's constraint), so an optimizer step is allocation-free; the per-step noise
 * ε ~ N(0, I) is drawn from the state's key outside the differentiated function, so the loss is a fixed,
 * compiled function of (params, ε) — the model's potential compiled by `@phlox/backend-js` through
 * `@phlox/infer`, the guide's transform in plain typed-array code.
 *
 * The model's arguments are bound when the guide is set up (in `init`); `update`/`evaluate` with other
 * arguments (compared by identity) set the guide up again for them.
 *
 * @example
 * const guide = new AutoNormal(model);
 * const svi = new SVI(model, guide, new Adam(0.01), new TraceELBO());
 * const { params, losses } = svi.run(key(0), 2000, x, y);
 * const draws = guide.samplePosterior(key(1), params, { sampleShape: [1000] });
 * @see Hoffman et al. 2013; NumPyro `numpyro.infer.svi.SVI`.
 * @typeParam Args - the model's argument types, inferred from a model function, so that `init`, `update`,
 *   `evaluate` and `run` only compile with arguments the model accepts (default: anything, e.g. for a
 *   `PotentialModel`).
 */
export class SVI<Args extends readonly unknown[] = readonly unknown[]> {
  /** The model (a function, or a `PotentialModel`). */
  readonly model: Model<Args> | PotentialModel | unknown;
  /** The guide (a {@link FunctionGuide} when a guide function was given). */
  readonly guide: Guide;
  /** The optimizer. */
  readonly optim: Optimizer;
  /** The loss. */
  readonly loss: ELBO;
  private setupArgs: readonly unknown[] | null = null;
  private guideSetup: GuideSetup | null = null;
  private objective: Objective | null = null;
  private grad: Float64Array = new Float64Array(0);
  private readonly sub = new Uint32Array(2);
  /** The device backend of the model's potential (the `backend` option), or undefined on the CPU. */
  readonly backend: Backend | undefined;
  private asyncObjective: AsyncObjective | null = null;

  /**
   * @param model - the model (a function, or a `PotentialModel`); autoguides carry their own copy.
   * @param guide - a {@link Guide} (e.g. `new AutoNormal(model)`), or a guide function using `param` and
   *   `sample` (wrapped in a {@link FunctionGuide}).
   * @param optim - an optimizer from `@phlox/optim` (`new Adam(0.01)`), or any `Optimizer`.
   * @param loss - an {@link ELBO} (`new TraceELBO()`).
   * @throws PhloxError when the guide, optimizer or loss does not implement its interface.
   */
  constructor(
    model: (...args: Args) => unknown,
    guide: Guide | GuideFn,
    optim: Optimizer,
    loss: ELBO,
    options?: SVIOptions,
  );
  /** An SVI over a `PotentialModel` (or a model of unknown type): any arguments. */
  constructor(
    model: PotentialModel | unknown,
    guide: Guide | GuideFn,
    optim: Optimizer,
    loss: ELBO,
    options?: SVIOptions,
  );
  constructor(
    model: unknown,
    guide: Guide | GuideFn,
    optim: Optimizer,
    loss: ELBO,
    options: SVIOptions = {},
  ) {
    if (typeof guide === "function") {
      if (typeof model !== "function") {
        throw new PhloxError(
          "svi-guide-needs-model",
          "SVI: a guide function needs a model function (the model is replayed against it).",
        );
      }
      guide = new FunctionGuide(model as GuideFn, guide);
    }
    if (guide === null || typeof guide !== "object" || typeof guide.setup !== "function") {
      throw new PhloxError(
        "svi-bad-guide",
        "SVI: guide must implement the Guide interface (a setup(key, args) method), e.g. new AutoNormal(model).",
      );
    }
    if (optim === null || typeof optim !== "object" || typeof optim.update !== "function") {
      throw new PhloxError(
        "svi-bad-optim",
        "SVI: optim must be an Optimizer from @phlox/optim, e.g. new Adam(0.01).",
      );
    }
    if (loss === null || typeof loss !== "object" || typeof loss.build !== "function") {
      throw new PhloxError("svi-bad-loss", "SVI: loss must be an ELBO, e.g. new TraceELBO().");
    }
    this.model = model as Model<Args> | PotentialModel;
    const current = getBackend();
    this.backend = options.backend ?? (isDeviceBackend(current) ? current : undefined);
    this.guide = guide;
    this.optim = optim;
    this.loss = loss;
  }

  private bind(key: KeyLike | Uint32Array, args: readonly unknown[]): GuideSetup {
    if (this.guideSetup !== null && this.setupArgs !== null && sameArgs(this.setupArgs, args)) {
      return this.guideSetup;
    }
    const device = this.backend;
    const setup =
      device === undefined
        ? this.guide.setup(key, args)
        : withModelBackend(device, () => this.guide.setup(key, args));
    this.guideSetup = setup;
    this.setupArgs = [...args];
    this.objective = this.loss.build(setup);
    this.asyncObjective = device === undefined ? null : deviceObjective(this.objective);
    this.grad = new Float64Array(setup.numParams);
    return setup;
  }

  private ensure(state: SVIState, args: readonly unknown[]): Objective {
    if (this.objective === null || this.setupArgs === null || !sameArgs(this.setupArgs, args)) {
      this.bind(state.rngKey, args);
    }
    const setup = this.guideSetup as GuideSetup;
    if (state.params.length !== setup.numParams) {
      throw new ShapeError(
        "svi-state-mismatch",
        `SVI: the state holds ${state.params.length} parameters but the guide has ${setup.numParams}; ` +
          "was the state made by another SVI or for other model arguments?",
      );
    }
    return this.objective as Objective;
  }

  /** The guide setup bound by the last `init` (null before). */
  get setup(): GuideSetup | null {
    return this.guideSetup;
  }

  /**
   * Sets the guide up for the model's arguments and makes the initial state.
   * @param key - PRNG key or seed.
   * @param args - the model's arguments.
   * @returns a fresh {@link SVIState}.
   * @example
   * const state = svi.init(key(0), x, y);
   */
  init(key: KeyLike, ...args: ModelCallArgs<Args>): SVIState {
    return this.initWith(key, args);
  }

  /**
   * {@link init} with named initial parameter values (constrained) overriding the guide's.
   * @param key - PRNG key or seed.
   * @param args - the model's arguments.
   * @param initParams - values by parameter name, e.g. `{ auto_loc: { data, shape } }`.
   * @returns a fresh {@link SVIState}.
   */
  initWith(key: KeyLike, args: readonly unknown[], initParams?: ParamsLike): SVIState {
    const k = toKeyPair(key, "SVI.init");
    const kSetup = new Uint32Array(2);
    splitInPlace(k, kSetup);
    const setup = this.bind(kSetup, args);
    const params =
      initParams === undefined ? setup.initialParams() : setup.unconstrainParams(paramValues(initParams));
    return { optState: this.optim.init(params), params, rngKey: k };
  }

  /**
   * One optimization step, in place: draws the noise from `state.rngKey`, evaluates the loss and its
   * gradient, and lets the optimizer update `state.params`. A non-finite loss is applied like any other
   * (NaN propagates into the parameters); use {@link stableUpdate} to skip such steps.
   * @param state - the state, mutated.
   * @param args - the model's arguments.
   * @returns `{ state, loss }` (the same state object).
   */
  update(state: SVIState, ...args: ModelCallArgs<Args>): { state: SVIState; loss: number } {
    const loss = this.step(state, args, false);
    return { state, loss };
  }

  /**
   * {@link update} that skips the optimizer step when the loss or any gradient entry is not finite
   * (NumPyro's `stable_update`); the key still advances, so the next step draws new noise.
   * @param state - the state, mutated.
   * @param args - the model's arguments.
   * @returns `{ state, loss }`; `loss` may be non-finite, the parameters then are unchanged.
   */
  stableUpdate(state: SVIState, ...args: ModelCallArgs<Args>): { state: SVIState; loss: number } {
    const loss = this.step(state, args, true);
    return { state, loss };
  }

  /**
   * {@link update} for an SVI on a device backend (the `backend` option): awaits the model's potential on the
   * device; the same arithmetic as `update` otherwise. Works on the CPU too.
   * @param state - the state, mutated.
   * @param args - the model's arguments.
   * @returns `{ state, loss }`.
   */
  async updateAsync(
    state: SVIState,
    ...args: ModelCallArgs<Args>
  ): Promise<{ state: SVIState; loss: number }> {
    const obj = this.ensure(state, args);
    const sub = this.sub;
    splitInPlace(state.rngKey, sub);
    const loss = await (this.asyncObjective ?? obj)(state.params, this.grad, sub[0], sub[1]);
    this.optim.update(this.grad, state.optState, state.params);
    return { state, loss };
  }

  /**
   * {@link run} for an SVI on a device backend: `numSteps` awaited steps (options: `stableUpdate`,
   * `initState`, `initParams`, `onProgress` each step). Works on the CPU too.
   * @param key - PRNG key or seed (ignored when `options.initState` is given).
   * @param numSteps - number of steps, a non-negative integer.
   * @param argsAndOptions - the model's arguments, optionally followed by {@link SVIRunOptions}.
   * @returns `{ params, state, losses }`.
   * @example
   * const svi = new SVI(model, new AutoNormal(model), new Adam(0.01), new TraceELBO(), { backend: be });
   * const { params, losses } = await svi.runAsync(key(0), 1000, x, y);
   */
  async runAsync(
    key: KeyLike,
    numSteps: number,
    ...argsAndOptions: readonly unknown[]
  ): Promise<SVIRunResult> {
    const { args, options } = splitRunArgs(argsAndOptions);
    if (!Number.isInteger(numSteps) || numSteps < 0)
      throw new ConstraintError(
        "svi-num-steps",
        `SVI.runAsync: numSteps must be a non-negative integer, got ${numSteps}.`,
      );
    const state = options.initState ?? this.initWith(key, args, options.initParams);
    const obj = this.ensure(state, args);
    const run = this.asyncObjective ?? obj;
    const losses = new Float64Array(numSteps);
    for (let i = 0; i < numSteps; i++) {
      splitInPlace(state.rngKey, this.sub);
      const loss = await run(state.params, this.grad, this.sub[0], this.sub[1]);
      if (options.stableUpdate === true)
        optimStableUpdate(this.optim, this.grad, state.optState, state.params, loss);
      else this.optim.update(this.grad, state.optState, state.params);
      losses[i] = loss;
      options.onProgress?.(i + 1, loss);
    }
    return { params: this.getParams(state), state, losses };
  }

  /** Refuses a synchronous step when the potential runs on a device backend. */
  private requireSync(who: string): void {
    if (this.backend !== undefined)
      throw new PhloxError(
        "svi-async-backend",
        `SVI.${who}: the model's potential runs on backend "${this.backend.name}", whose results are read back ` +
          `asynchronously; use await svi.${who === "run" ? "runAsync" : "updateAsync"}(...) instead.`,
      );
  }

  private step(state: SVIState, args: readonly unknown[], stable: boolean): number {
    this.requireSync(stable ? "stableUpdate" : "update");
    const obj = this.ensure(state, args);
    const sub = this.sub;
    splitInPlace(state.rngKey, sub);
    const loss = obj(state.params, this.grad, sub[0], sub[1]);
    if (stable) optimStableUpdate(this.optim, this.grad, state.optState, state.params, loss);
    else this.optim.update(this.grad, state.optState, state.params);
    return loss;
  }

  /**
   * The loss at the current parameters with fresh noise from the state's key, without updating (the key
   * does not advance).
   * @param state - the state (not mutated).
   * @param args - the model's arguments.
   * @returns the loss (−ELBO estimate).
   */
  evaluate(state: SVIState, ...args: ModelCallArgs<Args>): number {
    const obj = this.ensure(state, args);
    const k = Uint32Array.from(state.rngKey);
    const sub = new Uint32Array(2);
    splitInPlace(k, sub);
    return obj(state.params, new Float64Array(state.params.length), sub[0], sub[1]);
  }

  /**
   * The named, constrained parameters of a state, as float64 `Tensor`s (NumPyro's `get_params`). Each call
   * returns new tensors over copies on the host ("js") backend: mutating them never changes the state.
   * (`run(...).params` is the same; the guides' methods take these tensors or `{ data, shape }`.)
   * @param state - the state.
   * @returns by parameter name, a tensor of the parameter's shape.
   * @throws PhloxError (`svi-not-initialized`) before `init`.
   * @example
   * const state = svi.init(key(0), x);
   * svi.getParams(state).loc.shape; // → []
   */
  getParams(state: SVIState): Record<string, Tensor> {
    const out: Record<string, Tensor> = Object.create(null);
    withBackend(jsBackend, () => {
      for (const [name, v] of Object.entries(this.constrained(state, "getParams")))
        out[name] = tensor(Float64Array.from(v.data), { shape: [...v.shape] });
    });
    return out;
  }

  private constrained(state: SVIState, who: string): Params {
    if (this.guideSetup === null)
      throw new PhloxError("svi-not-initialized", `SVI.${who}: call init (or run) first.`);
    return this.guideSetup.constrainParams(state.params);
  }

  /**
   * Runs `numSteps` optimization steps (NumPyro's `SVI.run(rng_key, num_steps, *args, **options)`).
   *
   * The model's arguments follow `numSteps` one by one, as in {@link SVI.init}. A trailing argument is
   * taken as the options object if and only if {@link isSVIRunOptions} accepts it: a plain object
   * (prototype `Object.prototype` or `null`; never a Tensor, array or typed array) all of whose own keys
   * are {@link SVIRunOptions} keys (`progressBar`, `stableUpdate`, `initState`, `initParams`,
   * `onProgress`, `progressEvery`). An empty `{}` in last place is therefore options (no options), not a
   * model argument. A model whose last argument is itself such an object must be given an options object
   * after it (e.g. `svi.run(k, n, obj, {})`). A trailing plain object that mixes option keys with other
   * keys (e.g. `{ stableUpdate: true, progresBar: true }`) is passed to the model, with a one-time warning.
   * In TypeScript the first overload types a trailing options literal's callbacks (`onProgress`); since the
   * model's arguments are `unknown`, a mistyped option value is not a compile error (it falls through to
   * the second overload and, per the rule above, to the model).
   * @param key - PRNG key or seed (ignored when `options.initState` is given).
   * @param numSteps - number of steps, a non-negative integer.
   * @param argsAndOptions - the model's arguments (e.g. `x, y`), optionally followed by one
   *   {@link SVIRunOptions} object: `progressBar`, `stableUpdate`, `initState`, `initParams`,
   *   `onProgress`, `progressEvery`.
   * @returns `{ params, state, losses }`.
   * @throws ConstraintError (a PhloxError) for a bad `numSteps`.
   * @example
   * const { params, losses } = svi.run(key(0), 5000, sigma, y, { stableUpdate: true });
   */
  run(
    key: KeyLike,
    numSteps: number,
    ...argsAndOptions: readonly [...args: ModelCallArgs<Args>, options: SVIRunOptions]
  ): SVIRunResult;
  /** {@link SVI.run} with the model's arguments only (default options). */
  run(key: KeyLike, numSteps: number, ...args: ModelCallArgs<Args>): SVIRunResult;
  run(key: KeyLike, numSteps: number, ...argsAndOptions: readonly unknown[]): SVIRunResult {
    this.requireSync("run");
    const { args, options } = splitRunArgs(argsAndOptions);
    if (!Number.isInteger(numSteps) || numSteps < 0) {
      throw new ConstraintError(
        "svi-num-steps",
        `SVI.run: numSteps must be a non-negative integer, got ${numSteps}.`,
      );
    }
    const state = options.initState ?? this.initWith(key, args, options.initParams);
    if (options.initState !== undefined && options.initParams !== undefined) {
      state.params.set(this.ensureSetup(state, args).unconstrainParams(paramValues(options.initParams)));
    }
    const obj = this.ensure(state, args);
    const losses = new Float64Array(numSteps);
    const stable = options.stableUpdate === true;
    const report = options.progressBar === true || options.onProgress !== undefined;
    const every = Math.max(1, Math.floor(numSteps / Math.max(1, options.progressEvery ?? 20)));
    const grad = this.grad;
    const sub = this.sub;
    const optim = this.optim;
    const { optState, params, rngKey } = state;
    const bar = options.progressBar === true ? new ProgressDisplay(1) : undefined;
    let acc = 0;
    let accN = 0;
    for (let i = 0; i < numSteps; i++) {
      splitInPlace(rngKey, sub);
      const loss = obj(params, grad, sub[0], sub[1]);
      if (stable) optimStableUpdate(optim, grad, optState, params, loss);
      else optim.update(grad, optState, params);
      losses[i] = loss;
      if (report) {
        acc += loss;
        accN++;
        if ((i + 1) % every === 0 || i === numSteps - 1) {
          const mean = acc / accN;
          options.onProgress?.(i + 1, mean);
          bar?.update(0, {
            done: i + 1,
            total: numSteps,
            label: "SVI",
            suffix: `loss ${mean.toPrecision(6)}`,
          });
          acc = 0;
          accN = 0;
        }
      }
    }
    bar?.finish();
    if (numSteps > 0 && !Number.isFinite(losses[numSteps - 1]) && !stable) {
      warnOnce(
        "svi-nonfinite-loss",
        "SVI.run: the loss is not finite at the last step; the parameters may be NaN. " +
          "Lower the step size, check the model's support, or pass { stableUpdate: true }.",
      );
    }
    return { params: this.getParams(state), state, losses };
  }

  private ensureSetup(state: SVIState, args: readonly unknown[]): GuideSetup {
    this.ensure(state, args);
    return this.guideSetup as GuideSetup;
  }
}
