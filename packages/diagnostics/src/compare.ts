// Model comparison from pointwise elpd (ArviZ `compare`): rank by elpd, differences to the best model
// with the standard error of the paired differences, and model weights by stacking of predictive
// distributions (Yao et al. 2018), pseudo-BMA, or pseudo-BMA with the Bayesian bootstrap.

import type { DrawsInput } from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { dirichlet, xoshiro128 } from "./internal/dirichlet.js";
import { type ElpdData, type FitLike, type IcScale, loo } from "./loo.js";
import { waic } from "./waic.js";

/** One row of {@link compare}, best model first. */
export interface CompareRow {
  name: string;
  /** 0 for the best model. */
  rank: number;
  /** elpd on the comparison scale. */
  elpd: number;
  /** p_loo or p_waic. */
  p: number;
  /** Difference to the best model on the scale (≥ 0). */
  elpdDiff: number;
  weight: number;
  /** Standard error of elpd (with "BB-pseudo-BMA": the sd of the bootstrapped elpd, as ArviZ). */
  se: number;
  /** Standard error of the paired pointwise differences to the best model. */
  dse: number;
  warning: boolean;
  scale: IcScale;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Criterion computed for models given as log-likelihood draws; default "loo". */
  ic?: "loo" | "waic";
  /**
   * "stacking" (default), "pseudo-BMA" (Akaike-type weights from the elpd estimates) or "BB-pseudo-BMA"
   * (the same weights averaged over a Bayesian bootstrap of the pointwise elpd, which accounts for its
   * uncertainty; Yao et al. 2018).
   */
  method?: "stacking" | "pseudo-BMA" | "BB-pseudo-BMA";
  /** Default "log". */
  scale?: IcScale;
  /** "BB-pseudo-BMA": number of bootstrap samples (default 1000, as ArviZ's `b_samples`). */
  bSamples?: number;
  /**
   * "BB-pseudo-BMA": concentration of the Dirichlet over observations (default 1: uniform on the simplex;
   * smaller keeps the weights further from 0 and 1), as ArviZ's `alpha`.
   */
  alpha?: number;
  /**
   * "BB-pseudo-BMA": seed of the bootstrap's generator (default 0), an integer in [0, 2^32 − 1]. The same seed gives
   * the same weights on every engine; ArviZ's draws come from NumPy, so its weights agree only within the
   * bootstrap's Monte Carlo error.
   */
  seed?: number;
}

/**
 * Pseudo-BMA weights with the Bayesian bootstrap (ArviZ `compare(method="BB-pseudo-BMA")`): per bootstrap
 * sample b, z_bk = N·Σ_i u_bi·v_ik with u_b ~ Dirichlet(alpha) over the N observations and v_ik the pointwise
 * values on the scale; weights ∝ exp(z_bk / scale) averaged over b, and the sd of z_bk over b as each
 * model's standard error. Exponents are shifted by their maximum (ArviZ shifts z before dividing by a
 * negative scale, which can overflow on the deviance scales; the weights are otherwise the same).
 */
function bootstrapWeights(
  pointwise: readonly Float64Array[],
  sv: number,
  { bSamples, alpha, seed }: { bSamples: number; alpha: number; seed: number },
): { weights: Float64Array; ses: Float64Array } {
  const K = pointwise.length;
  const N = pointwise[0].length;
  const u = xoshiro128(seed);
  const w = new Float64Array(N);
  const z = new Float64Array(bSamples * K); // z[b·K + k]
  const weights = new Float64Array(K);
  for (let b = 0; b < bSamples; b++) {
    dirichlet(u, alpha, w);
    const zb = z.subarray(b * K, (b + 1) * K);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      const v = pointwise[k];
      let acc = 0;
      for (let i = 0; i < N; i++) acc += w[i] * v[i];
      zb[k] = N * acc;
      max = Math.max(max, zb[k] / sv);
    }
    let total = 0;
    for (let k = 0; k < K; k++) total += Math.exp(zb[k] / sv - max);
    for (let k = 0; k < K; k++) weights[k] += Math.exp(zb[k] / sv - max) / total;
  }
  for (let k = 0; k < K; k++) weights[k] /= bSamples;
  const ses = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let mean = 0;
    for (let b = 0; b < bSamples; b++) mean += z[b * K + k];
    mean /= bSamples;
    let ss = 0;
    for (let b = 0; b < bSamples; b++) ss += (z[b * K + k] - mean) ** 2;
    ses[k] = Math.sqrt(ss / bSamples); // NumPy's std (ddof = 0), as ArviZ
  }
  return { weights, ses };
}

/**
 * Stacking weights (Yao et al. 2018): maximises Σ_i log Σ_k w_k e^{elpd_ik} over the simplex by the EM
 * fixed point for mixture weights (monotone in the objective), iterated until no weight moves by 1e-15.
 * ArviZ solves the same problem with SLSQP at its default tolerance.
 * @param elpdPointwise - per model, the pointwise elpd (log scale), all of the same length N.
 * @returns one weight per model, summing to 1.
 * @example
 * Array.from(stackingWeights([Float64Array.of(-1, -1), Float64Array.of(-1, -1)])); // → [0.5, 0.5]
 */
export function stackingWeights(elpdPointwise: readonly Float64Array[]): Float64Array {
  const K = elpdPointwise.length;
  const N = elpdPointwise[0].length;
  // Shift each row by its max for stability (a common factor per observation cancels).
  const e = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) m = Math.max(m, elpdPointwise[k][i]);
    for (let k = 0; k < K; k++) e[i * K + k] = Math.exp(elpdPointwise[k][i] - m);
  }
  let w = new Float64Array(K).fill(1 / K);
  let next = new Float64Array(K);
  for (let it = 0; it < 200000; it++) {
    next.fill(0);
    for (let i = 0; i < N; i++) {
      let den = 0;
      for (let k = 0; k < K; k++) den += w[k] * e[i * K + k];
      for (let k = 0; k < K; k++) next[k] += (w[k] * e[i * K + k]) / den;
    }
    let change = 0;
    for (let k = 0; k < K; k++) {
      next[k] /= N;
      change = Math.max(change, Math.abs(next[k] - w[k]));
    }
    [w, next] = [next, w];
    if (change < 1e-15) break;
  }
  return w;
}

