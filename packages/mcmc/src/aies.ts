import type { ChainRandom } from "@phlox/tensor";
import {
  EnsembleKernel,
  type EnsembleOptions,
  type EnsembleSnapshot,
  pickWeighted,
  type SharedEnsemble,
  type WalkerState,
} from "./ensemble.js";
import type { Model } from "./hmc-kernel.js";
import { distinctPair, type MoveTable, moveTable } from "./internal/move-table.js";
import {
  type ModelSource,
  type PotentialSource,
  pickDefined,
  randInt,
  type WorkerKernelKind,
} from "./potential-kernel.js";

/** Differential-evolution move (Ter Braak 2006; Nelson et al. 2013): see {@link AIES.DEMove}. */
export interface DEMove {
  readonly type: "DEMove";
  readonly sigma: number;
  readonly g0?: number;
}
/** Goodman & Weare's stretch move: see {@link AIES.StretchMove}. */
export interface StretchMove {
  readonly type: "StretchMove";
  readonly a: number;
}
/** A move of {@link AIES}. */
export type AIESMove = DEMove | StretchMove;

/** Options of {@link AIES} (NumPyro's names). */
export interface AIESOptions extends EnsembleOptions {
  /**
   * Moves and their probabilities, as `[move, weight]` pairs or a Map (weights are normalised). Default
   * `[[AIES.DEMove(), 1]]`.
   */
  moves?: ReadonlyArray<readonly [AIESMove, number]> | ReadonlyMap<AIESMove, number>;
}

const isAIESMove = (m: unknown): m is AIESMove =>
  typeof m === "object" &&
  m !== null &&
  (((m as DEMove).type === "DEMove" && typeof (m as DEMove).sigma === "number") ||
    ((m as StretchMove).type === "StretchMove" && typeof (m as StretchMove).a === "number"));

/**
 * Affine-Invariant Ensemble Sampling (NumPyro's `AIES`; emcee): gradient-free Metropolis–Hastings whose
 * proposals use the other walkers. `numChains` (even, ≥ 4; at least 2·dim recommended) walkers form the
 * ensemble; each MCMC chain is one walker. Suited to low and moderate dimensions.
 *
 * Unlike NumPyro 0.21.0, the second half of the walkers moves using the updated first half as its
 * complementary ensemble (NumPyro 0.21.0 uses the moving half itself, biasing the spread low).
 * Extra fields: `acceptProb` (fraction of the walkers that moved this iteration), `meanAcceptProb`.
 * @example
 * const kernel = new AIES(model, { moves: [[AIES.DEMove(), 0.5], [AIES.StretchMove(), 0.5]] });
 * const mcmc = new MCMC(kernel, { numWarmup: 1000, numSamples: 2000, numChains: 20, chainMethod: "vectorized" });
 */
export class AIES<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends EnsembleKernel<Args, Sites> {
  readonly defaultFields: readonly string[] = ["acceptProb", "meanAcceptProb"];
  protected readonly kind: WorkerKernelKind = "AIES";
  protected readonly innerFields = ["acceptProb", "meanAcceptProb"] as const;
  private readonly randomizeSplit: boolean;
  private readonly table: MoveTable<AIESMove>;

  constructor(potentialOptions: PotentialSource & AIESOptions);
  constructor(model: Model<Args, Sites>, options?: ModelSource & AIESOptions);
  constructor(a: (PotentialSource & AIESOptions) | Model<Args, Sites>, b: ModelSource & AIESOptions = {}) {
    super(a, b, "AIES");
    const o: AIESOptions = typeof a === "function" ? b : a;
    this.randomizeSplit = o.randomizeSplit ?? false;
    this.table = moveTable("AIES", o.moves, AIES.DEMove(), isAIESMove, "AIES.DEMove(), AIES.StretchMove()");
  }

  /**
   * Differential evolution: x' = x + γ·(x_j − x_i) for two distinct walkers i, j of the complementary
   * half, γ ~ N(g0, (g0·sigma)²), g0 = 2.38/√(2·dim) by default.
   */
  static DEMove(sigma = 1e-5, g0?: number): DEMove {
    return g0 === undefined ? { type: "DEMove", sigma } : { type: "DEMove", sigma, g0 };
  }

