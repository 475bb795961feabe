import { type ChainRandom, PhloxError } from "@phlox/tensor";
import {
  EnsembleKernel,
  type EnsembleOptions,
  type EnsembleSnapshot,
  pickWeighted,
  type SharedEnsemble,
  type WalkerState,
} from "./ensemble.js";
import type { Model } from "./hmc-kernel.js";
import { cholesky } from "./internal/linalg.js";
import { distinctPair, type MoveTable, moveTable } from "./internal/move-table.js";
import {
  exponential,
  type ModelSource,
  type PotentialSource,
  pickDefined,
  randInt,
  type WorkerKernelKind,
} from "./potential-kernel.js";

/** A direction move of {@link ESS} (Karamanis & Beutler 2021). */
export type ESSMove =
  | { readonly type: "DifferentialMove" }
  | { readonly type: "GaussianMove" }
  | { readonly type: "RandomMove" }
  | { readonly type: "KDEMove"; readonly bwMethod?: "scott" | "silverman" | number };

/** Options of {@link ESS} (NumPyro's names). */
export interface ESSOptions extends EnsembleOptions {
  /** Moves and their probabilities (`[move, weight]` pairs or a Map). Default `[[ESS.DifferentialMove(), 1]]`. */
  moves?: ReadonlyArray<readonly [ESSMove, number]> | ReadonlyMap<ESSMove, number>;
  /** Maximum stepping-out steps per walker and iteration. Default 10 000. */
  maxSteps?: number;
  /** Maximum shrinking steps per walker and iteration (an error past it). Default 10 000. */
  maxIter?: number;
  /** Initial scale factor μ of the directions. Default 1. */
  initMu?: number;
  /** Tune μ during warmup (μ ← 2·expansions / (expansions + contractions) each iteration). Default true. */
  tuneMu?: boolean;
}

const MOVE_TYPES = ["DifferentialMove", "GaussianMove", "RandomMove", "KDEMove"];
const isESSMove = (m: unknown): m is ESSMove =>
  typeof m === "object" && m !== null && MOVE_TYPES.includes((m as { type?: string }).type ?? "");

/**
 * Ensemble Slice Sampling (NumPyro's `ESS`; Karamanis & Beutler 2021, zeus): each walker slice-samples along
 * a direction built from the other walkers (stepping out, then shrinking). Gradient-free; `numChains` (even,
 * ≥ 4; at least 2·dim recommended) walkers form the ensemble, one per MCMC chain.
 *
 * Differences from NumPyro 0.21.0: the second half moves using the updated first half as its complementary
 * ensemble (NumPyro 0.21.0 uses the moving half itself, which biases the spread low); μ is tuned during
 * warmup only (NumPyro keeps tuning while sampling, which makes the sampling chain adaptive); RandomMove
 * directions have unit length per walker. Extra fields: `mu`, `numExpansions`, `numContractions` (of the
 * iteration).
 * @example
 * const kernel = new ESS(model, { moves: [[ESS.DifferentialMove(), 0.8], [ESS.RandomMove(), 0.2]] });
 * const mcmc = new MCMC(kernel, { numWarmup: 1000, numSamples: 2000, numChains: 20, chainMethod: "vectorized" });
 */
export class ESS<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends EnsembleKernel<Args, Sites> {
  readonly defaultFields: readonly string[] = ["mu", "numExpansions", "numContractions"];
  protected readonly kind: WorkerKernelKind = "ESS";
  protected readonly innerFields = ["mu", "numExpansions", "numContractions"] as const;
  private readonly opts: Required<Omit<ESSOptions, "moves">>;
  private readonly table: MoveTable<ESSMove>;

