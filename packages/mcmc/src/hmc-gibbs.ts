import { initializeModel as inferInitializeModel, logLikelihood as inferLogLikelihood } from "@phlox/infer";
import {
  ChainRandom,
  type ChainRandomState,
  type Key,
  type KeyPair,
  PhloxError,
  splitKey,
  type Tensor,
  type TensorLike,
  tensor,
} from "@phlox/tensor";
import { dualAveraging } from "./adaptation/dual-averaging.js";
import { buildAdaptationSchedule } from "./adaptation/schedule.js";
import { welfordCovariance } from "./adaptation/welford.js";
import {
  type HMCCore,
  type HMCOptions,
  type HMCState,
  type HMCStateJSON,
  hmc,
  hmcStateFromJSON,
  hmcStateToJSON,
} from "./hmc.js";
import type { HMC, Model, ModelKernelOptions, ModelPotentialFactory } from "./hmc-kernel.js";
import {
  buildGibbsPotential,
  chainStartValues,
  combinedLayout,
  type GibbsPart,
  type GibbsPotential,
  joinPosition,
  latentSites,
  type ProtoSite,
  postprocessPosition,
  priorTrace,
  quoteNames,
} from "./internal/gibbs-model.js";
import { copyHMCOptions, observedSites, toSiteValues } from "./internal/potential-source.js";
import type { Kernel, KernelInitArgs, SiteLayout, SiteValue, WorkerPotentialSpec } from "./kernel.js";
import { rngFrom } from "./potential-kernel.js";
import {
  type BuiltWith,
  checkWorkerModule,
  type KernelModuleSpec,
  modelKernelWorkerSpec,
} from "./worker-model-kernel.js";

/** Options of {@link HMCGibbs}. */
export interface HMCGibbsOptions {
  /**
   * How a worker rebuilds this kernel for `chainMethod: "parallel"`: a module that exports a function
   * building the same kernel (see {@link KernelModuleSpec}). Needed there because `gibbsFn` and the model
   * are closures, which cannot be sent to a worker.
   */
  workerModule?: KernelModuleSpec;
}

/**
 * A user's Gibbs update (NumPyro's `gibbs_fn`): new values of the Gibbs sites drawn from (or towards) their
 * conditional given the HMC sites. `gibbsSites` holds their current values, `hmcSites` the constrained
 * values of the HMC sites (and deterministic sites); use `rngKey` for every random draw.
 */
export type GibbsFn = (
  rngKey: Key,
  gibbsSites: Readonly<Record<string, Tensor>>,
  hmcSites: Readonly<Record<string, Tensor>>,
) => Readonly<Record<string, TensorLike>>;

/** State of an {@link HMCGibbs} (and {@link DiscreteHMCGibbs}, `MixedHMC`) chain. */
export type HMCGibbsState = HMCState & GibbsPart;

/** JSON form of an {@link HMCGibbsState}. */
export interface HMCGibbsStateJSON {
  hmc: HMCStateJSON;
  gibbs: number[];
  gibbsKey: [number, number];
  gibbsRng: ChainRandomState;
  extra?: Record<string, number>;
}

const FIELDS = [
  "diverging",
  "potentialEnergy",
  "numSteps",
  "treeDepth",
  "acceptProb",
  "meanAcceptProb",
  "stepSize",
] as const;

/**
 * HMC-within-Gibbs (NumPyro's `HMCGibbs`): each step first replaces the `gibbsSites` by
 * `gibbsFn(rngKey, gibbsSites, hmcSites)`, then makes one HMC/NUTS transition of the other latent sites on
 * the potential of the model conditioned on the new Gibbs values. It is the user's task to make
 * `gibbsFn` sample the right conditional. Draws (`getSamples`) hold both kinds of sites.
 *
 * Chains run "sequential", "vectorized" (in lockstep, one chain after another at each step) or "parallel"
 * (one worker per chain, with the `workerModule` option: `gibbsFn` and the model are closures, so a worker
 * imports a module that builds the same kernel); all three give the same draws for the same key.
 * @example
 * // NumPyro's docstring example: x by an exact Gibbs step, y by NUTS.
 * const model = () => {
 *   const x = sample("x", new Normal(0, 2));
 *   const y = sample("y", new Normal(0, 2));
 *   sample("obs", new Normal(add(x, y), 1), { obs: tensor([1]) });
 * };
 * const gibbsFn: GibbsFn = (rngKey, _gibbs, hmcSites) => {
 *   const y = hmcSites.y;
 *   return { x: new Normal(mul(sub(1, y), 0.8), Math.sqrt(0.8)).sample(rngKey) };
 * };
 * const mcmc = new MCMC(new HMCGibbs(new NUTS(model), gibbsFn, ["x"]), { numWarmup: 100, numSamples: 100 });
 * await mcmc.run(0);
 */
