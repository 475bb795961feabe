/**
 * The ensemble machinery shared by {@link AIES} and {@link ESS}: `numChains` walkers, one per MCMC chain,
 * updated jointly. Each iteration splits the walkers into two halves; the first half moves using the
 * second as its complementary ensemble, then the second half moves using the (updated) first half — the
 * correct two-step scheme of Goodman & Weare / emcee. (NumPyro 0.21.0 moves the second half using itself,
 * which leaves the target distribution only approximately invariant; fixed upstream after 0.21.)
 *
 * MCMC drives kernels chain by chain, so the walkers of one run share a {@link SharedEnsemble}: the first
 * walker that reaches iteration t + 1 advances the whole ensemble, and every walker reads its own row. The
 * ensemble keeps the iterations some walker has not read yet, so sequential chains (walker 0 runs to the end
 * first) give the same draws as vectorized ones; parallel chains advance a copy of the ensemble in each
 * worker (no speed-up: use "vectorized" for ensembles).
 */
import { ChainRandom, type ChainRandomState, PhloxError, warn } from "@phlox/tensor";
import type { KernelInitArgs } from "./kernel.js";
import { PotentialKernel, rngFrom } from "./potential-kernel.js";

/** The ensemble at one iteration: positions [n·d], log densities [n], the kernel's scalars and its stream. */
export interface EnsembleSnapshot {
  z: Float64Array;
  logp: Float64Array;
  inner: Record<string, number>;
  rng: ChainRandomState;
}

interface EnsembleJSON {
  id: string;
  n: number;
  d: number;
  t: number;
  numWarmup: number;
  z: number[];
  logp: number[];
  inner: Record<string, number>;
  rng: ChainRandomState;
}

/** JSON form of a walker's state: its index and the whole ensemble at its iteration. */
export interface WalkerStateJSON {
  walker: number;
  ensemble: EnsembleJSON;
}

/** State of one walker (one MCMC chain): its position `z`, and the ensemble's scalars as extra fields. */
export interface WalkerState {
  z: Float64Array;
  /** Index of the walker in the ensemble (= the chain index). */
  walker: number;
  /** Iterations done. */
  i: number;
  /** The shared ensemble. */
  ensemble: SharedEnsemble;
  [field: string]: unknown;
}

let ensembleCounter = 0;

/** The walkers of one run and the iterations not yet read by every walker. */
export class SharedEnsemble {
  readonly id: string;
  /** Iteration of `history[0]`. */
  base: number;
  history: EnsembleSnapshot[] = [];
  /** Positions gathered by `init` before the ensemble is complete. */
  pending?: (Float64Array | undefined)[];
  private readonly attached = new Map<number, number>();
  key: [number, number] = [0, 0];

  constructor(
    readonly n: number,
    readonly d: number,
    readonly numWarmup: number,
    base: number,
    id?: string,
  ) {
    this.base = base;
    this.id = id ?? `e${Date.now().toString(36)}-${ensembleCounter++}`;
  }

  /** The latest iteration computed. */
  get t(): number {
    return this.base + this.history.length - 1;
  }

  /** The ensemble at iteration `t` (must not have been dropped). */
  at(t: number): EnsembleSnapshot {
    const s = this.history[t - this.base];
    if (!s) throw new PhloxError("ensemble-lost-iteration", `ensemble: iteration ${t} is no longer kept.`);
    return s;
  }

  /** Records that `walker` has reached iteration `t`, and drops iterations every attached walker has passed. */
  reach(walker: number, t: number): void {
    this.attached.set(walker, t);
    let min = Number.POSITIVE_INFINITY;
    for (const v of this.attached.values()) min = Math.min(min, v);
    const drop = Math.min(min, this.t) - this.base;
    if (drop > 0) {
      this.history.splice(0, drop);
      this.base += drop;
    }
  }

  isAttached(walker: number): boolean {
    return this.attached.has(walker);
  }

  toJSON(t: number): EnsembleJSON {
    const s = this.at(t);
    return {
      id: this.id,
      n: this.n,
      d: this.d,
      t,
      numWarmup: this.numWarmup,
      z: Array.from(s.z),
      logp: Array.from(s.logp),
      inner: { ...s.inner },
      rng: { ...s.rng },
    };
  }
}

/** Options shared by the ensemble kernels. */
export interface EnsembleOptions {
  /** Split the walkers into halves at random each iteration (instead of first half / second half). */
  randomizeSplit?: boolean;
}

