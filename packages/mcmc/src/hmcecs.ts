import { compileValueAndGrad, type ExtraInput, type ValueAndGradFn } from "@phlox/backend-js";
import { initializeModel as inferInitializeModel } from "@phlox/infer";
import {
  ChainRandom,
  type ChainRandomState,
  PhloxError,
  splitKey,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import {
  type HMCCore,
  type HMCOptions,
  type HMCState,
  type HMCStateJSON,
  hmc,
  hmcStateFromJSON,
  hmcStateToJSON,
} from "./hmc.js";
import type { HMC, Model, ModelKernelOptions, ModelPotential, ModelPotentialFactory } from "./hmc-kernel.js";
import {
  differenceEstimator,
  findSubsamplePlates,
  type PlateIndices,
  type PlateProxy,
  type ProxyTotals,
  type SubsamplePlate,
  splitPotential,
  swapRows,
  type TensorProxy,
  withIndices,
} from "./internal/ecs-model.js";
import { TABLE_MAX, TaylorSource } from "./internal/ecs-proxy.js";
import { copyHMCOptions } from "./internal/potential-source.js";
import type { Kernel, KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "./kernel.js";
import { randInt, rngFrom } from "./potential-kernel.js";
import {
  type BuiltWith,
  checkWorkerModule,
  type KernelModuleSpec,
  modelKernelWorkerSpec,
} from "./worker-model-kernel.js";

/** A Taylor-expansion control variate for the log-likelihood (see {@link taylorProxy}). */
export interface TaylorProxy {
  readonly type: "taylor";
  /** Constrained values of every latent site at the reference point (e.g. the MAP), by site name. */
  readonly referenceParams: Readonly<Record<string, ArrayLike<number> | number>>;
  readonly degree: 1 | 2;
}

/**
 * A Taylor-expansion proxy of each datum's log-likelihood around `referenceParams` (NumPyro's
 * `HMCECS.taylor_proxy`; Bardenet, Doucet & Holmes 2017): with it HMCECS uses the difference estimator
 * Σ_all q(θ) + N·mean(ℓ − q) − N²/(2m)·var(ℓ − q) on the subsample, whose variance is small near θ̂.
 * @param referenceParams - constrained values of every latent site (a MAP or posterior-mean estimate).
 * @param degree - 1 or 2 (default 2).
 */
export function taylorProxy(
  referenceParams: Readonly<Record<string, ArrayLike<number> | number>>,
  degree: 1 | 2 = 2,
): TaylorProxy {
  if (degree !== 1 && degree !== 2) {
    throw new PhloxError("hmcecs-bad-degree", `taylorProxy: degree must be 1 or 2, got ${degree}.`);
  }
  return { type: "taylor", referenceParams, degree };
}

/** Options of {@link HMCECS} (NumPyro's names). */
export interface HMCECSOptions {
  /** Number of blocks the subsample indices are split into; each step proposes new indices for one block. Default 1. */
  numBlocks?: number;
  /** {@link taylorProxy}, or none for naive subsampling (the plate's N/m scaling). */
  proxy?: TaylorProxy;
  /**
   * With a proxy: the number of coefficients up to which a plate's per-datum Taylor coefficients at the
   * reference point, N·(1 + d) at degree 1 or N·(1 + d + d²) at degree 2, are computed once for every data
   * point and kept in a table (memory: 8 bytes each), from which each proposal's are read. Above it, each
   * proposed subsample's coefficients are computed when proposed. Default 2²⁴ (128 MiB); 0 never tabulates.
   */
  taylorTableMax?: number;
  /**
   * With a proxy: `false` differentiates the model eagerly for the Taylor coefficients instead of compiling
   * their programs (slower; the coefficients agree to about 1e-12). Default `true`; a model that cannot be
   * compiled (it reads a traced value) runs eagerly either way.
   */
  compileTaylor?: boolean;
  /**
   * How a worker rebuilds this kernel for `chainMethod: "parallel"` (the model is a closure): a module that
   * exports a function building the same kernel (see `KernelModuleSpec`).
   */
  workerModule?: KernelModuleSpec;
}

interface ECSPart {
  /** Indices per subsampled plate. */
  idx: Record<string, Int32Array>;
  /** Taylor coefficients of the current subsample, per plate (with a proxy). */
  proxy: Record<string, PlateProxy>;
  rng: ChainRandom;
}

/** State of an {@link HMCECS} chain: the HMC/NUTS state plus the subsample indices. */
export type HMCECSState = HMCState & { ecs: ECSPart; gibbsAcceptProb: number };

interface HMCECSStateJSON {
  hmc: HMCStateJSON;
  gibbsAcceptProb: number;
  idx: Record<string, number[]>;
  proxy: Record<string, { l: number[]; g: number[]; h: number[] }>;
  rng: ChainRandomState;
}

/**
 * HMC with Energy Conserving Subsampling (NumPyro's `HMCECS`; Dang et al. 2019): HMC or NUTS within Gibbs
 * for models with subsampled plates (`plate(name, N, { subsampleSize: m })`). Each step first proposes new
 * subsample indices for one of `numBlocks` blocks (drawn uniformly with replacement) and accepts them with
 * probability min(1, e^{U − U'}) at the current θ, then makes one HMC/NUTS transition on the subsampled
 * potential. With `proxy: taylorProxy(ref)` the log-likelihood is the difference estimator around `ref`
 * (control variates); without, the subsample is scaled by N/m (naive subsampling).
 *
 * The subsampled potential is compiled once, with the subsample indices (and the proxy's coefficients) as
 * inputs, and checked against eager autodiff at the start; a model that cannot be compiled runs eagerly.
 * The proxy's per-datum Taylor coefficients at `ref` (ℓᵢ, ∇ℓᵢ and for degree 2 ∇²ℓᵢ, forward mode batched over
 * the d directions, as NumPyro's jitted `jacobian`/`hessian`) are compiled too, once per model arguments, with
 * the indices as inputs, and checked against eager autodiff: they are computed once for every data point while
 * they fit in `taylorTableMax` numbers (default 2²⁴: N·(1 + d), or N·(1 + d + d²) for degree 2), else for each
 * proposed subsample; the whole-data totals are summed over chunks of m by a compiled reverse-mode program.
 *
 * Chains run "sequential", "vectorized" (in lockstep, one chain after another at each step) or "parallel"
 * (one worker per chain, with the `workerModule` option, since the model is a closure). Extra fields: HMC's plus `gibbsAcceptProb`.
 * @example
 * const kernel = new HMCECS(new NUTS(model), { numBlocks: 10, proxy: taylorProxy({ coefs: mapCoefs }) });
 * await new MCMC(kernel, { numWarmup: 500, numSamples: 500 }).run(0, X, y);
 */
export class HMCECS<Args extends readonly unknown[] = readonly unknown[], Sites extends string = string>
  implements Kernel<HMCECSState, Args, Sites>
{
  readonly sampleField = "z";
  readonly defaultFields: readonly string[] = [
    "diverging",
    "potentialEnergy",
    "numSteps",
    "acceptProb",
    "meanAcceptProb",
    "stepSize",
    "gibbsAcceptProb",
  ];
  /** Validated options with defaults. */
  readonly numBlocks: number;
  readonly proxy?: TaylorProxy;
  /** See {@link HMCECSOptions.taylorTableMax}. */
  readonly taylorTableMax: number;
  /** See {@link HMCECSOptions.compileTaylor}. */
  readonly compileTaylor: boolean;
  private readonly model: Model;
  private modelOptions: ModelKernelOptions;
  private readonly core: HMCCore;
  private info?: ModelPotential & { unconstrain?: (v: Record<string, unknown>) => Float64Array };
  private args?: readonly unknown[];
  private plates: SubsamplePlate[] = [];
  private ref?: Float64Array;
  /** The proxy's whole-data totals and each subsample's coefficients (once per model arguments). */
  private taylorSource?: TaylorSource;
  private current?: ECSPart;
  /** The compiled subsampled potential (indices and proxy coefficients as inputs), when the model compiles. */
  private compiled?: ValueAndGradFn;
  private readonly workerModule?: KernelModuleSpec;
  private built?: BuiltWith;

  /**
   * @param inner - an HMC or NUTS kernel built from a model: `new HMCECS(new NUTS(model, opts), { numBlocks, proxy })`.
   * @param options - `numBlocks` (default 1) and `proxy`.
   * @throws PhloxError when `inner` was built from a potential, or for a bad `numBlocks`.
   */
  constructor(inner: HMC<Args, Sites>, options: HMCECSOptions = {}) {
    const source = inner?.modelSource;
    if (!source) {
      throw new PhloxError(
        "hmcecs-needs-model",
        "HMCECS: the inner kernel must be built from a model with a subsampled plate, e.g. new HMCECS(new NUTS(model)).",
      );
    }
    const numBlocks = options.numBlocks ?? 1;
    if (!(Number.isInteger(numBlocks) && numBlocks >= 1)) {
      throw new PhloxError(
        "hmcecs-bad-num-blocks",
        `HMCECS: numBlocks must be an integer ≥ 1, got ${numBlocks}.`,
      );
    }
    const tableMax = options.taylorTableMax ?? TABLE_MAX;
    if (!(typeof tableMax === "number" && tableMax >= 0 && !Number.isNaN(tableMax))) {
      throw new PhloxError(
        "hmcecs-bad-table-max",
        `HMCECS: taylorTableMax must be a number ≥ 0, got ${String(options.taylorTableMax)}.`,
      );
    }
    this.taylorTableMax = tableMax;
    this.compileTaylor = options.compileTaylor ?? true;
    if (options.proxy !== undefined && options.proxy?.type !== "taylor") {
      throw new PhloxError(
        "hmcecs-bad-proxy",
        "HMCECS: proxy must be taylorProxy(referenceParams, degree) or omitted.",
      );
    }
    this.numBlocks = numBlocks;
    this.proxy = options.proxy;
    this.workerModule = checkWorkerModule("HMCECS", options.workerModule);
    this.model = source.model;
    this.modelOptions = source.options;
    const hmcOptions = copyHMCOptions<HMCOptions>(source.options, { algo: inner.core.options.algo });
    if (source.options.inverseMassMatrix !== undefined)
      hmcOptions.inverseMassMatrix = source.options.inverseMassMatrix;
    this.core = hmc((z, g) => this.potential(z, g), hmcOptions);
  }

  /** The subsampled potential estimator's proxy, as NumPyro's `HMCECS.taylor_proxy`. */
  static taylorProxy = taylorProxy;

  /** Sites of the flat vector (after `init`). */
  get layout(): readonly SiteLayout[] | undefined {
    return this.info?.layout;
  }

  /** Loads `@phlox/infer`'s `initializeModel` when no initialiser was given (MCMC calls this). */
  async prepare(): Promise<void> {
    if (!this.modelOptions.initializeModel) {
      this.modelOptions = {
        ...this.modelOptions,
        initializeModel: inferInitializeModel as unknown as ModelPotentialFactory,
      };
    }
  }

  /**
   * The subsampled potential as a tensor function of `z`, the subsample indices and (with a proxy) the
   * subsample's Taylor coefficients: the eager path calls it with arrays, the compiled one traces it with
   * the indices and coefficients as inputs.
   */
  private potentialTensor(
    zt: Tensor,
    idx: PlateIndices,
    proxyCoefs: Readonly<Record<string, PlateProxy | TensorProxy>>,
  ): Tensor {
    const { rest, logLik } = splitPotential(
      this.model,
      this.args ?? [],
      this.info?.layout ?? [],
      this.plates,
      zt,
      idx,
    );
    let u = rest;
    for (const p of this.plates) {
      const ll = logLik.get(p.name);
      if (!ll) {
        throw new PhloxError(
          "hmcecs-no-likelihood",
          `HMCECS: the subsampled plate "${p.name}" holds no observed site; its subsample indices would have nothing to estimate.`,
        );
      }
      if (this.proxy && this.ref) {
        u = u.sub(
          differenceEstimator(
            ll,
            zt,
            this.ref,
            proxyCoefs[p.name],
            (this.taylorSource as TaylorSource).totals.get(p.name) as ProxyTotals,
            p.size,
          ),
        );
      } else {
        u = u.sub(ll.sum().mul(p.size / p.subsampleSize));
      }
    }
    return u;
  }

  /** The compiled potential's inputs after `grad`: per plate, the indices and (proxy) l, g, h. */
  private compiledInputs(e: ECSPart): (Int32Array | Float64Array)[] {
    const out: (Int32Array | Float64Array)[] = [];
    for (const p of this.plates) {
      out.push(e.idx[p.name]);
      if (!this.proxy) continue;
      const c = e.proxy[p.name];
      out.push(c.l, c.g);
      if (this.proxy.degree === 2) out.push(c.h);
    }
    return out;
  }

  /** U(z) and ∇U by eager autodiff (the model run with the indices of `e`). */
  private eagerPotential(z: Float64Array, grad: Float64Array, e: ECSPart): number {
    const [v, g] = valueAndGrad((zt: Tensor) => this.potentialTensor(zt, e.idx, e.proxy))(tensor(z)) as [
      Tensor,
      Tensor,
    ];
    grad.set(g.dataSync() as ArrayLike<number>);
    return (v.dataSync() as ArrayLike<number>)[0];
  }

  /**
   * Compiles the subsampled potential with the indices and proxy coefficients as inputs (once per model
   * arguments), checked against eager autodiff at `z0`; leaves the eager path when the model cannot be
   * compiled (it reads a traced value) or the two disagree.
   */
  private compilePotential(z0: Float64Array, e: ECSPart): void {
    this.compiled = undefined;
    const d = z0.length;
    if (d === 0) return;
    const degree = this.proxy?.degree;
    const extraInputs: ExtraInput[] = [];
    for (const p of this.plates) {
      const m = p.subsampleSize;
      extraInputs.push({ shape: [m], dtype: "int32" });
      if (degree === undefined) continue;
      extraInputs.push({ shape: [m], dtype: "float64" }, { shape: [m * d], dtype: "float64" });
      if (degree === 2) extraInputs.push({ shape: [m * d * d], dtype: "float64" });
    }
    let fn: ValueAndGradFn;
    try {
      fn = compileValueAndGrad(
        (z: Tensor, ...ins: Tensor[]) => {
          let k = 0;
          const idx: Record<string, Tensor> = {};
          const coefs: Record<string, TensorProxy> = {};
          for (const p of this.plates) {
            idx[p.name] = ins[k++];
            if (degree === undefined) continue;
            const l = ins[k++];
            const g = ins[k++];
            coefs[p.name] = { l, g, h: degree === 2 ? ins[k++] : tensor(new Float64Array(0)) };
          }
          return this.potentialTensor(z, idx, coefs);
        },
        d,
        { extraInputs },
      ).fn;
    } catch {
      return; // e.g. the model branches on a value: stay eager
    }
    const ge = new Float64Array(d);
    const gc = new Float64Array(d);
    const ve = this.eagerPotential(z0, ge, e);
    const vc = fn(z0, gc, ...this.compiledInputs(e));
    let ok = Math.abs(ve - vc) <= 1e-8 * (1 + Math.abs(ve));
    for (let i = 0; ok && i < d; i++) ok = Math.abs(ge[i] - gc[i]) <= 1e-7 * (1 + Math.abs(ge[i]));
    if (ok) this.compiled = fn;
  }

  /** U(z) and ∇U for the indices (and proxy) of the chain being stepped. */
  private potential(z: Float64Array, grad: Float64Array): number {
    const e = this.current;
    if (!e || !this.info || !this.args)
      throw new PhloxError("hmcecs-not-initialised", "HMCECS: call init first.");
    if (this.compiled) return this.compiled(z, grad, ...this.compiledInputs(e));
    return this.eagerPotential(z, grad, e);
  }

  /** Starts a chain: finds the subsampled plates, draws indices, builds the proxy, initialises HMC/NUTS. */
  init(args: KernelInitArgs<Args>): HMCECSState {
    const [kInit, kGibbs, kHmc] = splitKey(args.key, 3);
    const factory = this.modelOptions.initializeModel;
    if (!factory) {
      throw new PhloxError(
        "hmcecs-no-initializer",
        "HMCECS: no model initialiser. Run it through MCMC (which loads @phlox/infer's initializeModel) or pass { initializeModel } to the inner kernel.",
      );
    }
    const fresh = this.args !== args.modelArgs;
    if (fresh) {
      this.plates = findSubsamplePlates(this.model, args.modelArgs, kInit[1]);
      if (this.plates.length === 0) {
        throw new PhloxError(
          "hmcecs-no-subsample",
          'HMCECS: cannot detect any subsampled plate in the model; use plate(name, size, { subsampleSize }) with subsampleSize < size (e.g. plate("N", 10000, { subsampleSize: 100 })).',
        );
      }
      for (const p of this.plates) {
        if (this.numBlocks > p.subsampleSize) {
          throw new PhloxError(
            "hmcecs-bad-num-blocks",
            `HMCECS: numBlocks = ${this.numBlocks} exceeds the subsample size ${p.subsampleSize} of plate "${p.name}".`,
          );
        }
      }
    }
    const rng = new ChainRandom(kGibbs);
    const idx: Record<string, Int32Array> = {};
    for (const p of this.plates) {
      const u = new Int32Array(p.subsampleSize);
      for (let i = 0; i < u.length; i++) u[i] = randInt(rng, p.size);
      idx[p.name] = u;
    }
    if (fresh) {
      this.info = factory(kInit, withIndices(this.model, idx) as Model, args.modelArgs, {
        initStrategy: this.modelOptions.initStrategy,
        jit: false,
      } as never) as ModelPotential & { unconstrain?: (v: Record<string, unknown>) => Float64Array };
      this.args = args.modelArgs;
      this.built = { key: [args.key[0], args.key[1]], numWarmup: args.numWarmup, modelArgs: args.modelArgs };
      if (this.proxy) this.buildProxy(idx);
    }
    const info = this.info as ModelPotential;
    let z0 = fresh
      ? Float64Array.from(info.initialZ)
      : (info.initialize?.(kInit) ?? Float64Array.from(info.initialZ));
    if (args.initParams) {
      if (args.initParams.length !== z0.length) {
        throw new PhloxError(
          "hmcecs-bad-init-params",
          `HMCECS.init: initParams has length ${args.initParams.length}, expected ${z0.length}.`,
        );
      }
      z0 = Float64Array.from(args.initParams);
    }
    const ecs: ECSPart = { idx, proxy: {}, rng };
    if (this.proxy) for (const p of this.plates) ecs.proxy[p.name] = this.taylor(p, idx);
    this.current = ecs;
    if (fresh) this.compilePotential(Float64Array.from(info.initialZ), ecs);
    const s = this.core.init(z0, kHmc, args.numWarmup) as HMCECSState;
    s.ecs = ecs;
    s.gibbsAcceptProb = 0;
    return s;
  }

  /** Reference point and whole-data Taylor sums (once per model arguments). */
  private buildProxy(idx: Record<string, Int32Array>): void {
    const proxy = this.proxy as TaylorProxy;
    const info = this.info as {
      unconstrain?: (v: Record<string, unknown>) => Float64Array;
      layout: SiteLayout[];
    };
    if (!info.unconstrain)
      throw new PhloxError("hmcecs-no-unconstrain", "HMCECS: the model initialiser gives no unconstrain().");
    const values: Record<string, unknown> = {};
    for (const l of info.layout) {
      const v = proxy.referenceParams[l.name];
      if (v === undefined) {
        throw new PhloxError(
          "hmcecs-missing-reference",
          `HMCECS: taylorProxy's referenceParams has no value for latent site "${l.name}" (give every latent site).`,
        );
      }
      values[l.name] = typeof v === "number" ? v : tensor(Float64Array.from(v as ArrayLike<number>));
    }
    this.ref = info.unconstrain(values);
    this.taylorSource = new TaylorSource(
      {
        model: this.model,
        args: this.args ?? [],
        layout: info.layout,
        plates: this.plates,
        ref: this.ref,
        degree: proxy.degree,
      },
      idx,
      { tableMax: this.taylorTableMax, compile: this.compileTaylor },
    );
  }

  /**
   * How each subsampled plate's Taylor coefficients are found after `init` (with a proxy): `"table"` (every
   * data point's, computed once), `"compiled"` (each proposal's, by the compiled program) or `"eager"`.
   */
  get taylorModes(): Readonly<Record<string, "table" | "compiled" | "eager">> {
    return Object.fromEntries(this.taylorSource?.modes ?? []);
  }

  /** The Taylor coefficients of the subsample `idx[plate]` (see {@link TaylorSource.of}). */
  private taylor(plate: SubsamplePlate, idx: Record<string, Int32Array>): PlateProxy {
    return (this.taylorSource as TaylorSource).of(plate, idx);
  }

  /** One step: block Gibbs update of the indices (energy-conserving MH), then one HMC/NUTS transition. */
  sample(s: HMCECSState): HMCECSState {
    const e = s.ecs;
    this.current = e;
    // Propose new indices for one block of each plate (NumPyro's _update_block).
    const idxNew: Record<string, Int32Array> = {};
    // The proposal's Taylor coefficients: only the new block's are computed (as NumPyro's
    // _block_update_proxy), written over the current ones in place; a rejection writes the old rows back.
    const displaced: { plate: string; start: number; rows: PlateProxy }[] = [];
    for (const p of this.plates) {
      const m = p.subsampleSize;
      const blockSize = Math.floor((m - 1) / this.numBlocks) + 1;
      const block = randInt(e.rng, this.numBlocks);
      const start = block * blockSize;
      const end = Math.min(m, start + blockSize);
      const u = Int32Array.from(e.idx[p.name]);
      for (let i = start; i < start + blockSize; i++) {
        const v = randInt(e.rng, p.size);
        if (i < end) u[i] = v;
      }
      idxNew[p.name] = u;
      if (this.proxy) {
        const sub = { ...e.idx, [p.name]: u };
        const rows = (this.taylorSource as TaylorSource).ofBlock(p, sub, start, end - start, blockSize);
        displaced.push({ plate: p.name, start, rows: swapRows(e.proxy[p.name] as PlateProxy, rows, start) });
      }
    }
    const proposal: ECSPart = { idx: { ...e.idx, ...idxNew }, proxy: e.proxy, rng: e.rng };
    this.current = proposal;
    const grad = new Float64Array(s.z.length);
    const peNew = this.potential(s.z, grad);
    const acceptProb = Number.isNaN(peNew) ? 0 : Math.min(1, Math.exp(s.potentialEnergy - peNew));
    if (e.rng.uniform() < acceptProb) {
      e.idx = proposal.idx;
      s.potentialEnergy = peNew;
      s.zGrad.set(grad);
    } else {
      for (const r of displaced) swapRows(e.proxy[r.plate] as PlateProxy, r.rows, r.start);
    }
    s.gibbsAcceptProb = acceptProb;
    this.current = e;
    this.core.step(s);
    return s;
  }

  /** Constrained values of one draw (the indices are not reported). */
  postprocess(z: Float64Array): Record<Sites, SiteValue> {
    if (!this.info)
      return { z: { data: Float64Array.from(z), shape: [z.length] } } as Record<Sites, SiteValue>;
    return this.info.postprocess(z) as Record<Sites, SiteValue>;
  }

  /**
   * How a worker rebuilds this kernel (`chainMethod: "parallel"`): the `workerModule` option's builder, then
   * the first chain's `init` replayed on the run's arguments.
   * @throws PhloxError (`parallel-needs-module`) without `workerModule`, naming the fix.
   */
  workerSpec(): WorkerPotentialSpec {
    return modelKernelWorkerSpec(
      "HMCECS",
      this.workerModule,
      this.built,
      this.layout,
      "the model (a closure)",
    );
  }

  /** e.g. "7 steps of size 5.12e-1. acc. prob=0.86". */
  diagnostics(s: HMCECSState): string {
    return `${s.numSteps} steps of size ${s.stepSize.toExponential(2)}. acc. prob=${s.meanAcceptProb.toFixed(2)}`;
  }

  /** JSON form of a chain's state (for `postWarmupState`, `lastState` and parallel chains). */
  stateToJSON(s: HMCECSState): HMCECSStateJSON {
    const proxy: HMCECSStateJSON["proxy"] = {};
    for (const [k, v] of Object.entries(s.ecs.proxy))
      proxy[k] = { l: Array.from(v.l), g: Array.from(v.g), h: Array.from(v.h) };
    const idx: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(s.ecs.idx)) idx[k] = Array.from(v);
    return {
      hmc: hmcStateToJSON(s),
      gibbsAcceptProb: s.gibbsAcceptProb,
      idx,
      proxy,
      rng: s.ecs.rng.getState(),
    };
  }

  /** Inverse of `stateToJSON`. */
  stateFromJSON(json: unknown): HMCECSState {
    const j = json as HMCECSStateJSON;
    const s = hmcStateFromJSON(j.hmc) as HMCECSState;
    const idx: Record<string, Int32Array> = {};
    for (const [k, v] of Object.entries(j.idx)) idx[k] = Int32Array.from(v);
    const proxy: Record<string, PlateProxy> = {};
    for (const [k, v] of Object.entries(j.proxy)) {
      proxy[k] = { l: Float64Array.from(v.l), g: Float64Array.from(v.g), h: Float64Array.from(v.h) };
    }
    s.ecs = { idx, proxy, rng: rngFrom(j.rng) };
    s.gibbsAcceptProb = j.gibbsAcceptProb;
    return s;
  }
}