export class HMCGibbs implements Kernel<HMCGibbsState> {
  readonly sampleField = "position";
  readonly defaultFields: readonly string[] = FIELDS;
  /** The inner kernel's options (HMC/NUTS), with the model initialiser once `prepare` ran. */
  protected modelOptions: ModelKernelOptions;
  protected readonly model: Model;
  protected readonly core: HMCCore;
  protected readonly algo: "HMC" | "NUTS";
  /** The conditioned model potential (after the first `init`). */
  protected info?: GibbsPotential;
  protected args?: readonly unknown[];
  /** The Gibbs sites (given, or found by subclasses at the first `init`). */
  protected gibbsSiteNames: readonly string[];
  private readonly gibbsFn?: GibbsFn;
  /** How a worker rebuilds this kernel (`chainMethod: "parallel"`). */
  protected readonly workerModule?: KernelModuleSpec;
  /** The `init` that built the conditioned potential (replayed in workers). */
  protected built?: BuiltWith;
  private readonly gradScratch = { g: new Float64Array(0) };

  /**
   * @param innerKernel - an HMC or NUTS kernel built from a model: `new HMCGibbs(new NUTS(model), gibbsFn, ["x"])`.
   * @param gibbsFn - the Gibbs update of `gibbsSites` (see {@link GibbsFn}).
   * @param gibbsSites - names of the latent sites `gibbsFn` updates.
   * @param options - `workerModule`, for `chainMethod: "parallel"`.
   * @throws PhloxError when `innerKernel` is not an HMC/NUTS kernel built from a model, `gibbsFn` is not a
   *   function, or `gibbsSites` is empty or not a list of names.
   */
  constructor(innerKernel: HMC, gibbsFn: GibbsFn, gibbsSites: readonly string[], options?: HMCGibbsOptions);
  /** @internal for subclasses, which find their Gibbs sites themselves. */
  constructor(
    innerKernel: HMC,
    gibbsFn: GibbsFn | undefined,
    gibbsSites: readonly string[],
    kernel: string,
    options?: HMCGibbsOptions,
  );
  constructor(
    innerKernel: HMC,
    gibbsFn: GibbsFn | undefined,
    gibbsSites: readonly string[],
    a: string | HMCGibbsOptions = "HMCGibbs",
    b: HMCGibbsOptions = {},
  ) {
    const kernel = typeof a === "string" ? a : "HMCGibbs";
    const options = typeof a === "string" ? b : (a ?? {});
    const source = (innerKernel as Partial<HMC> | null)?.modelSource;
    const algo = (innerKernel as Partial<HMC> | null)?.core?.options?.algo;
    if (!source || (algo !== "HMC" && algo !== "NUTS")) {
      throw new PhloxError(
        "gibbs-bad-inner-kernel",
        `${kernel}: innerKernel must be an HMC or NUTS kernel built from a model, e.g. new ${kernel}(new NUTS(model)${kernel === "HMCGibbs" ? ", gibbsFn, gibbsSites" : ""}); a kernel built from a potential function has no sites to split.`,
      );
    }
    if (kernel === "HMCGibbs") {
      if (typeof gibbsFn !== "function") {
        throw new PhloxError(
          "gibbs-bad-gibbs-fn",
          `HMCGibbs: gibbsFn must be a function (rngKey, gibbsSites, hmcSites) => new values, got ${typeof gibbsFn}.`,
        );
      }
      if (
        !Array.isArray(gibbsSites) ||
        gibbsSites.length === 0 ||
        !gibbsSites.every((n) => typeof n === "string")
      ) {
        throw new PhloxError(
          "gibbs-bad-gibbs-sites",
          'HMCGibbs: gibbsSites must be a non-empty array of site names, e.g. ["x"].',
        );
      }
    }
    this.gibbsFn = gibbsFn;
    this.workerModule = checkWorkerModule(kernel, options.workerModule);
    this.gibbsSiteNames = [...gibbsSites];
    this.model = source.model;
    this.modelOptions = source.options;
    this.algo = algo;
    const hmcOptions = copyHMCOptions<HMCOptions>(source.options, { algo });
    if (source.options.inverseMassMatrix !== undefined)
      hmcOptions.inverseMassMatrix = source.options.inverseMassMatrix;
    this.core = hmc((z, g) => this.potential(z, g), hmcOptions);
  }