/**
 * Compares models by PSIS-LOO or WAIC (ArviZ `compare`): rows sorted best first with rank, elpd, p,
 * elpd difference and its standard error (√(N·Var(diff_i))), and weights by stacking, pseudo-BMA or
 * pseudo-BMA with the Bayesian bootstrap.
 * @param models - per model name, an {@link ElpdData} from {@link loo}/{@link waic} or pointwise
 * log-likelihood draws `[chain, draw, ...obs]` (all models over the same observations).
 * @param options - `ic`, `method`, `scale`; `bSamples`, `alpha` and `seed` for "BB-pseudo-BMA".
 * @returns rows, best model first.
 * @throws DiagnosticsError for fewer than 2 models, mixed criteria or scales, or different observation counts.
 * @example
 * const ll = (a: number) => ({ data: Float64Array.from({ length: 400 }, (_, i) => -1 - a * Math.sin(i)), shape: [2, 100, 2] });
 * compare({ a: ll(0.1), b: ll(0.5) }).length; // → 2
 */
export function compare(
  models: Readonly<Record<string, ElpdData | DrawsInput | FitLike>>,
  options: CompareOptions = {},
): CompareRow[] {
  const names = Object.keys(models);
  if (names.length < 2) {
    throw new DiagnosticsError(
      "invalid-argument",
      `compare(models): needs at least 2 models, got ${names.length}.`,
    );
  }
  const ic = options.ic ?? "loo";
  const scale = options.scale ?? "log";
  const method = options.method ?? "stacking";
  const data: ElpdData[] = names.map((name) => {
    const m = models[name] as ElpdData | DrawsInput | FitLike;
    if (typeof m === "object" && m !== null && "method" in m && "pointwise" in m) {
      if (m.method !== ic || m.scale !== scale) {
        throw new DiagnosticsError(
          "invalid-argument",
          `compare(models): model "${name}" holds ${m.method} on scale "${m.scale}", expected ${ic} on "${scale}". ` +
            "Pass the same ic and scale to compare, or recompute.",
        );
      }
      return m;
    }
    return ic === "loo" ? loo(m, { scale }) : waic(m, { scale });
  });
  const N = data[0].nDataPoints;
  data.forEach((d, j) => {
    if (d.nDataPoints !== N) {
      throw new DiagnosticsError(
        "shape-mismatch",
        `compare(models): model "${names[j]}" has ${d.nDataPoints} observations, "${names[0]}" has ${N}.`,
      );
    }
  });
  const sv = scale === "log" ? 1 : scale === "negative_log" ? -1 : -2;
  // Best first: highest elpd on the log scale, lowest value otherwise (stable for ties, as pandas).
  const order = names.map((_, j) => j);
  order.sort((a, b) => (sv > 0 ? data[b].estimate - data[a].estimate : data[a].estimate - data[b].estimate));
  let weights: Float64Array;
  let ses: Float64Array | undefined;
  if (method === "stacking") {
    weights = stackingWeights(order.map((j) => data[j].pointwise.map((v) => v / sv)));
  } else if (method === "pseudo-BMA") {
    const best = data[order[0]].estimate;
    const z = order.map((j) => Math.exp((data[j].estimate - best) / sv));
    const total = z.reduce((a, b) => a + b, 0);
    weights = Float64Array.from(z, (v) => v / total);
  } else if (method === "BB-pseudo-BMA") {
    const bSamples = options.bSamples ?? 1000;
    const alpha = options.alpha ?? 1;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(bSamples) || bSamples < 1)
      throw new DiagnosticsError(
        "invalid-argument",
        `compare(models, { bSamples }): the number of bootstrap samples must be a positive integer, got ${bSamples}.`,
      );
    if (!(alpha > 0 && Number.isFinite(alpha)))
      throw new DiagnosticsError(
        "invalid-argument",
        `compare(models, { alpha }): the Dirichlet concentration must be positive and finite, got ${alpha}.`,
      );
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new DiagnosticsError(
        "invalid-argument",
        `compare(models, { seed }): the seed must be an integer in [0, 2^32 − 1], got ${seed}.`,
      );
    ({ weights, ses } = bootstrapWeights(
      order.map((j) => data[j].pointwise),
      sv,
      { bSamples, alpha, seed },
    ));
  } else {
    throw new DiagnosticsError(
      "invalid-argument",
      `compare(models, { method }): method must be "stacking", "pseudo-BMA" or "BB-pseudo-BMA", got "${method as string}".`,
    );
  }
  const best = data[order[0]].pointwise;
  return order.map((j, r) => {
    const d = data[j];
    let sum = 0;
    const diff = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      diff[i] = sv < 0 ? d.pointwise[i] - best[i] : best[i] - d.pointwise[i];
      sum += diff[i];
    }
    const mean = sum / N;
    let v = 0;
    for (let i = 0; i < N; i++) v += (diff[i] - mean) ** 2;
    return {
      name: names[j],
      rank: r,
      elpd: d.estimate,
      p: d.p,
      elpdDiff: sum,
      weight: weights[r],
      se: ses ? ses[r] : d.se,
      dse: Math.sqrt(N * (v / N)),
      warning: d.warning,
      scale,
    };
  });
}
