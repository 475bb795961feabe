import { printSummary } from "@phlox/diagnostics";
import type { ModelCallArgs } from "@phlox/handlers";
import {
  jsBackend,
  type KeyLike,
  type KeyPair,
  PhloxError,
  splitKey,
  type Tensor,
  tensor,
  toKeyPair,
  withBackend,
} from "@phlox/tensor";
import { runParallel } from "./internal/parallel.js";
import {
  type ChainOutput,
  type ChainProgress,
  ChainRunner,
  restore,
  snapshot,
} from "./internal/run-chain.js";
import { type RunWarning, runWarnings } from "./internal/run-warnings.js";
import type { Kernel, KernelInitArgs, SiteValue } from "./kernel.js";
import { ProgressBar } from "./progress.js";
import { type RunOptions, splitRunArgs, yieldToEventLoop } from "./run-options.js";

export type { RunWarning } from "./internal/run-warnings.js";

/** Synchronous sampling yields to the event loop after this many milliseconds of work. */
const SLICE_MS = 20;

export type { ChainProgress } from "./internal/run-chain.js";

/** Options of {@link MCMC} (NumPyro's names). */
export interface MCMCOptions {
  /** Warmup (adaptation) iterations per chain. */
  numWarmup: number;
  /** Post-warmup iterations per chain (before thinning). */
  numSamples: number;
  /** Default 1. */
  numChains?: number;
  /** Keep ⌊numSamples / thinning⌋ post-warmup draws, every `thinning`-th ending with the last (NumPyro). Default 1. */
  thinning?: number;
  /**
   * `"sequential"` (default): chains one after another in this thread. `"vectorized"`: chains in lockstep
   * in this thread, one transition each in turn (same draws as sequential; progress is reported for all
   * chains together); HMC and NUTS evaluate each leapfrog step of all chains together, for a model by one
   * compiled program vmapped over the chains when the first steps time it faster than one call per chain.
   * `"parallel"`: one worker thread per chain; needs a kernel with `workerSpec()`.
   */
  chainMethod?: "sequential" | "parallel" | "vectorized";
  /** Progress bar on stderr when it is a TTY. Default true. */
  progressBar?: boolean;
  /** Replaces the kernel's `postprocess` to map a flat draw to named values. */
  postprocessFn?: (z: Float64Array) => Record<string, Float64Array | SiteValue>;
  /** Called with each chain's progress (about 100 times per chain). */
  onProgress?: (p: ChainProgress) => void;
  /** Extra state fields to collect; default the kernel's `defaultFields`. */
  extraFields?: readonly string[];
  /** Starting points, one per chain (or one for all), overriding the kernel's initialisation. */
  initParams?: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Print the run's warnings (`mcmc.warnings`) with `console.warn`. Default true. */
  printWarnings?: boolean;
}

/** Per-chain JSON states (what `lastState` and `postWarmupState` hold). */
export interface ChainStates {
  /** Kernel states in each kernel's JSON form, one per chain. */
  chains: unknown[];
  /**
   * The sites of the flat position (name and unconstrained shape) of the model that produced the states;
   * `run` refuses the states for a model whose sites differ. Absent for kernels without a layout.
   */
  sites?: { name: string; shape: number[] }[];
}

/**
 * Raised by {@link MCMC.run} when some chains failed (code `"mcmc-chain-failed"`); the draws of the others
 * are kept. `failures` lists each failed chain's index and error (its message names the chain and the cause).
 */
export class ChainError extends PhloxError {
  /** Chain index → its error. */
  readonly failures: { chain: number; error: Error }[];
  constructor(failures: { chain: number; error: Error }[], numChains: number) {
    super(
      "mcmc-chain-failed",
      `MCMC: ${failures.length} of ${numChains} chains failed; the draws of the other chains are kept (getSamples()).\n` +
        failures.map((f) => `  chain ${f.chain}: ${f.error.message}`).join("\n"),
    );
    this.failures = failures;
  }
}