/**
 * Base of the ensemble kernels: gathers the walkers from `init`, advances the ensemble and hands each walker
 * its row. Subclasses implement one full iteration in {@link EnsembleKernel.step}.
 */
export abstract class EnsembleKernel<
  Args extends readonly unknown[] = readonly unknown[],
  Sites extends string = string,
> extends PotentialKernel<WalkerState, Args, Sites> {
  readonly sampleField = "z";
  private current?: SharedEnsemble;
  private readonly restored = new Map<string, SharedEnsemble>();
  private grad = new Float64Array(0);

  /** Field names the subclass puts in `inner` (copied to each walker's state). */
  protected abstract readonly innerFields: readonly string[];
  /** Initial scalars of the kernel (iteration 0). */
  protected abstract initialInner(): Record<string, number>;
  /**
   * One full iteration from `prev` (iteration t, `t < numWarmup` during warmup): returns iteration t + 1.
   * `logDensity(x)` is −U(x) (−∞ for NaN).
   */
  protected abstract step(prev: EnsembleSnapshot, t: number, e: SharedEnsemble): EnsembleSnapshot;

  /** log density −U(x); NaN becomes −∞. */
  protected logDensity(x: Float64Array): number {
    if (this.grad.length !== x.length) this.grad = new Float64Array(x.length);
    const u = this.U(x, this.grad);
    return Number.isNaN(u) ? Number.NEGATIVE_INFINITY : -u;
  }

  /** Registers walker `chain` of `numChains`; the ensemble is built once all walkers are in. */
  init(args: KernelInitArgs<Args>): WalkerState {
    const n = args.numChains;
    const c = args.chain;
    if (n === undefined || c === undefined) {
      throw new PhloxError(
        "ensemble-needs-mcmc",
        `${this.kind}: an ensemble kernel must be driven by MCMC, whose numChains walkers form the ensemble.`,
      );
    }
    if (!(n >= 4 && n % 2 === 0)) {
      throw new PhloxError(
        "ensemble-bad-num-chains",
        `${this.kind}: numChains is the number of walkers and must be even and ≥ 4 (got ${n}); NumPyro recommends at least 2·dim.`,
      );
    }
    const { z0, key } = this.start(args);
    const d = z0.length;
    if (c === 0 || !this.current || this.current.n !== n || !this.current.pending) {
      if (n < 2 * d) {
        warn(
          "ensemble-few-walkers",
          `${this.kind}: numChains = ${n} walkers for ${d} parameters; at least 2·dim = ${2 * d} is strongly recommended.`,
        );
      }
      this.current = new SharedEnsemble(n, d, args.numWarmup, 0);
      this.current.pending = new Array(n).fill(undefined);
      this.current.key = [key[0], key[1]];
    }
    const e = this.current;
    if (e.d !== d)
      throw new PhloxError("ensemble-dim", `${this.kind}: walker ${c} has dimension ${d}, expected ${e.d}.`);
    (e.pending as (Float64Array | undefined)[])[c] = z0;
    e.reach(c, 0);
    const s: WalkerState = { z: Float64Array.from(z0), walker: c, i: 0, ensemble: e };
    for (const f of this.innerFields) s[f] = this.initialInner()[f] ?? 0;
    return s;
  }

  /** Builds the ensemble from the gathered walkers (log densities, checks). */
  private build(e: SharedEnsemble): void {
    const pending = e.pending;
    if (!pending) return;
    const missing = pending.indexOf(undefined);
    if (missing >= 0) {
      throw new PhloxError(
        "ensemble-incomplete",
        `${this.kind}: walker ${missing} of ${e.n} was not initialised (did its chain fail?); the ensemble needs all of them.`,
      );
    }
    const z = new Float64Array(e.n * e.d);
    const logp = new Float64Array(e.n);
    pending.forEach((p, w) => {
      z.set(p as Float64Array, w * e.d);
      logp[w] = this.logDensity(p as Float64Array);
      if (!Number.isFinite(logp[w])) {
        throw new PhloxError(
          "ensemble-bad-init",
          `${this.kind}: the log density at walker ${w}'s initial point is ${logp[w]}; start every walker where it is finite.`,
        );
      }
    });
    let spread = false;
    for (let w = 1; w < e.n && !spread; w++)
      for (let i = 0; i < e.d; i++) if (z[w * e.d + i] !== z[i]) spread = true;
    if (!spread) {
      throw new PhloxError(
        "ensemble-degenerate",
        `${this.kind}: all ${e.n} walkers start at the same point, so the ensemble cannot move. Give one starting point per chain (MCMC option initParams: [[…], …]) or drop the kernel's initParams to start them uniformly in (−2, 2).`,
      );
    }
    e.history = [{ z, logp, inner: this.initialInner(), rng: new ChainRandom(e.key).getState() }];
    e.pending = undefined;
  }

  /** Moves this walker to the next iteration (advancing the ensemble if it is the first to get there). */
  sample(s: WalkerState): WalkerState {
    const e = s.ensemble;
    if (e.pending) this.build(e);
    if (e.t === s.i) e.history.push(this.step(e.at(s.i), s.i, e));
    const next = e.at(s.i + 1);
    s.i += 1;
    s.z.set(next.z.subarray(s.walker * e.d, (s.walker + 1) * e.d));
    for (const f of this.innerFields) s[f] = next.inner[f];
    e.reach(s.walker, s.i);
    return s;
  }

  /** JSON form of a chain's state (for `postWarmupState`, `lastState` and parallel chains). */
  stateToJSON(s: WalkerState): WalkerStateJSON {
    if (s.ensemble.pending) this.build(s.ensemble);
    return { walker: s.walker, ensemble: s.ensemble.toJSON(s.i) };
  }

  /** Inverse of `stateToJSON`. */
  stateFromJSON(json: unknown): WalkerState {
    const j = json as WalkerStateJSON;
    const ej = j.ensemble;
    const cacheKey = `${ej.id}:${ej.t}`;
    let e = this.restored.get(cacheKey);
    if (!e || e.t !== ej.t || e.base !== ej.t || e.isAttached(j.walker)) {
      e = new SharedEnsemble(ej.n, ej.d, ej.numWarmup, ej.t, ej.id);
      e.history = [
        {
          z: Float64Array.from(ej.z),
          logp: Float64Array.from(ej.logp),
          inner: { ...ej.inner },
          rng: { ...ej.rng },
        },
      ];
      this.restored.set(cacheKey, e);
    }
    e.reach(j.walker, ej.t);
    const s: WalkerState = {
      z: Float64Array.from(ej.z.slice(j.walker * ej.d, (j.walker + 1) * ej.d)),
      walker: j.walker,
      i: ej.t,
      ensemble: e,
    };
    for (const f of this.innerFields) s[f] = ej.inner[f];
    return s;
  }

  /** The walkers' order for this iteration: a random permutation with `randomizeSplit`, else 0..n−1. */
  protected order(n: number, randomize: boolean, rng: ChainRandom): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    if (randomize) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.min(i, Math.floor(rng.uniform() * (i + 1)));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
    }
    return p;
  }

  /** Restores the stream of a snapshot. */
  protected streamOf(s: EnsembleSnapshot): ChainRandom {
    return rngFrom(s.rng);
  }
}