  /** The kernel's name in messages. */
  protected get kernelName(): string {
    return "HMCGibbs";
  }

  /** HMC sites then Gibbs sites in the flat position (after `init`). */
  get layout(): readonly SiteLayout[] | undefined {
    return this.info ? combinedLayout(this.info) : undefined;
  }

  /** The names of the Gibbs sites (for DiscreteHMCGibbs/MixedHMC: known after the first `init`). */
  get gibbsSites(): readonly string[] {
    return this.gibbsSiteNames;
  }

  /** NUTS's tree-depth cap (undefined for HMC). */
  get maxTreeDepth(): number | undefined {
    return this.algo === "NUTS" ? this.core.options.maxTreeDepth : undefined;
  }

  /** Loads `@phlox/infer`'s `initializeModel` when the inner kernel was given none (MCMC calls this). */
  async prepare(): Promise<void> {
    if (!this.modelOptions.initializeModel) {
      this.modelOptions = {
        ...this.modelOptions,
        initializeModel: inferInitializeModel as unknown as ModelPotentialFactory,
      };
    }
  }

  /** U(z) at the Gibbs values last set on the model potential. */
  protected potential(z: Float64Array, grad: Float64Array): number {
    if (!this.info) throw new PhloxError("gibbs-not-initialised", `${this.kernelName}: call init first.`);
    return this.info.potentialFn(z, grad);
  }

  /** U(z) and ∇U at Gibbs values `gibbs` (which stay set afterwards). */
  protected potentialAt(z: Float64Array, gibbs: Float64Array, grad?: Float64Array): number {
    const info = this.info as GibbsPotential;
    info.gibbs.set(gibbs);
    let g = grad;
    if (!g) {
      if (this.gradScratch.g.length !== z.length) this.gradScratch.g = new Float64Array(z.length);
      g = this.gradScratch.g;
    }
    return info.potentialFn(z, g);
  }

  /**
   * Checks the Gibbs sites against the model's trace (HMCGibbs: they must be latent sample sites); subclasses
   * find theirs here.
   */
  protected resolveGibbsSites(proto: Map<string, ProtoSite>): readonly string[] {
    for (const name of this.gibbsSiteNames) {
      const site = proto.get(name);
      if (site?.type !== "sample" || site.isObserved) {
        const what = !site
          ? "is not a site of the model"
          : site.isObserved
            ? "is observed"
            : `is a ${site.type} site`;
        throw new PhloxError(
          "gibbs-site-not-latent",
          `${this.kernelName}: gibbsSites names "${name}", which ${what}. Name latent sample sites (this model's: ${quoteNames(latentSites(proto).map((s) => s.name))}).`,
        );
      }
    }
    return this.gibbsSiteNames;
  }

  /** Starts one chain: builds the conditioned potential (first chain), picks both starting points, inits HMC. */
  init(args: KernelInitArgs): HMCGibbsState {
    const [kInit, kGibbs, kHmc] = splitKey(args.key, 3);
    const fresh = !this.info || this.args !== args.modelArgs;
    if (fresh) {
      const proto = priorTrace(this.model, args.modelArgs, splitKey(kInit, 2)[1]);
      this.gibbsSiteNames = this.resolveGibbsSites(proto);
      this.info = undefined;
      const [kBuild] = splitKey(kInit, 2);
      this.info = this.buildPotential(kBuild, args.modelArgs);
      this.args = args.modelArgs;
      this.built = { key: [args.key[0], args.key[1]], numWarmup: args.numWarmup, modelArgs: args.modelArgs };
    }
    const info = this.info as GibbsPotential;
    const { z0, gibbs } = chainStartValues(this.kernelName, info, fresh, this.model, args, kInit);
    info.gibbs.set(gibbs);
    const s = (
      z0.length > 0 ? this.core.init(z0, kHmc, args.numWarmup) : this.emptyState(kHmc, args.numWarmup)
    ) as HMCGibbsState;
    s.gibbs = gibbs;
    s.gibbsKey = kGibbs;
    s.gibbsRng = new ChainRandom(kGibbs);
    s.position = joinPosition(s.z, gibbs);
    this.afterInit(s);
    return s;
  }