/**
 * The MCMC driver (NumPyro's `MCMC`): runs `numChains` chains of a {@link Kernel}, warmup then sampling,
 * and collects the draws. Samples are float64 `Tensor`s keyed by site name with shape
 * `[numChains·numKept, ...site]` (or `[numChains, numKept, ...site]` with `groupByChain`).
 *
 * Typed by its kernel: `new MCMC(new NUTS(model), ...)` takes the model's argument types from `model`, so
 * `mcmc.run(key, ...args)` only compiles with arguments the model accepts. Annotate the model with
 * `Model<Args, Sites>` (from `@phlox/handlers`) to key `getSamples()` by its site names.
 * @typeParam S - the kernel's chain state.
 * @typeParam Args - the model's argument types (inferred from the kernel; default: anything).
 * @typeParam Sites - the site names keying `getSamples()` (inferred from the kernel; default: any string).
 * @throws PhloxError (`mcmc-bad-options`) for invalid options.
 * @example
 * const U = (z: Float64Array, g: Float64Array) => { g[0] = z[0] - 1; return 0.5 * (z[0] - 1) ** 2; };
 * const mcmc = new MCMC(new NUTS({ potentialFn: U, initParams: [0] }), { numWarmup: 500, numSamples: 1000 });
 * await mcmc.run(0);
 * mcmc.getSamples().z.shape; // → [1000, 1]
 */