  constructor(potentialOptions: PotentialSource & ESSOptions);
  constructor(model: Model<Args, Sites>, options?: ModelSource & ESSOptions);
  constructor(a: (PotentialSource & ESSOptions) | Model<Args, Sites>, b: ModelSource & ESSOptions = {}) {
    super(a, b, "ESS");
    const o: ESSOptions = typeof a === "function" ? b : a;
    this.opts = {
      randomizeSplit: o.randomizeSplit ?? true,
      maxSteps: o.maxSteps ?? 10_000,
      maxIter: o.maxIter ?? 10_000,
      initMu: o.initMu ?? 1,
      tuneMu: o.tuneMu ?? true,
    };
    for (const k of ["maxSteps", "maxIter"] as const) {
      const v = this.opts[k];
      if (!(Number.isInteger(v) && v >= 1))
        throw new PhloxError("ess-bad-option", `ESS: ${k} must be an integer ≥ 1, got ${v}.`);
    }
    if (!(this.opts.initMu > 0 && Number.isFinite(this.opts.initMu))) {
      throw new PhloxError(
        "ess-bad-option",
        `ESS: initMu (the scale factor) must be finite and > 0, got ${this.opts.initMu}.`,
      );
    }
    this.table = moveTable(
      "ESS",
      o.moves,
      ESS.DifferentialMove(),
      isESSMove,
      "ESS.DifferentialMove(), ESS.GaussianMove(), ESS.KDEMove(), ESS.RandomMove()",
    );
  }

  /** Directions 2μ·(x_j − x_i) from two distinct walkers of the complementary half (the default). */
  static DifferentialMove(): ESSMove {
    return { type: "DifferentialMove" };
  }
  /** Directions 2μ·v, v ~ N(0, Σ̂) with Σ̂ the complementary half's covariance (needs numChains/2 > dim). */
  static GaussianMove(): ESSMove {
    return { type: "GaussianMove" };
  }
  /** Random unit directions times 2μ: plain slice sampling without interaction (for debugging). */
  static RandomMove(): ESSMove {
    return { type: "RandomMove" };
  }
  /**
   * Directions 2μ·(v₁ − v₂), v ~ a Gaussian KDE of the complementary half (for multimodal targets; needs
   * many well-initialised walkers). `bwMethod`: "scott" (default), "silverman" or a factor.
   */
  static KDEMove(bwMethod?: "scott" | "silverman" | number): ESSMove {
    return bwMethod === undefined ? { type: "KDEMove" } : { type: "KDEMove", bwMethod };
  }

  /** The kernel's scalars at iteration 0. */
  protected initialInner(): Record<string, number> {
    return { mu: this.opts.initMu, numExpansions: 0, numContractions: 0 };
  }

  /** One iteration: both halves of the walkers move against the other half. */
  protected step(prev: EnsembleSnapshot, t: number, e: SharedEnsemble): EnsembleSnapshot {
    const { n, d } = e;
    const rng = this.streamOf(prev);
    const z = prev.z.slice();
    const logp = prev.logp.slice();
    const mu = prev.inner.mu;
    const order = this.order(n, this.opts.randomizeSplit, rng);
    const half = n / 2;
    let nExp = 0;
    let nCon = 0;
    const x = new Float64Array(d);
    const y = new Float64Array(d);
    for (let h = 0; h < 2; h++) {
      const active = h === 0 ? order.subarray(0, half) : order.subarray(half);
      const comp = h === 0 ? order.subarray(half) : order.subarray(0, half);
      const move = this.table.moves[pickWeighted(this.table.weights, rng)];
      const dirs = directions(move, z, comp, half, d, mu, rng);
      for (let k = 0; k < half; k++) {
        const w = active[k];
        x.set(z.subarray(w * d, (w + 1) * d));
        const dir = dirs.subarray(k * d, (k + 1) * d);
        const height = logp[w] - exponential(rng);
        const at = (s: number): number => {
          for (let i = 0; i < d; i++) y[i] = x[i] + s * dir[i];
          return this.logDensity(y);
        };
        // Stepping out.
        let L = -rng.uniform();
        let R = L + 1;
        let J = Math.floor(rng.uniform() * this.opts.maxSteps);
        let K = this.opts.maxSteps - 1 - J;
        while (J > 0 && at(L) > height) {
          L -= 1;
          J--;
          nExp++;
        }
        while (K > 0 && at(R) > height) {
          R += 1;
          K--;
          nExp++;
        }
        // Shrinking.
        let done = false;
        for (let it = 0; it < this.opts.maxIter; it++) {
          const s = L + rng.uniform() * (R - L);
          const ly = at(s);
          if (ly >= height) {
            z.set(y, w * d);
            logp[w] = ly;
            done = true;
            break;
          }
          if (s < 0) L = s;
          else R = s;
          nCon++;
        }
        if (!done) {
          throw new PhloxError(
            "ess-max-iter",
            `ESS: walker ${w} found no point on its slice in maxIter = ${this.opts.maxIter} shrinking steps at iteration ${t}; ` +
              "the log density may be NaN or discontinuous there. Raise maxIter or check the model.",
          );
        }
      }
    }
    let newMu = mu;
    if (this.opts.tuneMu && t < e.numWarmup) {
      const safe = Math.max(1, nExp);
      newMu = (2 * safe) / (safe + nCon);
    }
    return { z, logp, inner: { mu: newMu, numExpansions: nExp, numContractions: nCon }, rng: rng.getState() };
  }

