import type { KeyPair } from "@phlox/tensor";

/** A value of one site: flat row-major `data` and its `shape` (per draw, or with leading [chain, draw]). */
export interface SiteValue {
  data: Float64Array;
  shape: number[];
}

/** Where one site sits in the flat unconstrained vector. */
export interface SiteLayout {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/**
 * What {@link Kernel.init} receives for one chain.
 * @typeParam Args - the model's argument types (`readonly unknown[]` for kernels not built from a model).
 */
export interface KernelInitArgs<Args extends readonly unknown[] = readonly unknown[]> {
  /** The chain's key (uint32 pair), derived from `MCMC.run`'s key. */
  key: KeyPair;
  /** Number of warmup iterations the driver will run (the kernel adapts during them). */
  numWarmup: number;
  /** Initial flat position, if the user gave one for this chain. */
  initParams?: Float64Array;
  /** The arguments passed to `MCMC.run(key, ...args)` (for kernels built from a model). */
  modelArgs: Readonly<Args>;
  /** Index of the chain being initialised (set by {@link MCMC}; ensemble kernels use it as the walker index). */
  chain?: number;
  /** Number of chains the driver runs (set by {@link MCMC}; ensemble kernels: the number of walkers). */
  numChains?: number;
}

/**
 * Serialisable recipe for rebuilding a value in a worker: the worker runs
 * `(await import(module))[exportName](payload)`. `module` is an absolute URL or a bare specifier the
 * worker can import (plain JS, or TypeScript when the package runs from source).
 */
export interface WorkerPotentialSpec {
  module: string;
  exportName: string;
  payload: unknown;
}

/**
 * An MCMC transition kernel that {@link MCMC} can drive (NumPyro's `MCMCKernel`). The state is any
 * object; the driver reads `state[sampleField]` (a Float64Array, the flat position) and
 * `state[field]` for each extra field (number, boolean or Float64Array). `sample` may update the state in
 * place and return it: the driver snapshots states through `stateToJSON`/`stateFromJSON` when it keeps
 * them (`lastState`, `postWarmupState`).
 *
 * @example
 * // Random-walk Metropolis (the package README and kernel.test.ts have the full, serialisable version).
 * type RW = { z: Float64Array; pe: number; acceptProb: number; rng: ChainRandom };
 * class RandomWalk implements Kernel<RW> {
 *   readonly sampleField = "z";
 *   readonly defaultFields = ["acceptProb"];
 *   constructor(private U: PotentialFn, private z0: ArrayLike<number>, private scale = 0.5) {}
 *   init({ key }: KernelInitArgs): RW {
 *     const z = Float64Array.from(this.z0);
 *     return { z, pe: this.U(z, new Float64Array(z.length)), acceptProb: 1, rng: new ChainRandom(key) };
 *   }
 *   sample(s: RW): RW {
 *     const prop = s.z.map((x) => x + this.scale * s.rng.normal());
 *     const pe = this.U(prop, new Float64Array(prop.length));
 *     s.acceptProb = Math.min(1, Math.exp(s.pe - pe));
 *     if (s.rng.uniform() < s.acceptProb) { s.z = prop; s.pe = pe; }
 *     return s;
 *   }
 *   diagnostics(s: RW): string { return `acc. prob=${s.acceptProb.toFixed(2)}`; }
 * }
 * await new MCMC(new RandomWalk(U, [0]), { numWarmup: 100, numSamples: 1000 }).run(0);
 * @typeParam S - the chain state.
 * @typeParam Args - the model's argument types: what `MCMC.run(key, ...args)` accepts (default: anything).
 * @typeParam Sites - the names of the sites `postprocess` returns, which key `MCMC.getSamples()` (default:
 *   any string).
 */
export interface Kernel<
  S extends object = object,
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> {
  /** Name of the state field holding the flat position (a Float64Array). */
  readonly sampleField: string;
  /** Extra fields collected by default (`getExtraFields()`); each `state[name]` is number | boolean | Float64Array. */
  readonly defaultFields: readonly string[];
  /** Names and shapes of the flat position's parts, once known (after `init`); used to split draws by site. */
  readonly layout?: readonly SiteLayout[];
  /** Optional async set-up before the first `init` (e.g. loading a model initialiser); MCMC awaits it. */
  prepare?(): Promise<void>;
  /** Builds the initial state of one chain. */
  init(args: KernelInitArgs<Args>): S;
  /** One transition; may mutate `state` and return it. */
  sample(state: S): S;
  /**
   * True when the kernel's potential is asynchronous (e.g. a WebGPU read-back): MCMC then calls
   * `initAsync`/`sampleAsync`, which such a kernel must provide, and refuses `chainMethod: "parallel"`.
   */
  readonly asynchronous?: boolean;
  /** {@link Kernel.init} for an asynchronous kernel. */
  initAsync?(args: KernelInitArgs<Args>): Promise<S>;
  /** {@link Kernel.sample} for an asynchronous kernel. */
  sampleAsync?(state: S): Promise<S>;
  /**
   * One transition of each of several chains at once, the states updated in place (`chainMethod:
   * "vectorized"`; HMC and NUTS evaluate all chains' potentials in one batched call per leapfrog step).
   * Each chain must get the draws `sample` gives it. Returns, per chain, the error that stopped it or
   * undefined.
   */
  sampleBatch?(states: readonly S[]): (Error | undefined)[];
  /** Maps one flat draw to named values (constrained values and deterministic sites). */
  postprocess?(z: Float64Array): Record<Sites, SiteValue>;
  /**
   * {@link Kernel.postprocess} of `n` draws stacked row-major in `zs` [n·d], each site as
   * `{ data, shape: [n, ...site] }` (cheaper than `n` calls; MCMC prefers it when present). Returns
   * `undefined` when the kernel has no batch form for its current potential.
   */
  postprocessBatch?(zs: Float64Array, n: number): Record<string, SiteValue> | undefined;
  /** One short line for the progress bar, e.g. "2 steps of size 0.7. acc. prob=0.85". */
  diagnostics(state: S): string;
  /**
   * The state with its random generator replaced by one seeded from `key` (NumPyro's
   * `state._replace(rng_key=key)`): what `MCMC.run` does to `postWarmupState` with the run's chain keys.
   * Without it, resumed chains keep the generators stored in their states.
   */
  reseed?(state: S, key: KeyPair): S;
  /** The tree-depth cap of a tree-building kernel (NUTS), for the driver's saturation warning. */
  readonly maxTreeDepth?: number;
  /** JSON form of a state (needed for `postWarmupState` serialisation and parallel chains). */
  stateToJSON?(state: S): unknown;
  /** Inverse of `stateToJSON`. */
  stateFromJSON?(json: unknown): S;
  /** How a worker rebuilds this kernel (`chainMethod: "parallel"`); resolves to a Kernel. */
  workerSpec?(): WorkerPotentialSpec;
  /**
   * Pointwise log-likelihood of each observed site at each draw (`samples` are `[draws, ...site]` by site
   * name), for WAIC/PSIS-LOO and `fromMCMC(mcmc, { logLikelihood: true })`. Model kernels only.
   */
  logLikelihood?(samples: Record<string, SiteValue>): Record<string, SiteValue>;
  /** The observed values of the model's observed sites (after `init`). Model kernels only. */
  observations?(): Record<string, SiteValue>;
  /** Dimension names per site from the model's plates (and `infer.eventDims`), after `init`. Model kernels only. */
  siteDims?(): Record<string, string[]>;
}