export class MCMC<
  S extends object = object,
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> {
  /** The transition kernel the chains run. */
  readonly kernel: Kernel<S, Args, Sites>;
  /** The validated options, with their defaults filled in. */
  readonly options: Readonly<
    Required<Omit<MCMCOptions, "postprocessFn" | "onProgress" | "extraFields" | "initParams">>
  > &
    Pick<MCMCOptions, "postprocessFn" | "onProgress" | "extraFields" | "initParams">;
  private outputs: (ChainOutput | undefined)[] = [];
  private last?: ChainStates;
  private postWarmup?: ChainStates;
  private lastWarnings: RunWarning[] = [];
  private samplesCache = new Map<boolean, Record<string, SiteValue>>();

  /**
   * @param kernel - the transition kernel (e.g. `new NUTS(model)`).
   * @param options - draws, chains and how they run (NumPyro's names).
   * @throws PhloxError (`mcmc-bad-options`) for invalid options or a chain method the kernel cannot run.
   */
  constructor(kernel: Kernel<S, Args, Sites>, options: MCMCOptions) {
    const o = {
      numChains: 1,
      thinning: 1,
      chainMethod: "sequential" as const,
      progressBar: true,
      printWarnings: true,
      ...options,
    };
    for (const k of ["numWarmup", "numSamples"] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 0)
        throw badOptions(`MCMC: ${k} must be an integer ≥ 0, got ${o[k]}.`);
    }
    for (const k of ["numChains", "thinning"] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1)
        throw badOptions(`MCMC: ${k} must be an integer ≥ 1, got ${o[k]}.`);
    }
    if (!["sequential", "parallel", "vectorized"].includes(o.chainMethod)) {
      throw badOptions(
        `MCMC: chainMethod must be "sequential", "parallel" or "vectorized", got ${o.chainMethod}.`,
      );
    }
    if (o.chainMethod === "parallel" && kernel.asynchronous) {
      throw badOptions(
        'MCMC: chainMethod "parallel" cannot run a kernel with an asynchronous potential (asyncPotentialFn); use "sequential" or "vectorized".',
      );
    }
    if (kernel.asynchronous && (!kernel.initAsync || !kernel.sampleAsync)) {
      throw new PhloxError(
        "kernel-async-methods",
        "MCMC: a kernel marked asynchronous must implement initAsync and sampleAsync; add them to the kernel or drop `asynchronous`.",
      );
    }
    if (o.chainMethod === "parallel" && !kernel.workerSpec) {
      throw badOptions(
        'MCMC: chainMethod "parallel" needs a kernel with workerSpec(); use "sequential" or "vectorized".',
      );
    }
    this.kernel = kernel;
    this.options = o;
  }

  /**
   * The state after warmup, per chain (JSON), as in NumPyro: set by {@link MCMC.warmup}, or by you (e.g.
   * `mcmc.postWarmupState = mcmc.lastState`, or a saved file). While it is set, `run` skips warmup and
   * starts every chain from it, reseeded from the run's key (pass `runOptions({ continueChains: true })` to
   * keep the chains' own generators and continue them bit for bit). Set it to `undefined` to warm up again.
   * A plain `run` never sets it. `run` checks it against the kernel and the model (its sites and dimension)
   * and refuses a state from another model.
   * @throws PhloxError (`mcmc-bad-state`) when it is not `{ chains: [...] }` with one state per chain.
   */
  get postWarmupState(): ChainStates | undefined {
    return this.postWarmup;
  }
  set postWarmupState(s: ChainStates | undefined) {
    if (s !== undefined) checkStates(s, this.options.numChains);
    this.postWarmup = s;
  }

  /**
   * The state after the last iteration, per chain (JSON); assign it to `postWarmupState` to continue.
   * `undefined` before the first run, and after a run in which a chain failed or that was aborted.
   */
  get lastState(): ChainStates | undefined {
    return this.last;
  }

  /** Warnings of the last run or warmup (divergences, tree depth, E-BFMI, step size), also printed. */
  get warnings(): readonly RunWarning[] {
    return this.lastWarnings;
  }

  /**
   * Runs warmup only and sets `postWarmupState` (NumPyro's `warmup`); every later `run` samples from there
   * until `postWarmupState` is set to `undefined` or `warmup` is called again.
   * @param key - PRNG key (seed or uint32 pair).
   * @param args - model arguments, optionally followed by {@link runOptions}.
   */
  async warmup(key: KeyLike, ...args: RunArgs<Args>): Promise<void> {
    const { modelArgs, options } = splitRunArgs(args);
    this.postWarmup = undefined;
    await this.execute(key, modelArgs, options, this.options.numWarmup, 0, false, undefined);
    this.postWarmup = this.last;
  }

  /**
   * Runs all chains: `numWarmup` warmup iterations, then `numSamples` iterations of which every
   * `thinning`-th is kept. Every call warms up again with its own key unless `postWarmupState` is set
   * (by {@link MCMC.warmup} or by you), as in NumPyro.
   * @param key - PRNG key; chain c uses the c-th child key, so the same key gives the same draws with
   *   every chain method.
   * @param args - model arguments, passed to the kernel's `init`, optionally followed by
   *   {@link runOptions} (`signal`, `chainTimeoutMs`, `continueChains`).
   * @throws ChainError when some chains fail; draws of the others are still available.
   * @throws PhloxError `mcmc-aborted` when the signal aborts; `mcmc-state-mismatch` / `mcmc-bad-state` for a
   *   `postWarmupState` that does not belong to this kernel and model.
   */
  async run(key: KeyLike, ...args: RunArgs<Args>): Promise<void> {
    const { modelArgs, options } = splitRunArgs(args);
    const resume = this.postWarmup;
    const numWarmup = resume ? 0 : this.options.numWarmup;
    await this.execute(key, modelArgs, options, numWarmup, this.options.numSamples, true, resume);
  }

  private async execute(
    keyLike: KeyLike,
    args: readonly unknown[],
    ro: RunOptions,
    numWarmup: number,
    numSamples: number,
    keep: boolean,
    resumeFrom: ChainStates | undefined,
  ): Promise<void> {
    const o = this.options;
    const k = this.kernel;
    const signal = ro.signal;
    const aborted = (c?: number, it?: number) => {
      const e = new PhloxError(
        "mcmc-aborted",
        `MCMC.run: aborted${c === undefined ? "" : ` at iteration ${it} of chain ${c}`} ` +
          `(${signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason)}); ` +
          "the draws of the previous run are kept and the MCMC object can run again.",
      );
      e.cause = signal?.reason;
      return e;
    };
    if (signal?.aborted) throw aborted();
    // A failed or aborted run leaves no half-written state behind.
    this.last = undefined;
    this.lastWarnings = [];
    const key: KeyPair = toKeyPair(keyLike);
    const chainKeys = splitKey(key, o.numChains);
    const fields = [...(o.extraFields ?? k.defaultFields)];
    const initParams = perChainInit(o.initParams, o.numChains);
    await k.prepare?.();
    const asynchronous = k.asynchronous === true;
    const initChain = async (c: number): Promise<S> => {
      // `chain`/`numChains`: ensemble kernels (AIES, ESS) use them to gather their walkers.
      const a = {
        key: chainKeys[c],
        numWarmup: o.numWarmup,
        initParams: initParams?.[c],
        modelArgs: args as unknown as Args,
        chain: c,
        numChains: o.numChains,
      };
      return asynchronous ? await (k.initAsync as (a: KernelInitArgs<Args>) => Promise<S>)(a) : k.init(a);
    };
    const failures: { chain: number; error: Error }[] = [];
    const states: (S | undefined)[] = [];
    if (resumeFrom) {
      // A kernel built from a model learns its potential in init: run it once for these arguments (its
      // state tells the dimension), then check that the saved states belong to this kernel and model.
      const probe = await initChain(0);
      const resumed = resumeStates(k, probe, resumeFrom, o.numChains);
      for (let c = 0; c < o.numChains; c++) {
        const s = resumed[c];
        states.push(ro.continueChains || !k.reseed ? s : k.reseed(s, chainKeys[c]));
      }
    } else {
      // Every chain runs the same model on the same arguments: a model error (a typo'd site, a shape
      // error) fails chain 0's initialisation already, and is reported once, not once per chain. Only
      // per-chain starting points can make one chain's initialisation fail alone.
      const perChainStarts = Array.isArray(o.initParams) && typeof o.initParams[0] !== "number";
      for (let c = 0; c < o.numChains; c++) {
        try {
          states.push(await initChain(c));
        } catch (e) {
          if (c === 0 && !perChainStarts) throw initFailed(e, o.numChains);
          states.push(undefined);
          failures.push({ chain: c, error: asChainError(c, e) });
        }
      }
    }
    const total = numWarmup + numSamples;
    const every = Math.max(1, Math.floor(total / 100));
    // The bar writes to process.stderr where there is one (plain lines when it is not a terminal).
    const hasStderr = (globalThis as { process?: { stderr?: unknown } }).process?.stderr !== undefined;
    const bar = o.progressBar && hasStderr ? new ProgressBar(o.numChains) : undefined;
    const report = (p: ChainProgress) => {
      bar?.update(p);
      o.onProgress?.(p);
    };
    // Progress lines are formatted only when someone reads them.
    const reporting = bar !== undefined || o.onProgress !== undefined;
    const outs: (ChainOutput | undefined)[] = new Array(o.numChains).fill(undefined);
    const lasts: unknown[] = new Array(o.numChains).fill(null);
    const maxTreeDepth = k.maxTreeDepth;
    try {
      if (o.chainMethod === "parallel") {
        const spec = (k.workerSpec as () => import("./kernel.js").WorkerPotentialSpec)();
        const live = states.flatMap((s, c) => (s ? [{ s, c }] : []));
        const results = await runParallel(
          live.map(({ s, c }) => ({
            chain: c,
            kernelSpec: spec,
            state: snapshot(k, s),
            numWarmup,
            numSamples,
            thinning: o.thinning,
            fields,
            progressEvery: every,
            maxTreeDepth,
          })),
          report,
          { signal, timeoutMs: ro.chainTimeoutMs },
        );
        if (signal?.aborted) throw aborted();
        results.forEach((r, i) => {
          const c = live[i].c;
          if (r.ok) {
            outs[c] = r.out;
            lasts[c] = r.last;
          } else failures.push({ chain: c, error: r.error });
        });
      } else {
        const runners: (ChainRunner<S> | undefined)[] = [];
        for (let c = 0; c < o.numChains; c++) {
          const s = states[c];
          if (!s) {
            runners.push(undefined);
            continue;
          }
          try {
            runners.push(new ChainRunner(k, s, numWarmup, numSamples, o.thinning, fields, c, maxTreeDepth));
          } catch (e) {
            runners.push(undefined);
            failures.push({ chain: c, error: asChainError(c, e) });
          }
        }
        // Sampling is synchronous: give the event loop (timers, I/O, an abort) a turn every SLICE_MS.
        let sliceEnd = performance.now() + SLICE_MS;
        const pause = async (c: number) => {
          if (performance.now() < sliceEnd) return;
          await yieldToEventLoop();
          if (signal?.aborted) throw aborted(c, runners[c]?.iteration ?? 0);
          sliceEnd = performance.now() + SLICE_MS;
        };
        const step = async (c: number, n: number) => {
          const r = runners[c];
          if (!r || r.done) return;
          try {
            if (asynchronous) await r.advanceAsync(n);
            else r.advance(n, sliceEnd);
            if (reporting && (r.iteration % every === 0 || r.done)) report(r.progress());
          } catch (e) {
            runners[c] = undefined;
            failures.push({ chain: c, error: asChainError(c, e) });
          }
        };
        if (o.chainMethod === "vectorized" && k.sampleBatch && !asynchronous) {
          // One transition of every live chain per call: HMC/NUTS evaluate all chains' leapfrog steps together.
          const batch = k.sampleBatch.bind(k);
          for (let it = 0; it < total; it++) {
            const live: number[] = [];
            for (let c = 0; c < o.numChains; c++) if (runners[c] && !runners[c]?.done) live.push(c);
            if (live.length === 0) break;
            const errors = batch(live.map((c) => (runners[c] as ChainRunner<S>).state));
            for (const [j, c] of live.entries()) {
              const r = runners[c] as ChainRunner<S>;
              const err = errors[j];
              if (err !== undefined) {
                runners[c] = undefined;
                failures.push({ chain: c, error: asChainError(c, err) });
                continue;
              }
              r.accept(r.state);
              if (reporting && (r.iteration % every === 0 || r.done)) report(r.progress());
            }
            await pause(live[0]);
          }
        } else if (o.chainMethod === "vectorized") {
          // A synchronous kernel's step finishes before `step` returns: only asynchronous ones are awaited.
          for (let it = 0; it < total; it++) {
            for (let c = 0; c < o.numChains; c++) {
              const p = step(c, 1);
              if (asynchronous) await p;
            }
            await pause(0);
          }
        } else {
          for (let c = 0; c < o.numChains; c++)
            while (runners[c] && !runners[c]?.done) {
              const r = runners[c] as ChainRunner<S>;
              const p = step(c, every - (r.iteration % every));
              if (asynchronous) await p;
              await pause(c);
            }
        }
        runners.forEach((r, c) => {
          if (!r) return;
          outs[c] = r.out;
          lasts[c] = snapshot(k, r.state);
        });
      }
    } finally {
      bar?.finish();
    }
    const layout = k.layout?.map((l) => ({ name: l.name, shape: [...l.shape] }));
    if (failures.length === 0) this.last = { chains: lasts, ...(layout ? { sites: layout } : {}) };
    if (keep) {
      this.outputs = outs;
      this.samplesCache.clear();
    }
    this.lastWarnings = runWarnings(
      outs.map((x) => x?.stats),
      outs.map((x) => x?.numDivergences),
      maxTreeDepth,
    );
    if (o.printWarnings)
      for (const w of this.lastWarnings) console.warn(`[phlox:${w.code}] MCMC: ${w.message}`);
    if (failures.length > 0) {
      failures.sort((a, b) => a.chain - b.chain);
      throw new ChainError(failures, o.numChains);
    }
  }

  /**
   * Posterior draws keyed by site name (the kernel's postprocess: constrained values and deterministic
   * sites; `{ z }` for a bare potential), as float64 `Tensor`s (NumPyro's `get_samples`). Failed chains are
   * left out. Each call returns new tensors over a copy of the draws: reading or even mutating them never
   * changes the run (later diagnostics, `printSummary`, `fromMCMC` read the run's own copy).
   * @param options - `groupByChain`: shape `[chains, draws, ...site]` instead of `[chains·draws, ...site]`.
   * @returns by site name, a tensor of shape `[chains·draws, ...site]` (or `[chains, draws, ...site]`).
   * @throws PhloxError (`mcmc-no-draws`) if `run` has not produced draws.
   * @example
   * const draws = mcmc.getSamples();
   * draws.mu.shape; // → [1000]
   * const mean = draws.mu.mean().item();
   */
  getSamples(options: { groupByChain?: boolean } = {}): Record<Sites, Tensor> {
    return toTensors(this.samples(options.groupByChain ?? false)) as Record<Sites, Tensor>;
  }

  /** The run's own draws by site (shared, cached: never handed out to users). */
  private samples(group: boolean): Record<string, SiteValue> {
    const cached = this.samplesCache.get(group);
    if (cached) return cached;
    const other = this.samplesCache.get(!group);
    if (other) {
      // [chains, draws, ...] and [chains·draws, ...] share one row-major layout: reuse the data, reshape.
      const outsOk = this.okOutputs("getSamples");
      const reshaped: Record<string, SiteValue> = Object.create(null);
      for (const [name, v] of Object.entries(other)) {
        const site = group ? v.shape.slice(1) : v.shape.slice(2);
        const n = outsOk[0].numKept;
        reshaped[name] = {
          data: v.data,
          shape: group ? [outsOk.length, n, ...site] : [outsOk.length * n, ...site],
        };
      }
      this.samplesCache.set(group, reshaped);
      return reshaped;
    }
    const outs = this.okOutputs("getSamples");
    const numKept = outs[0].numKept;
    const result: Record<string, SiteValue> = Object.create(null);
    for (const [c, out] of outs.entries()) {
      for (const [name, v] of Object.entries(this.chainSites(out))) {
        const size = numKept === 0 ? 0 : v.data.length / numKept;
        let r = result[name];
        if (!r) {
          const site = v.shape.slice(1);
          const shape = group ? [outs.length, numKept, ...site] : [outs.length * numKept, ...site];
          r = result[name] = { data: new Float64Array(outs.length * numKept * size), shape };
        }
        r.data.set(v.data, c * numKept * size);
      }
    }
    this.samplesCache.set(group, result);
    return result;
  }

  /**
   * One chain's kept draws by site, each `{ data, shape: [numKept, ...site] }`: through the kernel's batch
   * postprocess when it has one (and no `postprocessFn` overrides it), else draw by draw.
   */
  private chainSites(out: ChainOutput): Record<string, SiteValue> {
    const n = out.numKept;
    const batched = this.options.postprocessFn ? undefined : this.kernel.postprocessBatch?.(out.z, n);
    if (batched) return batched;
    const post =
      this.options.postprocessFn ??
      (this.kernel.postprocess ? (z: Float64Array) => this.kernel.postprocess?.(z) ?? {} : undefined);
    const sites: Record<string, SiteValue> = Object.create(null);
    const view = new Float64Array(out.d);
    for (let i = 0; i < n; i++) {
      view.set(out.z.subarray(i * out.d, (i + 1) * out.d));
      const draw: Record<string, Float64Array | SiteValue> = post ? post(view) : { z: view };
      for (const [name, v0] of Object.entries(draw)) {
        const v = v0 instanceof Float64Array ? { data: v0, shape: [v0.length] } : v0;
        let r = sites[name];
        if (!r) r = sites[name] = { data: new Float64Array(n * v.data.length), shape: [n, ...v.shape] };
        r.data.set(v.data, i * v.data.length);
      }
    }
    return sites;
  }

  /**
   * The collected extra fields (`diverging` as 0/1, `energy`, `numSteps`, ...) as float64 tensors, same
   * shapes as {@link MCMC.getSamples} with scalars per draw (NumPyro's `get_extra_fields`). New tensors each
   * call.
   * @param options - `groupByChain`: shape `[chains, draws]` instead of `[chains·draws]`.
   * @returns by field name, a tensor.
   */
  getExtraFields(options: { groupByChain?: boolean } = {}): Record<string, Tensor> {
    return toTensors(this.extraFields(options.groupByChain ?? false));
  }

  private extraFields(groupByChain: boolean): Record<string, SiteValue> {
    const outs = this.okOutputs("getExtraFields");
    const n = outs[0].numKept;
    const out: Record<string, SiteValue> = Object.create(null);
    for (const name of Object.keys(outs[0].fields)) {
      const w = outs[0].fieldWidths[name];
      const data = new Float64Array(outs.length * n * w);
      for (const [c, o] of outs.entries()) data.set(o.fields[name], c * n * w);
      const tail = w === 1 ? [] : [w];
      out[name] = {
        data,
        shape: groupByChain ? [outs.length, n, ...tail] : [outs.length * n, ...tail],
      };
    }
    return out;
  }

  /**
   * Pointwise log-likelihood of each observed site at every posterior draw (NumPyro's `log_likelihood`),
   * grouped by chain: a float64 tensor of shape `[chains, draws, ...siteBatchShape]` per observed site. What
   * WAIC, PSIS-LOO and `fromMCMC(mcmc)` read. Model kernels only.
   * @returns by observed site, a tensor (new each call).
   * @throws PhloxError (`needs-model-kernel`) when the kernel has no model (a raw potential).
   */
  logLikelihood(): Record<string, Tensor> {
    if (!this.kernel.logLikelihood) throw needsModel("logLikelihood");
    const flat = this.kernel.logLikelihood(this.samples(false));
    const chains = this.okOutputs("logLikelihood").length;
    const out: Record<string, SiteValue> = Object.create(null);
    for (const [name, v] of Object.entries(flat)) {
      out[name] = { data: v.data, shape: [chains, v.shape[0] / chains, ...v.shape.slice(1)] };
    }
    return toTensors(out);
  }

  /**
   * The observed values of the model's observed sites (for `observed_data`). Model kernels only.
   * @returns by observed site, a float64 tensor of the site's shape (new each call).
   * @throws PhloxError (`needs-model-kernel`) when the kernel has no model (a raw potential).
   */
  observations(): Record<string, Tensor> {
    if (!this.kernel.observations) throw needsModel("observations");
    return toTensors(this.kernel.observations());
  }

  /**
   * Dimension names of each site from the model's plates, as ArviZ's `from_numpyro` infers them: the enclosing
   * plates' names, outermost first, then the site's `infer.eventDims` (`fromMCMC` uses them unless `dims` is
   * given). Sites outside every plate are left out; a raw potential gives `{}`.
   * @returns by site name, its non-sample dimension names.
   */
  siteDims(): Record<string, string[]> {
    return this.kernel.siteDims?.() ?? Object.create(null);
  }

  /** Number of divergent post-warmup transitions per chain (failed chains omitted). */
  get numDivergences(): number[] {
    return this.okOutputs("numDivergences").map((o) => o.numDivergences);
  }

  /**
   * Prints a summary table (mean, sd, quantiles, n_eff, r_hat) of the samples via `@phlox/diagnostics`,
   * plus the number of divergences (NumPyro's `print_summary`).
   * @param options - `prob`: the width of the credible interval (default 0.9); `excludeDeterministic`: leave
   *   out deterministic sites, showing only the sampled latent sites (default true, as NumPyro 0.21).
   * @returns the printed text.
   */
  printSummary(options: { prob?: number; excludeDeterministic?: boolean } = {}): string {
    const div = this.numDivergences.reduce((a, b) => a + b, 0);
    let sites = this.samples(true);
    const layout = this.kernel.layout;
    if ((options.excludeDeterministic ?? true) && layout && layout.length > 0) {
      const latent = new Set(layout.map((l) => l.name));
      const kept: Record<string, SiteValue> = Object.create(null);
      for (const [name, v] of Object.entries(sites)) if (latent.has(name)) kept[name] = v;
      sites = kept;
    }
    return printSummary(sites, {
      prob: options.prob ?? 0.9,
      divergences: div,
    });
  }

  private okOutputs(what: string): ChainOutput[] {
    const outs = this.outputs.filter((o): o is ChainOutput => o !== undefined);
    if (outs.length === 0)
      throw new PhloxError(
        "mcmc-no-draws",
        `MCMC.${what}: no draws yet${this.outputs.length > 0 ? " (every chain of the last run failed)" : ""}; call await mcmc.run(key, ...args) first.`,
      );
    return outs;
  }
}

