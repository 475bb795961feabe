/**
 * What the kernels other than HMC/NUTS share: building from a raw potential or from a model, the chain's
 * starting point, postprocessing, log-likelihood, observations and the worker recipe.
 */
import { initializeModel as inferInitializeModel, logLikelihood as inferLogLikelihood } from "@phlox/infer";
import { ChainRandom, type KeyPair, PhloxError } from "@phlox/tensor";
import type { Model, ModelPotential, ModelPotentialFactory } from "./hmc-kernel.js";
import {
  completeLayout,
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

/** Options shared by every kernel built on a hand-written or compiled potential. */
export interface PotentialSource {
  /** U(z) = −log density up to a constant; writes ∇U into `grad` (gradient-free kernels ignore it). */
  potentialFn: PotentialFn;
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

/** Options shared by every kernel built on a model. */
export interface ModelSource {
  /** Passed through to the model initialiser (e.g. `initToMedian()`); its meaning belongs to `@phlox/infer`. */
  initStrategy?: unknown;
  /** The model initialiser. Default: `@phlox/infer`'s `initializeModel` (loaded by `prepare()`). */
  initializeModel?: ModelPotentialFactory;
}

/** The kernels a worker can rebuild from a potential kernel's `workerSpec()`. */
export type WorkerKernelKind = "SA" | "BarkerMH" | "RandomWalkMH" | "AIES" | "ESS";

/** Payload of a potential kernel's `workerSpec()`: the kernel's name, its JSON options and the potential. */
export interface KernelWorkerPayload {
  kind: WorkerKernelKind;
  options: Record<string, unknown>;
  potential: WorkerPotentialSpec;
}

/**
 * Base class of the kernels built like HMC/NUTS: `new K({ potentialFn, initParams, ... })` or
 * `new K(model, { initStrategy, ... })`. Subclasses implement the transition; this class owns the potential.
 */
export abstract class PotentialKernel<
  S extends object,
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> implements Kernel<S, Args, Sites>
{
  abstract readonly sampleField: string;
  abstract readonly defaultFields: readonly string[];
  /** The kernel's name in messages and in its worker recipe. */
  protected abstract readonly kind: WorkerKernelKind;
  /** The current potential (set for raw potentials at construction, for models in `init`). */
  protected potential?: PotentialFn;
  protected readonly raw?: PotentialSource;
  protected readonly model?: Model;
  protected modelOptions?: ModelSource;
  private modelPotential?: ModelPotential;
  private modelArgs?: readonly unknown[];
  private logLik?: LogLikelihoodFn;
  private siteLayout?: SiteLayout[];

  /**
   * @param a - a model, or `{ potentialFn, initParams?, dim?, layout?, postprocessFn?, potentialSpec? }`.
   * @param b - model options (`initStrategy`, `initializeModel`), when `a` is a model.
   * @param name - the kernel's name for messages.
   */
  protected constructor(a: PotentialSource | Model<Args, Sites>, b: ModelSource, name: string) {
    if (typeof a === "function") {
      this.model = a as unknown as Model;
      this.modelOptions = b;
      return;
    }
    if (typeof a?.potentialFn !== "function") {
      throw new PhloxError(
        "kernel-no-potential",
        `${name}: pass a model function or { potentialFn, initParams, ... } (got ${a === null ? "null" : typeof a}).`,
      );
    }
    this.raw = a;
    this.potential = a.potentialFn;
    if (a.layout) this.siteLayout = completeLayout(a.layout);
    const fromLayout = this.siteLayout?.reduce((s, l) => s + l.size, 0);
    if (a.initParams && fromLayout !== undefined && a.initParams.length !== fromLayout) {
      throw new PhloxError(
        "kernel-bad-init-params",
        `${name}: initParams has length ${a.initParams.length} but layout sums to ${fromLayout}.`,
      );
    }
    const d = a.initParams?.length ?? fromLayout ?? a.dim;
    if (d === undefined || !(Number.isInteger(d) && d >= 1)) {
      throw new PhloxError(
        "kernel-unknown-dim",
        `${name}: give initParams, layout or dim (an integer ≥ 1) so the dimension is known (got ${d}).`,
      );
    }
  }

  /** Sites of the flat vector (known after the first `init` for models). */
  get layout(): readonly SiteLayout[] | undefined {
    return this.siteLayout;
  }

  /** Loads `@phlox/infer`'s `initializeModel` for a model kernel given no initialiser (MCMC calls this). */
  async prepare(): Promise<void> {
    if (!this.model) return;
    if (!this.modelOptions?.initializeModel) {
      this.modelOptions = {
        ...this.modelOptions,
        initializeModel: inferInitializeModel as unknown as ModelPotentialFactory,
      };
    }
    this.logLik = inferLogLikelihood as unknown as LogLikelihoodFn;
  }

  /**
   * The chain's starting point and the key of its sampler; for a model, builds the potential on first use
   * (or when the model arguments change).
   */
  protected start(args: KernelInitArgs<Args>): { z0: Float64Array; key: KeyPair } {
    const current = this.modelPotential && { potential: this.modelPotential, args: this.modelArgs };
    const source = {
      model: this.model,
      modelOptions: this.modelOptions,
      current,
      raw: this.raw,
      layout: this.siteLayout,
    };
    const { z0, key, built } = startChain(source, args as KernelInitArgs, this.kind);
    if (built) {
      this.modelPotential = built;
      this.modelArgs = args.modelArgs;
      this.potential = built.potentialFn;
      this.siteLayout = built.layout;
    }
    if (z0.length === 0) {
      throw new PhloxError("kernel-empty", `${this.kind}.init: the parameter vector is empty (d = 0).`);
    }
    return { z0, key };
  }

  /** The potential, which is known once `init` ran. */
  protected get U(): PotentialFn {
    const u = this.potential;
    if (!u)
      throw new PhloxError("kernel-not-initialised", `${this.kind}: call init (MCMC does) before sample.`);
    return u;
  }

  abstract init(args: KernelInitArgs<Args>): S;
  abstract sample(state: S): S;
  abstract diagnostics(state: S): string;
  abstract stateToJSON(state: S): unknown;
  abstract stateFromJSON(json: unknown): S;
  /** The JSON options a worker passes back to the constructor. */
  protected abstract workerOptions(): Record<string, unknown>;

  /** Named values of one flat draw: the model's constrained values, `postprocessFn`, the layout, or `{ z }`. */
  postprocess(z: Float64Array): Record<Sites, SiteValue> {
    return this.postprocessSites(z) as Record<Sites, SiteValue>;
  }

  private postprocessSites(z: Float64Array): Record<string, SiteValue> {
    if (this.modelPotential) return this.modelPotential.postprocess(z);
    if (this.raw?.postprocessFn) {
      const out: Record<string, SiteValue> = {};
      for (const [k, v] of Object.entries(this.raw.postprocessFn(z))) {
        out[k] = v instanceof Float64Array ? { data: v, shape: [v.length] } : v;
      }
      return out;
    }
    if (this.siteLayout) return splitByLayout(z, this.siteLayout, {});
    return { z: { data: Float64Array.from(z), shape: [z.length] } };
  }

  /** Many draws at once, through the model potential's batch postprocess (models only). */
  postprocessBatch(zs: Float64Array, n: number): Record<string, SiteValue> | undefined {
    return this.modelPotential?.postprocessBatch?.(zs, n);
  }

  /**
   * Pointwise log-likelihood of each observed site at each draw (via `@phlox/infer`'s `logLikelihood`).
   * @throws PhloxError for kernels built from a raw potential, or before `MCMC.run`.
   */
  logLikelihood(samples: Record<string, SiteValue>): Record<string, SiteValue> {
    if (!this.model || !this.modelArgs || !this.logLik) {
      throw new PhloxError(
        "kernel-no-model",
        `${this.kind}.logLikelihood: needs a model kernel run through MCMC (a raw potential has no observed sites).`,
      );
    }
    return toSiteValues(this.logLik(this.model, samples, this.modelArgs, { batchNdims: 1 }), {});
  }

  /** Dimension names per site from the model's plates (ArviZ's `infer_dims`), after init. */
  siteDims(): Record<string, string[]> {
    return plateDims(this.modelPotential) ?? Object.create(null);
  }

  /** The observed values of the model's observed sites, from the trace recorded at init. */
  observations(): Record<string, SiteValue> {
    const out = observedSites(this.modelPotential, {});
    if (!out)
      throw new PhloxError(
        "kernel-no-model",
        `${this.kind}.observations: needs a model kernel run through MCMC.`,
      );
    return out;
  }

  /**
   * How a worker rebuilds this kernel (`chainMethod: "parallel"`): the potential's spec (`potentialSpec`, or
   * the compiled model potential's `serialize()`) plus the options.
   * @throws PhloxError if the potential cannot be serialised.
   */
  workerSpec(): WorkerPotentialSpec {
    const spec = this.raw?.potentialSpec ?? this.modelPotential?.serialize?.();
    if (!spec) {
      throw new PhloxError(
        "kernel-not-serialisable",
        `${this.kind}: chainMethod "parallel" needs a serialisable potential. Pass potentialSpec: { module, exportName, payload } ` +
          `(a module whose export builds the PotentialFn in a worker), or use chainMethod "sequential" / "vectorized".`,
      );
    }
    const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    const payload: KernelWorkerPayload = {
      kind: this.kind,
      options: this.workerOptions(),
      potential: { ...spec, module: resolveFromHere(spec.module) },
    };
    return {
      module: new URL(/* webpackIgnore: true */ `./worker-kernels${ext}`, import.meta.url).href,
      exportName: "buildWorkerKernel",
      payload,
    };
  }
}

/** Picks the defined keys of `o` among `keys` (for worker options). */
export function pickDefined(o: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rec = o as Record<string, unknown>;
  for (const k of keys) {
    const v = rec[k];
    if (v === undefined) continue;
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  }
  return out;
}

/** Index drawn uniformly from {0, …, n − 1}. */
export function randInt(rng: ChainRandom, n: number): number {
  return Math.min(n - 1, Math.floor(rng.uniform() * n));
}

/** A Exponential(1) draw. */
export function exponential(rng: ChainRandom): number {
  return -Math.log(1 - rng.uniform());
}

/** Restores a ChainRandom from its `getState()`. */
export function rngFrom(state: ReturnType<ChainRandom["getState"]>): ChainRandom {
  const r = new ChainRandom([0, 0]);
  r.setState(state);
  return r;
}