/** Draws an index according to non-negative `weights` (summing to 1). */
export function pickWeighted(weights: readonly number[], rng: ChainRandom): number {
  if (weights.length === 1) return 0;
  const u = rng.uniform();
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (u < acc) return i;
  }
  return weights.length - 1;
}

/** Normalised weights of `moves` (an array of [move, weight] pairs or a Map), checking each move with `isMove`. */
export function normaliseMoves<M>(
  name: string,
  moves: ReadonlyArray<readonly [M, number]> | ReadonlyMap<M, number> | undefined,
  fallback: M,
  isMove: (m: unknown) => m is M,
  valid: string,
): { moves: M[]; weights: number[] } {
  if (moves === undefined) return { moves: [fallback], weights: [1] };
  const entries =
    moves instanceof Map ? [...moves.entries()] : [...(moves as ReadonlyArray<readonly [M, number]>)];
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new PhloxError(
      "ensemble-bad-moves",
      `${name}: moves must be a non-empty list of [move, weight] pairs (${valid}).`,
    );
  }
  const out: M[] = [];
  const w: number[] = [];
  for (const e of entries) {
    const [m, p] = Array.isArray(e) ? e : [e, Number.NaN];
    if (!isMove(m)) {
      throw new PhloxError(
        "ensemble-bad-moves",
        `${name}: Each move must be one of ${valid}; got ${JSON.stringify(m)}.`,
      );
    }
    if (!(typeof p === "number" && p >= 0 && Number.isFinite(p))) {
      throw new PhloxError(
        "ensemble-bad-moves",
        `${name}: Each move's weight must be a finite number ≥ 0; got ${p}.`,
      );
    }
    out.push(m);
    w.push(p);
  }
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new PhloxError("ensemble-bad-moves", `${name}: the moves' weights sum to 0.`);
  return { moves: out, weights: w.map((x) => x / total) };
}