  /**
   * The HMC state of a model whose latent sites are all Gibbs sites: nothing for HMC to move (NumPyro runs
   * its HMC on the empty vector), so only the Gibbs updates change the chain.
   */
  private emptyState(key: KeyPair, numWarmup: number): HMCState {
    const z = new Float64Array(0);
    const pe = this.potential(z, z);
    const eps = this.core.options.stepSize;
    return {
      i: 0,
      z,
      zGrad: new Float64Array(0),
      potentialEnergy: pe,
      energy: pe,
      r: new Float64Array(0),
      numSteps: 0,
      treeDepth: 0,
      acceptProb: 1,
      meanAcceptProb: 0,
      diverging: false,
      stepSize: eps,
      inverseMassMatrix: new Float64Array(0),
      massMatrixSqrt: new Float64Array(0),
      numWarmup,
      adapt: {
        stepSize: dualAveraging().init(Math.log(10 * eps)),
        welford: welfordCovariance().init(0),
        windowIdx: 0,
        schedule: buildAdaptationSchedule(numWarmup),
      },
      rng: new ChainRandom(key),
    };
  }

  /** One HMC/NUTS transition, or (no continuous site) only the iteration count. */
  protected hmcStep(s: HMCGibbsState): void {
    if (s.z.length > 0) {
      this.core.step(s);
      return;
    }
    const itr = s.i + 1;
    const n = s.i < s.numWarmup ? itr : itr - s.numWarmup;
    s.acceptProb = 1;
    s.meanAcceptProb += (1 - s.meanAcceptProb) / n;
    s.i = itr;
  }

  /** Builds the conditioned potential (subclasses may check the sites first). */
  protected buildPotential(key: KeyPair, modelArgs: readonly unknown[]): GibbsPotential {
    return buildGibbsPotential(
      this.kernelName,
      this.modelOptions,
      key,
      this.model,
      modelArgs,
      this.gibbsSiteNames,
    );
  }

  /** Hook for subclasses (MixedHMC sets its own fields). */
  protected afterInit(_s: HMCGibbsState): void {}

  /** The Gibbs sites' current values as tensors, by name. */
  protected gibbsRecord(gibbs: Float64Array): Record<string, Tensor> {
    const out: Record<string, Tensor> = Object.create(null);
    for (const l of (this.info as GibbsPotential).gibbs.layout) {
      out[l.name] = tensor(Float64Array.from(gibbs.subarray(l.offset, l.offset + l.size)), {
        shape: [...l.shape],
      });
    }
    return out;
  }

  /** Replaces `s.gibbs` by the Gibbs update (HMCGibbs: `gibbsFn`). */
  protected gibbsUpdate(s: HMCGibbsState): void {
    const info = this.info as GibbsPotential;
    info.gibbs.set(s.gibbs);
    const hmcSites: Record<string, Tensor> = Object.create(null);
    // { data, shape } today; a Tensor should the model potential return those.
    for (const [k, v] of Object.entries(info.postprocess(s.z) as Record<string, SiteValue | Tensor>)) {
      hmcSites[k] = "dataSync" in v ? v : tensor(v.data, { shape: v.shape });
    }
    const [next, sub] = splitKey(s.gibbsKey, 2);
    s.gibbsKey = next;
    const fn = this.gibbsFn as GibbsFn;
    const result = fn(tensor(new Uint32Array(sub)), this.gibbsRecord(s.gibbs), hmcSites);
    s.gibbs = this.readGibbsResult(result);
  }

