import { PhloxError } from "@phlox/tensor";
/**
 * Runs one chain of any Kernel: warmup then sampling, collecting the flat position and the extra fields
 * of every `thinning`-th draw into preallocated arrays. The same function runs in the main thread
 * (sequential), interleaved (vectorized, via {@link ChainRunner.advance}) and in workers (parallel), so all
 * chain methods give identical draws for the same key.
 */
import type { Kernel } from "../kernel.js";

/** What one chain produced. */
export interface ChainOutput {
  /** [numKept · d] flat positions. */
  z: Float64Array;
  /** One [numKept · width] array per field. */
  fields: Record<string, Float64Array>;
  /** Width of each field (1 for scalars). */
  fieldWidths: Record<string, number>;
  numKept: number;
  d: number;
  numDivergences: number;
  /** Post-warmup transition statistics (every transition, not only the kept ones), for the run's warnings. */
  stats: ChainStats;
}

/**
 * What the driver's end-of-run checks read: counts over every post-warmup transition, E-BFMI's sums and the
 * step size, gathered on the fly (O(1) memory) from the state's `diverging`, `energy`, `treeDepth` and
 * `stepSize` fields when the kernel has them.
 */
export interface ChainStats {
  /** Post-warmup transitions made. */
  numTransitions: number;
  /** Post-warmup transitions at the kernel's `maxTreeDepth`. */
  numSaturated: number;
  /** Post-warmup transitions whose energy was NaN or ±∞ (also counted as divergences). */
  numNonFiniteEnergy: number;
  /** Divergent transitions in a row at the end of the chain. */
  trailingDivergences: number;
  /** Σ (E_n − E_{n−1})² over post-warmup transitions (E-BFMI numerator). */
  energyDiffSq: number;
  /** Welford sums of the post-warmup energies (E-BFMI denominator is `energyM2`). */
  energyMean: number;
  energyM2: number;
  energyCount: number;
  /** The state's `stepSize` after the last transition (NaN when the kernel has none). */
  stepSize: number;
}

function emptyStats(): ChainStats {
  return {
    numTransitions: 0,
    numSaturated: 0,
    numNonFiniteEnergy: 0,
    trailingDivergences: 0,
    energyDiffSq: 0,
    energyMean: 0,
    energyM2: 0,
    energyCount: 0,
    stepSize: Number.NaN,
  };
}

/** Progress of one chain, reported every few iterations. */
export interface ChainProgress {
  chain: number;
  iteration: number;
  total: number;
  phase: "warmup" | "sample";
  numDivergences: number;
  diagnostics: string;
}

function fieldValue(state: object, name: string): number | boolean | Float64Array {
  return (state as Record<string, number | boolean | Float64Array>)[name];
}

/** Step-by-step runner of one chain (so chains can be interleaved). */
export class ChainRunner<S extends object> {
  state: S;
  iteration = 0;
  readonly total: number;
  readonly out: ChainOutput;
  /** JSON snapshot of the state after the last warmup iteration. */
  postWarmup: unknown;
  private kept = 0;
  /** NumPyro's fori_collect: with N samples and thinning t, keep draws j ≡ N mod t + t − 1 (mod t), so the last draw is kept. */
  private readonly thinOffset: number;

  constructor(
    private readonly kernel: Kernel<S>,
    state: S,
    private readonly numWarmup: number,
    numSamples: number,
    private readonly thinning: number,
    private readonly fieldNames: readonly string[],
    private readonly chain: number,
    private readonly maxTreeDepth?: number,
  ) {
    this.state = state;
    this.total = numWarmup + numSamples;
    const z = fieldValue(state, kernel.sampleField);
    if (!(z instanceof Float64Array)) {
      throw new PhloxError(
        "kernel-bad-state",
        `MCMC: kernel state field "${kernel.sampleField}" must be a Float64Array (chain ${chain}).`,
      );
    }
    const numKept = Math.floor(numSamples / thinning);
    this.thinOffset = numSamples % thinning;
    const fields: Record<string, Float64Array> = Object.create(null);
    const widths: Record<string, number> = Object.create(null);
    for (const f of fieldNames) {
      const v = fieldValue(state, f);
      if (v === undefined)
        throw new PhloxError(
          "kernel-bad-state",
          `MCMC: kernel state has no field "${f}" (extraFields, chain ${chain}).`,
        );
      widths[f] = v instanceof Float64Array ? v.length : 1;
      fields[f] = new Float64Array(numKept * widths[f]);
    }
    this.out = {
      z: new Float64Array(numKept * z.length),
      fields,
      fieldWidths: widths,
      numKept,
      d: z.length,
      numDivergences: 0,
      stats: emptyStats(),
    };
    if (numWarmup === 0) this.postWarmup = snapshot(kernel, state);
  }