  /** Stretch move: x' = x_r + Z·(x − x_r), Z ~ g(z) ∝ 1/√z on [1/a, a]. Default a = 2. */
  static StretchMove(a = 2): StretchMove {
    return { type: "StretchMove", a };
  }

  /** The kernel's scalars at iteration 0. */
  protected initialInner(): Record<string, number> {
    return { acceptProb: 0, meanAcceptProb: 0 };
  }

  /** One iteration: both halves of the walkers move against the other half. */
  protected step(prev: EnsembleSnapshot, t: number, e: SharedEnsemble): EnsembleSnapshot {
    const { n, d } = e;
    const rng = this.streamOf(prev);
    const z = prev.z.slice();
    const logp = prev.logp.slice();
    const order = this.order(n, this.randomizeSplit, rng);
    const half = n / 2;
    const prop = new Float64Array(d);
    let accepted = 0;
    for (let h = 0; h < 2; h++) {
      const active = h === 0 ? order.subarray(0, half) : order.subarray(half);
      const comp = h === 0 ? order.subarray(half) : order.subarray(0, half);
      const move = this.table.moves[pickWeighted(this.table.weights, rng)];
      // Proposals for the whole half use the complementary half as it is now.
      const proposals = new Float64Array(half * d);
      const factors = new Float64Array(half);
      for (let k = 0; k < half; k++) {
        factors[k] = propose(move, z, active[k], comp, d, rng, prop);
        proposals.set(prop, k * d);
      }
      for (let k = 0; k < half; k++) {
        const w = active[k];
        const y = proposals.subarray(k * d, (k + 1) * d);
        const ly = this.logDensity(y);
        const logAccept = factors[k] + ly - logp[w];
        if (rng.uniform() < Math.exp(logAccept)) {
          z.set(y, w * d);
          logp[w] = ly;
          accepted++;
        }
      }
    }
    const acceptProb = accepted / n;
    const warm = t < e.numWarmup;
    const nIt = warm ? t + 1 : t + 1 - e.numWarmup;
    const mean = warm && t === 0 ? 0 : !warm && t === e.numWarmup ? 0 : prev.inner.meanAcceptProb;
    return {
      z,
      logp,
      inner: { acceptProb, meanAcceptProb: mean + (acceptProb - mean) / nIt },
      rng: rng.getState(),
    };
  }

  /** e.g. "acc. prob=0.35". */
  diagnostics(s: WalkerState): string {
    return `acc. prob=${Number(s.meanAcceptProb ?? 0).toFixed(2)}`;
  }

  /** The options a worker passes back to the constructor. */
  protected workerOptions(): Record<string, unknown> {
    return pickDefined({ randomizeSplit: this.randomizeSplit, moves: this.table.raw }, [
      "randomizeSplit",
      "moves",
    ]);
  }
}

/** Writes walker `w`'s proposal into `out`; returns its log Hastings factor. */
function propose(
  move: AIESMove,
  z: Float64Array,
  w: number,
  comp: Int32Array,
  d: number,
  rng: ChainRandom,
  out: Float64Array,
): number {
  const m = comp.length;
  if (move.type === "DEMove") {
    const g = move.g0 ?? 2.38 / Math.sqrt(2 * d);
    const [i, j] = distinctPair(rng, m);
    const gamma = g + g * move.sigma * rng.normal();
    const a = comp[i] * d;
    const b = comp[j] * d;
    for (let k = 0; k < d; k++) out[k] = z[w * d + k] + gamma * (z[b + k] - z[a + k]);
    return 0;
  }
  const zz = ((move.a - 1) * rng.uniform() + 1) ** 2 / move.a;
  const r = comp[randInt(rng, m)] * d;
  for (let k = 0; k < d; k++) out[k] = z[r + k] - (z[r + k] - z[w * d + k]) * zz;
  return (d - 1) * Math.log(zz);
}