  private readGibbsResult(result: unknown): Float64Array {
    const info = this.info as GibbsPotential;
    if (result === null || typeof result !== "object") {
      throw new PhloxError(
        "gibbs-fn-bad-result",
        `HMCGibbs: gibbsFn must return an object of new values by site name (${quoteNames(this.gibbsSiteNames)}), got ${result === null ? "null" : typeof result}.`,
      );
    }
    const rec = result as Record<string, TensorLike>;
    const out = new Float64Array(info.gibbs.dim);
    for (const l of info.gibbs.layout) {
      if (!Object.hasOwn(rec, l.name)) {
        throw new PhloxError(
          "gibbs-fn-missing-site",
          `HMCGibbs: gibbsFn returned no value for Gibbs site "${l.name}" (it returned ${quoteNames(Object.keys(rec))}); return every site of gibbsSites.`,
        );
      }
      const v = rec[l.name];
      const t = typeof v === "object" && v !== null && "dataSync" in v ? (v as Tensor) : tensor(v as never);
      const data = t.dataSync() as ArrayLike<number>;
      if (data.length !== l.size) {
        throw new PhloxError(
          "gibbs-fn-bad-shape",
          `HMCGibbs: gibbsFn returned ${data.length} values for site "${l.name}" (shape [${t.shape.join(", ")}]), expected shape [${l.shape.join(", ")}].`,
        );
      }
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) {
          throw new PhloxError(
            "gibbs-fn-not-finite",
            `HMCGibbs: gibbsFn returned a non-finite value (${data[i]}) for site "${l.name}" at flat index ${i}.`,
          );
        }
      }
      out.set(data, l.offset);
    }
    return out;
  }

  /** One step: the Gibbs update, then one HMC/NUTS transition conditioned on the new Gibbs values. */
  sample(s: HMCGibbsState): HMCGibbsState {
    this.gibbsUpdate(s);
    s.potentialEnergy = this.potentialAt(s.z, s.gibbs, s.zGrad);
    this.hmcStep(s);
    s.position = joinPosition(s.z, s.gibbs);
    return s;
  }

  /** Constrained values of one flat position: the HMC sites (and deterministic sites) and the Gibbs sites. */
  postprocess(position: Float64Array): Record<string, SiteValue> {
    if (!this.info) return { position: { data: Float64Array.from(position), shape: [position.length] } };
    return postprocessPosition(this.info, position);
  }

  /**
   * Pointwise log-likelihood of each observed site at each draw (via `@phlox/infer`'s `logLikelihood`), with
   * the Gibbs sites' draws substituted like the others.
   * @throws TypeError before `MCMC.run`.
   */
  logLikelihood(samples: Record<string, SiteValue>): Record<string, SiteValue> {
    if (!this.args)
      throw new PhloxError(
        "needs-model-kernel",
        `${this.kernelName}.logLikelihood: run the kernel through MCMC first.`,
      );
    const lls = inferLogLikelihood(this.model as never, samples, this.args as never, { batchNdims: 1 });
    return toSiteValues(lls as Record<string, Tensor>, Object.create(null));
  }

  /** The observed values of the model's observed sites (after `init`). */
  observations(): Record<string, SiteValue> {
    const out = observedSites(this.info, Object.create(null));
    if (!out)
      throw new PhloxError(
        "needs-model-kernel",
        `${this.kernelName}.observations: run the kernel through MCMC first.`,
      );
    return out;
  }

  /** e.g. "7 steps of size 5.12e-1. acc. prob=0.86". */
  diagnostics(s: HMCGibbsState): string {
    return `${s.numSteps} steps of size ${s.stepSize.toExponential(2)}. acc. prob=${s.meanAcceptProb.toFixed(2)}`;
  }

  /** The state with fresh generators from `key` (those `init` gives for that chain key). */
  reseed(s: HMCGibbsState, key: KeyPair): HMCGibbsState {
    const [, kGibbs, kHmc] = splitKey(key, 3);
    s.rng = new ChainRandom(kHmc);
    s.gibbsKey = kGibbs;
    s.gibbsRng = new ChainRandom(kGibbs);
    return s;
  }

  /**
   * How a worker rebuilds this kernel (`chainMethod: "parallel"`): the `workerModule` option's builder, then
   * the first chain's `init` replayed on the run's arguments.
   * @throws PhloxError (`parallel-needs-module`) without `workerModule`, naming the fix.
   */
  workerSpec(): WorkerPotentialSpec {
    const closure = this.gibbsFn ? "gibbsFn and the model (closures)" : "the model (a closure)";
    return modelKernelWorkerSpec(this.kernelName, this.workerModule, this.built, this.layout, closure);
  }

  /** Extra numeric fields a subclass keeps in its state (serialised with it). */
  protected extraStateFields(): readonly string[] {
    return [];
  }

  /** JSON form of a chain's state. */
  stateToJSON(s: HMCGibbsState): HMCGibbsStateJSON {
    const extra: Record<string, number> = {};
    for (const f of this.extraStateFields()) extra[f] = (s as unknown as Record<string, number>)[f];
    return {
      hmc: hmcStateToJSON(s),
      gibbs: Array.from(s.gibbs),
      gibbsKey: [s.gibbsKey[0], s.gibbsKey[1]],
      gibbsRng: s.gibbsRng.getState(),
      extra,
    };
  }

  /** Inverse of `stateToJSON`. */
  stateFromJSON(json: unknown): HMCGibbsState {
    const j = json as HMCGibbsStateJSON;
    const s = hmcStateFromJSON(j.hmc) as HMCGibbsState;
    s.gibbs = Float64Array.from(j.gibbs);
    s.gibbsKey = [j.gibbsKey[0], j.gibbsKey[1]];
    s.gibbsRng = rngFrom(j.gibbsRng);
    s.position = joinPosition(s.z, s.gibbs);
    for (const [k, v] of Object.entries(j.extra ?? {})) (s as unknown as Record<string, number>)[k] = v;
    return s;
  }
}