/**
 * Float64 tensors over copies of the draws (so no caller can reach the run's own buffers), on the host ("js")
 * backend whatever backend is current: draws are host data, read synchronously even when the model ran on WebGPU.
 */
function toTensors(values: Record<string, SiteValue>): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null);
  withBackend(jsBackend, () => {
    for (const [name, v] of Object.entries(values)) out[name] = tensor(v.data, { shape: v.shape });
  });
  return out;
}

/**
 * What `run` and `warmup` accept after the key: the model's arguments, optionally followed by
 * {@link runOptions}.
 */
export type RunArgs<Args extends readonly unknown[]> =
  | readonly [...ModelCallArgs<Args>]
  | readonly [...ModelCallArgs<Args>, RunOptions];

const badOptions = (message: string): PhloxError => new PhloxError("mcmc-bad-options", message);

const needsModel = (what: string): PhloxError =>
  new PhloxError(
    "needs-model-kernel",
    `MCMC.${what}: the kernel has no model (it was built from a raw potential); build it from a model, e.g. new NUTS(model).`,
  );

/** A failure of chain 0's initialisation, which every chain would repeat: one error, with the cause. */
function initFailed(e: unknown, numChains: number): PhloxError {
  const msg = e instanceof Error ? e.message : String(e);
  const others = numChains > 1 ? ` (the other ${numChains - 1} chains were not started)` : "";
  const err = new PhloxError(
    "mcmc-init-failed",
    `MCMC.run: initialising the chains failed${others}: ${msg}` +
      (e instanceof PhloxError
        ? ""
        : "\nCheck the model at the site or line this names (see the cause's stack)."),
  );
  err.cause = e;
  return err;
}

