import type { Model } from "@phlox/handlers";
import {
  initializeModel as inferInitializeModel,
  logLikelihood as inferLogLikelihood,
  isDeviceBackend,
} from "@phlox/infer";
import {
  type Backend,
  ChainRandom,
  getBackend,
  type KeyPair,
  PhloxError,
  ShapeError,
  splitKey,
} from "@phlox/tensor";
import {
  type AsyncPotentialFn,
  type BatchPotentialFn,
  type HMCCore,
  type HMCOptions,
  type HMCState,
  type HMCStateJSON,
  hmc,
  hmcStateFromJSON,
  hmcStateToJSON,
} from "./hmc.js";
import {
  completeLayout,
  copyHMCOptions,
  type LogLikelihoodFn,
  observedSites,
  plateDims,
  resolveFromHere,
  splitByLayout,
  startChain,
  toSiteValues,
} from "./internal/potential-source.js";
import type { PotentialFn } from "./internal/trajectory.js";
import type { Kernel, KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "./kernel.js";

/** The part of `@phlox/infer` a model kernel calls for `logLikelihood` (typed structurally here). */
interface InferModule {
  logLikelihood?: LogLikelihoodFn;
}

export type { Model };

/**
 * What a model-to-potential factory returns (the contract `@phlox/infer`'s `initializeModel` satisfies).
 * - `potentialFn`: U(z) on the flat unconstrained vector, ∇U written into `grad`.
 * - `initialZ` (shape [d]): the chain's starting point (from `initStrategy`, using the key).
 * - `layout`: where each latent site lies in z (name, shape of the unconstrained value, offset, size).
 * - `postprocess(z)`: constrained values of every latent site plus deterministic sites, each `{data, shape}`.
 * - `initialize?(key)`: another chain's starting point without rebuilding the potential.
 * - `serialize?()`: how a worker rebuilds `potentialFn` (needed for `chainMethod: "parallel"`); `module` must
 *   be importable from a worker started in `@phlox/mcmc`: an absolute URL, or a package mcmc depends on.
 */
export interface ModelPotential {
  potentialFn: PotentialFn;
  /** U and ∇U on a device backend (the factory's `backend` option), awaited at every leapfrog step. */
  asyncPotentialFn?: AsyncPotentialFn;
  initialZ: Float64Array;
  layout: SiteLayout[];
  postprocess(z: Float64Array): Record<string, SiteValue>;
  /**
   * U and ∇U at `n` points stacked in `zs` [n·d] in one call (U into `values[i]`, ∇U into row i of `grads`),
   * bit for bit what `potentialFn` gives at each point; `undefined` when there is no batched form. Vectorized
   * chains call it once per leapfrog step for all chains.
   */
  potentialBatch?(
    n: number,
  ): ((zs: Float64Array, grads: Float64Array, values: Float64Array) => void) | undefined;
  /** `postprocess` of `n` draws stacked in `zs` [n·d], each site `{ data, shape: [n, ...site] }`. */
  postprocessBatch?(zs: Float64Array, n: number): Record<string, SiteValue>;
  initialize?(key: KeyPair): Float64Array;
  serialize?(): WorkerPotentialSpec | undefined;
}

/** Builds a {@link ModelPotential} from a model and its arguments (`@phlox/infer`'s `initializeModel`). */
export type ModelPotentialFactory = (
  key: KeyPair,
  model: Model,
  args: readonly unknown[],
  options: { initStrategy?: unknown; backend?: Backend },
) => ModelPotential;

/**
 * Options for a kernel over a hand-written or compiled potential. Give exactly one of `potentialFn` and
 * `asyncPotentialFn`.
 */
export interface PotentialKernelOptions extends Omit<HMCOptions, "algo"> {
  /** U(z) = −log density up to a constant; writes ∇U into `grad`. */
  potentialFn?: PotentialFn;
  /**
   * An asynchronous U(z) (a WebGPU backend, whose results are read back with `await`): resolves to U(z)
   * after writing ∇U into `grad`. MCMC then awaits it at every leapfrog step (sequential or vectorized
   * chains; not "parallel").
   */
  asyncPotentialFn?: AsyncPotentialFn;
  /** Starting point [d]. Without it, chains start uniformly in (−2, 2)^d, which needs `layout` or `dim`. */
  initParams?: ArrayLike<number>;
  /** Dimension d, when neither `initParams` nor `layout` gives it. */
  dim?: number;
  /** Names and shapes of the parts of z, used to split draws into sites (offsets follow the order). */
  layout?: readonly { name: string; shape: readonly number[] }[];
  /** Maps a flat draw to named values; wins over `layout`. */
  postprocessFn?: (z: Float64Array) => Record<string, Float64Array | SiteValue>;
  /** How a worker rebuilds `potentialFn` (needed for `chainMethod: "parallel"`). */
  potentialSpec?: WorkerPotentialSpec;
}

/** Options for a kernel over a model. */
export interface ModelKernelOptions extends Omit<HMCOptions, "algo"> {
  /** Passed through to the model initialiser (e.g. `initToMedian()`); its meaning belongs to `@phlox/infer`. */
  initStrategy?: unknown;
  /** The model initialiser. Default: `@phlox/infer`'s `initializeModel` (loaded by `prepare()`). */
  initializeModel?: ModelPotentialFactory;
  /**
   * A device backend (e.g. `await webgpu(...)` from `@phlox/backend-webgpu`) on which the model's compiled
   * potential and gradient run: the kernel becomes asynchronous and MCMC awaits each leapfrog step (chain
   * methods "sequential" and "vectorized"). Default: the current backend when it is an asynchronous compiling
   * backend (WebGPU after `setBackend("webgpu")`) at construction, else the CPU (backend-js compiled code).
   */
  backend?: Backend;
}

/** Timed full-batch calls of each evaluator before {@link HMC}'s batched potential picks one. */
const TUNE_CALLS = 24;

/** The vmapped potential of one batch size and what its timing trial found. */
interface BatchTuner {
  f: ((zs: Float64Array, grads: Float64Array, values: Float64Array) => void) | null;
  vmapMs: number[];
  loopMs: number[];
  /** Median ms of one vmapped call (all chains). */
  vmapCost: number;
  /** Median ms of one chain's call. */
  loopCost: number;
  tuned: boolean;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

const FIELDS = [
  "diverging",
  "energy",
  "potentialEnergy",
  "numSteps",
  "treeDepth",
  "acceptProb",
  "meanAcceptProb",
  "stepSize",
] as const;

function asSiteValue(name: string, v: Float64Array | SiteValue): SiteValue {
  if (v instanceof Float64Array) return { data: v, shape: [v.length] };
  if (v && v.data instanceof Float64Array && Array.isArray(v.shape)) return v;
  throw new PhloxError(
    "postprocess-site-type",
    `postprocessFn: site "${name}" must be a Float64Array or {data: Float64Array, shape}.`,
  );
}

/**
 * Hamiltonian Monte Carlo with a fixed trajectory length (NumPyro's `HMC`), as a {@link Kernel} for
 * {@link MCMC}. Build it from a potential, `new HMC({ potentialFn, initParams, ... })`, or from a model,
 * `new HMC(model, { initializeModel, ... })`.
 *
 * Built from a model, the kernel carries the model's types to {@link MCMC}: its argument types (so
 * `mcmc.run(key, ...args)` is checked) and, for a model annotated `Model<Args, Sites>`, its site names (so
 * `mcmc.getSamples()` is keyed by them). Give them explicitly as `new NUTS<[x: Tensor], "mu">(model)`.
 * @typeParam Args - the model's argument types (inferred from the model; default: anything).
 * @typeParam Sites - the model's site names (from a `Model<Args, Sites>` annotation; default: any string).
 * @throws ConstraintError (a PhloxError) for invalid options (checked here, never mid-run).
 * @example
 * const U = (z: Float64Array, g: Float64Array) => { g[0] = z[0]; return 0.5 * z[0] ** 2; };
 * const kernel = new HMC({ potentialFn: U, initParams: [0], numSteps: 10 });
 */
export class HMC<Args extends readonly unknown[] = readonly unknown[], Sites extends string = string>
  implements Kernel<HMCState, Args, Sites>
{
  readonly sampleField = "z";
  readonly defaultFields: readonly string[] = FIELDS;
  /** Validated options with defaults. */
  readonly core: HMCCore;
  private readonly raw?: PotentialKernelOptions;
  private readonly model?: Model;
  private modelOptions?: ModelKernelOptions;
  private modelPotential?: ModelPotential;
  private modelArgs?: readonly unknown[];
  private infer?: InferModule;
  private potential?: PotentialFn | AsyncPotentialFn;
  private siteLayout?: SiteLayout[];
  /** True when built with `asyncPotentialFn`: MCMC drives it through `initAsync`/`sampleAsync`. */
  readonly asynchronous: boolean = false;
  protected readonly algo: "HMC" | "NUTS";

  /**
   * @param potentialOptions - a potential and its options (`potentialFn` or `asyncPotentialFn`, ...).
   */
  constructor(potentialOptions: PotentialKernelOptions);
  /**
   * @param model - the model; `run`'s arguments are passed to it.
   * @param options - step size, adaptation, `initStrategy`, `initializeModel`.
   */
  constructor(model: Model<Args, Sites>, options?: ModelKernelOptions);
  constructor(a: PotentialKernelOptions | Model<Args, Sites>, b: ModelKernelOptions = {}) {
    this.algo = this.algorithm();
    const opts: Omit<HMCOptions, "algo"> = typeof a === "function" ? b : a;
    const hmcOptions: HMCOptions = { ...pickHMCOptions(opts), algo: this.algo };
    // Forward calls go through `this.potential`, which is set for raw potentials now and for models in init.
    this.core = hmc((z, g) => (this.potential as PotentialFn)(z, g), hmcOptions);
    if (typeof a === "function") {
      this.model = a;
      const current = getBackend();
      const device = b.backend ?? (isDeviceBackend(current) ? current : undefined);
      this.modelOptions = device === undefined ? b : { ...b, backend: device };
      this.asynchronous = device !== undefined;
    } else {
      const sync = typeof a?.potentialFn === "function";
      const async = typeof a?.asyncPotentialFn === "function";
      if (sync === async) {
        throw new PhloxError(
          "potential-not-number",
          sync
            ? `${this.algo}: give potentialFn or asyncPotentialFn, not both.`
            : `${this.algo}: pass a model function or { potentialFn, ... } / { asyncPotentialFn, ... } (got ${typeof a}).`,
        );
      }
      this.raw = a;
      this.potential = a.potentialFn ?? a.asyncPotentialFn;
      this.asynchronous = async;
      if (a.layout) this.siteLayout = completeLayout(a.layout);
      const d =
        a.initParams?.length ?? (this.siteLayout ? this.siteLayout.reduce((s, l) => s + l.size, 0) : a.dim);
      if (
        a.initParams &&
        this.siteLayout &&
        a.initParams.length !== this.siteLayout.reduce((s, l) => s + l.size, 0)
      ) {
        throw new ShapeError(
          "init-params-length",
          `${this.algo}: initParams has length ${a.initParams.length} but layout sums to a different size.`,
        );
      }
      if (d === undefined)
        throw new ShapeError(
          "unknown-dimension",
          `${this.algo}: give initParams, layout or dim so the dimension is known.`,
        );
    }
  }

  /** The model and its options, when this kernel was built from a model (HMCECS wraps such a kernel). */
  get modelSource(): { model: Model; options: ModelKernelOptions } | undefined {
    return this.model ? { model: this.model, options: { ...this.modelOptions } } : undefined;
  }

  /** The algorithm this class runs (overridden by {@link NUTS}). */
  protected algorithm(): "HMC" | "NUTS" {
    return "HMC";
  }

  /** Sites of the flat vector (known after the first `init` for models). */
  get layout(): readonly SiteLayout[] | undefined {
    return this.siteLayout;
  }

  /**
   * Uses `@phlox/infer`'s `initializeModel` when a model kernel was given no initialiser (MCMC calls this).
   * A static import, so bundlers (Vite, esbuild) follow it; a raw-potential user's bundle tree-shakes it away.
   */
  async prepare(): Promise<void> {
    if (this.model) {
      if (!this.modelOptions?.initializeModel) {
        this.modelOptions = {
          ...this.modelOptions,
          initializeModel: inferInitializeModel as unknown as ModelPotentialFactory,
        };
      }
      this.infer = { logLikelihood: inferLogLikelihood as unknown as InferModule["logLikelihood"] };
    }
  }

  /**
   * Pointwise log-likelihood of each observed site at each draw (via `@phlox/infer`'s `logLikelihood`).
   * @param samples - draws `[n, ...site]` by site name (what `MCMC.getSamples()` returns).
   * @returns by observed site, `{ data, shape: [n, ...siteBatchShape] }`.
   * @throws PhloxError for kernels built from a raw potential, or before `MCMC.run`.
   */
  logLikelihood(samples: Record<string, SiteValue>): Record<string, SiteValue> {
    if (!this.model || !this.modelArgs || typeof this.infer?.logLikelihood !== "function") {
      throw new PhloxError(
        "needs-model-kernel",
        `${this.algo}.logLikelihood: needs a model kernel run through MCMC (a raw potential has no observed sites).`,
      );
    }
    const lls = this.infer.logLikelihood(this.model, samples, this.modelArgs, { batchNdims: 1 });
    return toSiteValues(lls, Object.create(null));
  }

  /** Dimension names per site from the model's plates (ArviZ's `infer_dims`), after init. */
  siteDims(): Record<string, string[]> {
    return plateDims(this.modelPotential) ?? Object.create(null);
  }

  /**
   * The observed values of the model's observed sites, from the trace `@phlox/infer` recorded at init.
   * @throws PhloxError for kernels built from a raw potential, or before `MCMC.run`.
   */
  observations(): Record<string, SiteValue> {
    const out = observedSites(this.modelPotential, Object.create(null));
    if (!out) {
      throw new PhloxError(
        "needs-model-kernel",
        `${this.algo}.observations: needs a model kernel run through MCMC.`,
      );
    }
    return out;
  }

  /** Starts one chain: resolves the potential (models: calls the initialiser), picks z₀, runs `hmc().init`. */
  init(args: KernelInitArgs<Args>): HMCState {
    const { z0, key } = this.start(args);
    return this.core.init(z0, key, args.numWarmup);
  }

  /** {@link HMC.init} awaiting an asynchronous potential. */
  initAsync(args: KernelInitArgs<Args>): Promise<HMCState> {
    const { z0, key } = this.start(args);
    return this.core.initAsync(z0, key, args.numWarmup);
  }

  /** The chain's starting point and the key of its sampler (models: builds the potential on first use). */
  private start(args: KernelInitArgs<Args>): { z0: Float64Array; key: KeyPair } {
    const current = this.modelPotential && { potential: this.modelPotential, args: this.modelArgs };
    const source = {
      model: this.model,
      modelOptions: this.modelOptions,
      current,
      raw: this.raw,
      layout: this.siteLayout,
    };
    const { z0, key, built } = startChain(source, args as KernelInitArgs, this.algo);
    if (built) {
      this.modelPotential = built;
      this.modelArgs = args.modelArgs;
      this.potential = this.asynchronous ? deviceFn(built, this.algo) : built.potentialFn;
      this.siteLayout = built.layout;
    }
    return { z0, key };
  }

  /** One transition (adapting during warmup). */
  sample(state: HMCState): HMCState {
    if (this.asynchronous) {
      throw new PhloxError(
        "async-potential",
        `${this.algo}.sample: this kernel's potential is asynchronous; call sampleAsync (MCMC does).`,
      );
    }
    return this.core.step(state);
  }

  /**
   * One transition of each chain in `states` (updated in place), the chains in lockstep: at each leapfrog
   * step, the positions of every chain whose trajectory (or NUTS tree) is still growing are evaluated
   * together — for a model kernel, by one compiled program vmapped over the chains
   * (`ModelPotential.potentialBatch`) when that is the faster of it and one call per chain (see
   * `batchPotential`); for a raw potential, one call per chain. Each chain gets the draws `sample` gives it.
   * MCMC calls this for `chainMethod: "vectorized"`.
   * @returns per chain, the error that stopped it, or undefined.
   */
  sampleBatch(states: readonly HMCState[]): (Error | undefined)[] {
    if (this.asynchronous) {
      throw new PhloxError(
        "async-potential",
        `${this.algo}.sampleBatch: this kernel's potential is asynchronous; call sampleAsync (MCMC does).`,
      );
    }
    return this.core.stepBatch(states, this.batchPotential());
  }

  /**
   * The evaluator of `sampleBatch`. With a batched model potential, the first {@link TUNE_CALLS} full-batch
   * steps alternate between the vmapped program (all chains in one call) and one call per chain, timing
   * each; afterwards each step takes the cheaper: the vmapped program costs the same for any number of
   * active chains, one call per chain costs in proportion to them. Both give the same numbers bit for bit,
   * so the choice changes speed only. (On the JS backend a call costs little, so per-chain calls usually win
   * over the vmapped program's wider loops; a backend with a per-call dispatch cost tips it the other way.)
   */
  private batchPotential(): BatchPotentialFn {
    const mp = this.modelPotential;
    if (this.batchFnFor === mp && this.batchFn) return this.batchFn;
    const U = this.potential as PotentialFn;
    const loop: BatchPotentialFn = (zs, grads, values, n, active) => {
      const d = zs.length / n;
      for (const i of active)
        values[i] = U(zs.subarray(i * d, (i + 1) * d), grads.subarray(i * d, (i + 1) * d));
    };
    const tuners = new Map<number, BatchTuner>();
    const fn: BatchPotentialFn = (zs, grads, values, n, active) => {
      if (n === 1 || !mp?.potentialBatch) return loop(zs, grads, values, n, active);
      let t = tuners.get(n);
      if (t === undefined) {
        let f: BatchTuner["f"] = null;
        try {
          f = mp.potentialBatch(n) ?? null;
        } catch {
          f = null; // a primitive without a batching rule: evaluate chain by chain
        }
        t = { f, vmapMs: [], loopMs: [], vmapCost: 0, loopCost: 0, tuned: f === null };
        tuners.set(n, t);
      }
      const f = t.f;
      if (f === null) return loop(zs, grads, values, n, active);
      if (t.tuned) {
        if (active.length * t.loopCost < t.vmapCost) loop(zs, grads, values, n, active);
        else f(zs, grads, values);
        return;
      }
      if (active.length < n) return loop(zs, grads, values, n, active);
      const useVmap = t.vmapMs.length <= t.loopMs.length;
      const t0 = performance.now();
      if (useVmap) f(zs, grads, values);
      else loop(zs, grads, values, n, active);
      (useVmap ? t.vmapMs : t.loopMs).push(performance.now() - t0);
      if (t.loopMs.length >= TUNE_CALLS) {
        t.vmapCost = median(t.vmapMs);
        t.loopCost = median(t.loopMs) / n;
        t.tuned = true;
      }
    };
    this.batchFnFor = mp;
    this.batchFn = fn;
    return fn;
  }
  private batchFn?: BatchPotentialFn;
  private batchFnFor?: ModelPotential;

  /** {@link HMC.sample} awaiting an asynchronous potential; the same draws as `sample` for the same state. */
  sampleAsync(state: HMCState): Promise<HMCState> {
    return this.core.stepAsync(state);
  }

  /** Named values of one flat draw: the model's constrained values, `postprocessFn`, the layout, or `{ z }`. */
  postprocess(z: Float64Array): Record<Sites, SiteValue> {
    return this.postprocessSites(z) as Record<Sites, SiteValue>;
  }

  private postprocessSites(z: Float64Array): Record<string, SiteValue> {
    if (this.modelPotential) return this.modelPotential.postprocess(z);
    if (this.raw?.postprocessFn) {
      const out: Record<string, SiteValue> = Object.create(null);
      for (const [k, v] of Object.entries(this.raw.postprocessFn(z))) out[k] = asSiteValue(k, v);
      return out;
    }
    if (this.siteLayout) return splitByLayout(z, this.siteLayout, Object.create(null));
    return { z: { data: Float64Array.from(z), shape: [z.length] } };
  }

  /** Many draws at once, through the model potential's batch postprocess (models only). */
  postprocessBatch(zs: Float64Array, n: number): Record<string, SiteValue> | undefined {
    return this.modelPotential?.postprocessBatch?.(zs, n);
  }

  /** The state with a fresh generator from `key` (the one `init` would give for that chain key). */
  reseed(state: HMCState, key: KeyPair): HMCState {
    state.rng = new ChainRandom(splitKey(key, 2)[1]);
    return state;
  }

  /** NUTS's tree-depth cap (undefined for HMC, which builds no tree). */
  get maxTreeDepth(): number | undefined {
    return this.algo === "NUTS" ? this.core.options.maxTreeDepth : undefined;
  }

  /** e.g. "7 steps of size 5.12e-1. acc. prob=0.86". */
  diagnostics(s: HMCState): string {
    return `${s.numSteps} steps of size ${s.stepSize.toExponential(2)}. acc. prob=${s.meanAcceptProb.toFixed(2)}`;
  }

  /** See {@link hmcStateToJSON}. */
  stateToJSON(s: HMCState): HMCStateJSON {
    return hmcStateToJSON(s);
  }

  /** See {@link hmcStateFromJSON}. */
  stateFromJSON(json: unknown): HMCState {
    return hmcStateFromJSON(json as HMCStateJSON);
  }

  /**
   * How a worker rebuilds this kernel: the potential's spec (`potentialSpec`, or the model potential's
   * `serialize()`) plus the options.
   * @throws PhloxError if the potential cannot be serialised.
   */
  workerSpec(): WorkerPotentialSpec {
    if (this.asynchronous) {
      throw new PhloxError(
        "parallel-async-potential",
        `${this.algo}: chainMethod "parallel" cannot run an asyncPotentialFn (each worker would need its own GPU device); use "sequential" or "vectorized".`,
      );
    }
    const spec = this.raw?.potentialSpec ?? this.modelPotential?.serialize?.();
    if (!spec) {
      throw new PhloxError(
        "parallel-needs-spec",
        `${this.algo}: chainMethod "parallel" needs a serialisable potential. Pass potentialSpec: { module, exportName, payload } ` +
          `(a module whose export builds the PotentialFn in a worker), or use chainMethod "sequential" / "vectorized".`,
      );
    }
    const potential = { ...spec, module: resolveFromHere(spec.module) };
    const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    return {
      module: new URL(/* webpackIgnore: true */ `./worker-kernel${ext}`, import.meta.url).href,
      exportName: "buildHMCWorkerKernel",
      payload: {
        algo: this.algo,
        options: pickHMCOptions(this.raw ?? this.modelOptions ?? {}),
        potential,
      },
    };
  }
}

/**
 * The No-U-Turn Sampler (NumPyro's `NUTS`): HMC whose trajectory doubles until the generalised U-turn
 * criterion holds, with multinomial sampling of the next state; `maxTreeDepth` (default 10) caps it.
 * @example
 * const U = (z: Float64Array, g: Float64Array) => { g[0] = z[0]; return 0.5 * z[0] ** 2; };
 * const mcmc = new MCMC(new NUTS({ potentialFn: U, initParams: [0] }), { numWarmup: 200, numSamples: 200 });
 */
export class NUTS<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends HMC<Args, Sites> {
  protected override algorithm(): "HMC" | "NUTS" {
    return "NUTS";
  }
}

/** The device potential of a model kernel given a `backend`. */
function deviceFn(built: ModelPotential, algo: string): AsyncPotentialFn {
  if (typeof built.asyncPotentialFn !== "function")
    throw new PhloxError(
      "kernel-no-device-potential",
      `${algo}(model, { backend }): the model initialiser returned no asyncPotentialFn for the backend; ` +
        "use @phlox/infer's initializeModel (the default) or a factory that honours its backend option.",
    );
  return built.asyncPotentialFn;
}

function pickHMCOptions(o: Omit<HMCOptions, "algo">): Omit<HMCOptions, "algo"> {
  const out = copyHMCOptions<Omit<HMCOptions, "algo">>(o, {});
  if (o.inverseMassMatrix) out.inverseMassMatrix = Array.from(o.inverseMassMatrix);
  return out;
}