  /** e.g. "mu=1.02". */
  diagnostics(s: WalkerState): string {
    return `mu=${Number(s.mu ?? 0).toFixed(2)}`;
  }

  /** The options a worker passes back to the constructor. */
  protected workerOptions(): Record<string, unknown> {
    return pickDefined({ ...this.opts, moves: this.table.raw }, [
      "randomizeSplit",
      "maxSteps",
      "maxIter",
      "initMu",
      "tuneMu",
      "moves",
    ]);
  }
}

/** One direction per active walker, [half·d]. */
function directions(
  move: ESSMove,
  z: Float64Array,
  comp: Int32Array,
  half: number,
  d: number,
  mu: number,
  rng: ChainRandom,
): Float64Array {
  const out = new Float64Array(half * d);
  const m = comp.length;
  if (move.type === "DifferentialMove") {
    for (let k = 0; k < half; k++) {
      const [i, j] = distinctPair(rng, m);
      for (let c = 0; c < d; c++) out[k * d + c] = 2 * mu * (z[comp[j] * d + c] - z[comp[i] * d + c]);
    }
    return out;
  }
  if (move.type === "RandomMove") {
    for (let k = 0; k < half; k++) {
      let norm = 0;
      for (let c = 0; c < d; c++) {
        const v = rng.normal();
        out[k * d + c] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      for (let c = 0; c < d; c++) out[k * d + c] *= (2 * mu) / norm;
    }
    return out;
  }
  // Gaussian and KDE moves: the complementary half's covariance (ddof = 1) and its Cholesky factor.
  const mean = new Float64Array(d);
  for (const w of comp) for (let c = 0; c < d; c++) mean[c] += z[w * d + c] / m;
  const cov = new Float64Array(d * d);
  for (const w of comp)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        cov[a * d + b] += ((z[w * d + a] - mean[a]) * (z[w * d + b] - mean[b])) / (m - 1);
  let factor = 1;
  if (move.type === "KDEMove") {
    const bw = move.bwMethod ?? "scott";
    factor =
      typeof bw === "number"
        ? bw
        : bw === "scott"
          ? m ** (-1 / (d + 4))
          : ((m * (d + 2)) / 4) ** (-1 / (d + 4));
    for (let i = 0; i < cov.length; i++) cov[i] *= factor * factor;
  }
  let L: Float64Array;
  try {
    L = cholesky(cov, d, "ESS");
  } catch {
    throw new PhloxError(
      "ess-singular-covariance",
      `ESS.${move.type}: the covariance of the ${m} complementary walkers is singular (numChains/2 must exceed dim = ${d}, and the walkers must not coincide); use more walkers or ESS.DifferentialMove().`,
    );
  }
  const draw = (out2: Float64Array, off: number): void => {
    const eps = new Float64Array(d);
    for (let c = 0; c < d; c++) eps[c] = rng.normal();
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[a * d + b] * eps[b];
      out2[off + a] = s;
    }
  };
  if (move.type === "GaussianMove") {
    for (let k = 0; k < half; k++) {
      draw(out, k * d);
      for (let c = 0; c < d; c++) out[k * d + c] *= 2 * mu;
    }
    return out;
  }
  // KDE: v = x_r + N(0, factor²·Σ̂) for a random complementary walker r; direction = v₁ − v₂.
  const v = new Float64Array(2 * d);
  for (let k = 0; k < half; k++) {
    for (let q = 0; q < 2; q++) {
      const r = comp[randInt(rng, m)];
      draw(v, q * d);
      for (let c = 0; c < d; c++) v[q * d + c] += z[r * d + c];
    }
    for (let c = 0; c < d; c++) out[k * d + c] = 2 * mu * (v[c] - v[d + c]);
  }
  return out;
}