function asChainError(chain: number, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const err = new PhloxError("mcmc-chain-failed", `MCMC chain ${chain} failed: ${msg}`);
  if (e instanceof Error) err.stack = `${err.message}\n${e.stack ?? ""}`;
  return err;
}

/** The shape of a `ChainStates` (one non-null state per chain). */
function checkStates(s: ChainStates, numChains: number): void {
  if (s === null || typeof s !== "object" || !Array.isArray(s.chains) || s.chains.length !== numChains) {
    throw new PhloxError(
      "mcmc-bad-state",
      `MCMC.postWarmupState: expected { chains: [...] } with ${numChains} states (one per chain), got ` +
        `${Array.isArray(s?.chains) ? `${s.chains.length} states` : typeof s}. Assign mcmc.lastState or a saved copy of it.`,
    );
  }
  const bad = s.chains.findIndex((c) => c === null || typeof c !== "object");
  if (bad >= 0) {
    throw new PhloxError(
      "mcmc-bad-state",
      `MCMC.postWarmupState: the state of chain ${bad} is ${String(s.chains[bad])}, not a kernel state.`,
    );
  }
}

const fmtSites = (sites: readonly { name: string; shape: readonly number[] }[]): string =>
  sites.map((x) => `${x.name}[${x.shape.join(",")}]`).join(", ") || "(none)";