  get done(): boolean {
    return this.iteration >= this.total;
  }

  /**
   * Runs up to `n` more iterations, stopping early once `performance.now()` passes `until` (checked after
   * each iteration, so at least one runs).
   */
  advance(n: number, until = Number.POSITIVE_INFINITY): void {
    const end = Math.min(this.total, this.iteration + n);
    const k = this.kernel;
    const timed = until !== Number.POSITIVE_INFINITY;
    while (this.iteration < end) {
      this.state = k.sample(this.state);
      this.record();
      if (timed && performance.now() > until) return;
    }
  }

  /** {@link ChainRunner.advance} for an asynchronous kernel (awaits `sampleAsync`). */
  async advanceAsync(n: number): Promise<void> {
    const end = Math.min(this.total, this.iteration + n);
    const k = this.kernel;
    if (!k.sampleAsync)
      throw new PhloxError(
        "kernel-async-methods",
        "MCMC: an asynchronous kernel must implement sampleAsync.",
      );
    while (this.iteration < end) {
      this.state = await k.sampleAsync(this.state);
      this.record();
    }
  }

  /** Takes `state`, the result of one transition made outside (a kernel's `sampleBatch`), and records it. */
  accept(state: S): void {
    this.state = state;
    this.record();
  }

  /** Counts the transition just made and keeps its draw and fields when thinning says so. */
  private record(): void {
    const k = this.kernel;
    const out = this.out;
    const names = this.fieldNames;
    const it = this.iteration++;
    const s = this.state as Record<string, unknown>;
    if (s.diverging === true) out.numDivergences++;
    if (it === this.numWarmup - 1) {
      this.postWarmup = snapshot(k, this.state);
      out.numDivergences = 0;
    }
    const j = it - this.numWarmup;
    if (j >= 0) this.tally(s);
    if (j >= this.thinOffset && (j - this.thinOffset + 1) % this.thinning === 0 && this.kept < out.numKept) {
      out.z.set(s[k.sampleField] as Float64Array, this.kept * out.d);
      for (let f = 0; f < names.length; f++) {
        const name = names[f];
        const v = s[name];
        const w = out.fieldWidths[name];
        if (typeof v === "number") out.fields[name][this.kept] = v;
        else if (typeof v === "boolean") out.fields[name][this.kept] = v ? 1 : 0;
        else out.fields[name].set(v as Float64Array, this.kept * w);
      }
      this.kept++;
    }
  }

  /** Adds one post-warmup transition to {@link ChainStats}. */
  private tally(s: Record<string, unknown>): void {
    const st = this.out.stats;
    st.numTransitions++;
    st.trailingDivergences = s.diverging === true ? st.trailingDivergences + 1 : 0;
    if (this.maxTreeDepth !== undefined && s.treeDepth === this.maxTreeDepth) st.numSaturated++;
    if (typeof s.stepSize === "number") st.stepSize = s.stepSize;
    const e = s.energy;
    if (typeof e !== "number") return;
    if (!Number.isFinite(e)) {
      st.numNonFiniteEnergy++;
      return;
    }
    if (st.energyCount > 0) {
      const prev = this.lastEnergy;
      st.energyDiffSq += (e - prev) * (e - prev);
    }
    this.lastEnergy = e;
    st.energyCount++;
    const delta = e - st.energyMean;
    st.energyMean += delta / st.energyCount;
    st.energyM2 += delta * (e - st.energyMean);
  }
  private lastEnergy = 0;

  progress(): ChainProgress {
    return {
      chain: this.chain,
      iteration: this.iteration,
      total: this.total,
      phase:
        this.iteration <= this.numWarmup && this.numWarmup > 0 && this.iteration < this.numWarmup
          ? "warmup"
          : "sample",
      numDivergences: this.out.numDivergences,
      diagnostics: this.kernel.diagnostics(this.state),
    };
  }
}

/** A JSON-able copy of a state (through the kernel's own serialiser when it has one). */
export function snapshot<S extends object>(kernel: Kernel<S>, state: S): unknown {
  return kernel.stateToJSON ? kernel.stateToJSON(state) : structuredClone(state);
}

/** The inverse of {@link snapshot}. */
export function restore<S extends object>(kernel: Kernel<S>, json: unknown): S {
  return kernel.stateFromJSON ? kernel.stateFromJSON(json) : (structuredClone(json) as S);
}