/**
 * Restores the saved states for a run, after checking them against the kernel (its JSON form and the
 * dimension of a fresh state `probe`) and the model (the sites recorded with the states).
 */
function resumeStates<S extends object>(k: Kernel<S>, probe: S, saved: ChainStates, numChains: number): S[] {
  checkStates(saved, numChains);
  const layout = k.layout;
  if (saved.sites && layout) {
    const same =
      saved.sites.length === layout.length &&
      saved.sites.every(
        (x, i) =>
          x.name === layout[i].name &&
          x.shape.length === layout[i].shape.length &&
          x.shape.every((d, j) => d === layout[i].shape[j]),
      );
    if (!same) {
      throw new PhloxError(
        "mcmc-state-mismatch",
        `MCMC.run: postWarmupState belongs to another model: its sites are ${fmtSites(saved.sites)}, this ` +
          `model's are ${fmtSites(layout)}. Set mcmc.postWarmupState = undefined to warm up again.`,
      );
    }
  }
  const want = (probe as Record<string, unknown>)[k.sampleField];
  const dim = want instanceof Float64Array ? want.length : -1;
  return saved.chains.map((json, c) => {
    let s: S;
    try {
      s = restore(k, json);
    } catch (e) {
      throw new PhloxError(
        "mcmc-bad-state",
        `MCMC.run: postWarmupState.chains[${c}] is not a state of this kernel: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const z = (s as Record<string, unknown>)[k.sampleField];
    if (!(z instanceof Float64Array) || (dim >= 0 && z.length !== dim)) {
      throw new PhloxError(
        "mcmc-state-mismatch",
        `MCMC.run: postWarmupState.chains[${c}] has a position of ${z instanceof Float64Array ? z.length : "no"} ` +
          `elements but this kernel and model have ${dim}; it belongs to another model. ` +
          "Set mcmc.postWarmupState = undefined to warm up again.",
      );
    }
    return s;
  });
}

function perChainInit(p: MCMCOptions["initParams"], n: number): Float64Array[] | undefined {
  if (!p) return undefined;
  const first = (p as ArrayLike<unknown>)[0];
  if (typeof first === "number")
    return Array.from({ length: n }, () => Float64Array.from(p as ArrayLike<number>));
  const list = p as readonly ArrayLike<number>[];
  if (list.length !== n) {
    throw badOptions(
      `MCMC: initParams has ${list.length} entries for ${n} chains; give one starting point per chain, or one for all.`,
    );
  }
  return list.map((x) => Float64Array.from(x));
}
