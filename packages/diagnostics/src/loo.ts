// Pointwise predictive accuracy by PSIS-LOO (Vehtari, Gelman, Gabry 2017) as ArviZ `loo` computes it, with
// `convention: "loo"` for the R package loo 2.5 (sample variances with n − 1); the result types shared with
// `waic` (waic.ts).

import {
  BLOCK,
  type DrawsInput,
  gatherBlock,
  type Samples,
  toChainDraws,
  transposeElements,
} from "./draws.js";
import { DiagnosticsError } from "./errors.js";
import { essCore, splitChains, workspace } from "./internal/core.js";
import { finish, isFit, pickLogLik, scaleValue, warnIfPointwiseIsTotal } from "./internal/elpd.js";
import { type Convention, checkReff, psisTail } from "./psis.js";

/** Scale of reported values: "log" (elpd), "negative_log" (−elpd), "deviance" (−2·elpd). */
export type IcScale = "log" | "negative_log" | "deviance";

/** Result of {@link loo} and {@link waic}. */
export interface ElpdData {
  /** "loo" or "waic". */
  method: "loo" | "waic";
  /** Expected log pointwise predictive density, Σ elpd_i (log scale). */
  elpd: number;
  /** Its standard error (log scale). */
  elpdSe: number;
  /** `elpd` on `scale`: elpd, −elpd or −2·elpd (ArviZ's `elpd_loo`/`elpd_waic` value). */
  estimate: number;
  /** Standard error on `scale`. */
  se: number;
  /** Effective number of parameters p_loo or p_waic. */
  p: number;
  /** Standard error of `p` from the pointwise values (as the R package reports it). */
  pSe: number;
  /** Information criterion −2·elpd (looic, waic). */
  ic: number;
  /** Its standard error. */
  icSe: number;
  scale: IcScale;
  convention: Convention;
  nSamples: number;
  nDataPoints: number;
  /** Pointwise elpd_i on `scale`, one per observation. */
  pointwise: Float64Array;
  /** Pointwise p_i. */
  pointwiseP: Float64Array;
  /** LOO only: Pareto k per observation. */
  paretoK?: Float64Array;
  /** LOO only: PSIS effective sample size per observation, r_eff / Σ w² (R loo `n_eff`). */
  nEffPsis?: Float64Array;
  /** LOO only: the relative efficiencies used. */
  reff?: Float64Array;
  /** LOO only: the k threshold, min(1 − 1/log10 S, 0.7). */
  goodK?: number;
  /** LOO: some k > goodK. WAIC: some posterior variance of the log density > 0.4. */
  warning: boolean;
}

/** Options shared by {@link loo} and {@link waic}. */
export interface IcOptions {
  /** Scale of `estimate`, `se` and `pointwise`; default "log". */
  scale?: IcScale;
  /** "arviz" (default): population variances as ArviZ. "loo": sample variances as the R package. */
  convention?: Convention;
}

/** Options of {@link loo}. */
export interface LooOptions extends IcOptions {
  /**
   * Relative MCMC efficiency: a number or one per observation. Default: from `posterior` when given (the
   * mean of ArviZ's ESS-for-the-mean over all posterior elements / S, as ArviZ), else per observation
   * the ESS of exp(log-lik) over its chains / S (R loo `relative_eff`); 1 with a single chain.
   */
  reff?: number | ArrayLike<number> | "per-observation";
  /**
   * Posterior draws, used only for ArviZ's default r_eff (taken from the fit when `loo` is given a fit).
   * Without it (and without `reff`), r_eff is R's per-observation choice, as `reff: "per-observation"`.
   */
  posterior?: Samples;
  /** With a fit holding several observed sites: which one's log-likelihood (ArviZ's `var_name`). */
  varName?: string;
  /** Keep the smoothed, normalised log weights (`[obs, S]`) in the result; default false. */
  keepLogWeights?: boolean;
  /** Print a console warning when some Pareto k is too large; default true. */
  warn?: boolean;
}

/**
 * A fitted model as `loo`/`waic` read it, like ArviZ reads InferenceData: an `MCMC` of `@phlox/mcmc` (its
 * `logLikelihood()` and `getSamples({ groupByChain: true })`) or anything with those two methods.
 */
export interface FitLike {
  logLikelihood(): Readonly<Record<string, DrawsInput>>;
  getSamples(options: { groupByChain: true }): Samples;
}

/**
 * Relative efficiency of each observation's likelihood draws: ESS(exp(log-lik)) / S over unsplit chains
 * (R loo `relative_eff(exp(log_lik), chain_id)`).
 * @param logLik - pointwise log-likelihood `[chain, draw, ...obs]`.
 * @returns one r_eff per observation.
 * @throws DiagnosticsError for ragged chains.
 * @example
 * relativeEff({ data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), shape: [2, 20, 1] }).length; // → 1
 */
export function relativeEff(logLik: DrawsInput): Float64Array {
  const cd = toChainDraws(logLik, "relativeEff(logLik)");
  const S = cd.numChains * cd.numDraws;
  const N = cd.numElements;
  const ws = workspace(S, cd.numChains);
  const out = new Float64Array(N);
  const buf = new Float64Array(S);
  const block = new Float64Array(Math.min(BLOCK, N) * S);
  // observations in cache-sized blocks of contiguous columns, never the whole transposed array
  for (let e0 = 0; e0 < N; e0 += BLOCK) {
    const count = Math.min(BLOCK, N - e0);
    gatherBlock(cd, e0, count, block);
    for (let j = 0; j < count; j++) {
      for (let s = 0; s < S; s++) buf[s] = Math.exp(block[j * S + s]);
      out[e0 + j] = essCore(buf, cd.numChains, cd.numDraws, ws) / S;
    }
  }
  return out;
}

function arvizReff(posterior: Samples, S: number): number {
  let sum = 0;
  let count = 0;
  for (const [name, value] of Object.entries(posterior)) {
    const cd = toChainDraws(value, `loo(logLik, { posterior }): variable "${name}"`);
    if (cd.numChains === 1) return 1;
    const t = transposeElements(cd);
    const n = cd.numChains * cd.numDraws;
    const ws = workspace(n, cd.numChains);
    for (let e = 0; e < cd.numElements; e++) {
      const x = t.subarray(e * n, (e + 1) * n);
      const half = splitChains(x, cd.numChains, cd.numDraws, ws.split);
      sum += essCore(ws.split, 2 * cd.numChains, half, ws);
      count++;
    }
  }
  return sum / count / S;
}

/** Scratch buffers of {@link loo}, allocated once per call; `nEff`, `elpd`, `p` return one point's values. */
interface LooWorkspace {
  block: Float64Array;
  lw: Float64Array;
  order: Uint32Array;
  tail: Float64Array;
  e: Float64Array;
  p0: Float64Array;
  span: { from: number; to: number };
  nEff: number;
  elpd: number;
  p: number;
}

function looWorkspace(S: number): LooWorkspace {
  return {
    block: new Float64Array(BLOCK * S),
    lw: new Float64Array(S),
    order: new Uint32Array(S),
    tail: new Float64Array(S),
    e: new Float64Array(S),
    p0: new Float64Array(S),
    span: { from: 0, to: 0 },
    nEff: 0,
    elpd: 0,
    p: 0,
  };
}

/**
 * PSIS-LOO of one observation whose S log-likelihood draws are `ll[off..off+S)`: writes the normalised
 * smoothed log weights to `lw`, returns the Pareto k and leaves n_eff, elpd_i and p_i in `ws`. One pass
 * forms the log ratios and the extremes; after the tail smoothing one pass of exps gives Σw, Σw², the
 * weighted and the plain likelihood sums (log-sum-exp with the extremes as shifts).
 */
function looPoint(
  ll: Float64Array,
  off: number,
  S: number,
  reff: number,
  convention: Convention,
  lw: Float64Array,
  ws: LooWorkspace,
): number {
  let llMin = Number.POSITIVE_INFINITY;
  let llMax = Number.NEGATIVE_INFINITY;
  let hasNaN = false;
  for (let s = 0; s < S; s++) {
    const v = ll[off + s];
    if (v < llMin) llMin = v;
    if (v > llMax) llMax = v;
    if (Number.isNaN(v)) hasNaN = true;
  }
  const spread = llMax - llMin;
  if (spread < 600 && !hasNaN) return looPointFast(ll, off, S, reff, convention, lw, ws, llMin, llMax);
  // log ratios −ll shifted so that their maximum (−llMin) is 0
  for (let s = 0; s < S; s++) lw[s] = llMin - ll[off + s];
  const k = psisTail(lw, 0, S, reff, convention, ws.order, ws.tail, hasNaN);
  // Σ e, Σ e², Σ e·p and Σ p with e = exp(lw), p = exp(ll − llMax). For the untouched draws e·p is
  // exp(llMin − llMax); while that stays far from underflow the product is exact enough, else one more exp.
  let se = 0;
  let se2 = 0;
  let sep = 0;
  let sp = 0;
  if (spread < 600) {
    for (let s = 0; s < S; s++) {
      const e = Math.exp(lw[s]);
      const p = Math.exp(ll[off + s] - llMax);
      se += e;
      se2 += e * e;
      sp += p;
      sep += e * p;
    }
    ws.elpd = Math.log(sep) + llMax - Math.log(se);
  } else {
    // log(e·p) = lw + ll, shifted by its own maximum (ArviZ's logsumexp of log_weights + log_lik): for an
    // unsmoothed draw lw + ll equals llMin only up to rounding of order ulp(ll), which exp would blow up
    // when |ll| is huge (1e298), so llMin is no safe shift.
    let top = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s++) {
      const t = lw[s] + ll[off + s];
      if (t > top) top = t;
    }
    if (!Number.isFinite(top)) top = 0;
    for (let s = 0; s < S; s++) {
      const e = Math.exp(lw[s]);
      se += e;
      se2 += e * e;
      sp += Math.exp(ll[off + s] - llMax);
      sep += Math.exp(lw[s] + ll[off + s] - top);
    }
    ws.elpd = Math.log(sep) + top - Math.log(se);
  }
  const lse = Math.log(se);
  for (let s = 0; s < S; s++) lw[s] -= lse;
  ws.nEff = ((se * se) / se2) * reff;
  ws.p = Math.log(sp) + llMax - Math.log(S) - ws.elpd;
  return k;
}

/**
 * {@link looPoint} when the draws' log-likelihoods span less than 600 nats: e = exp(lw) once per draw, the
 * likelihood ratio p = exp(ll − llMax) as exp(llMin − llMax) / e (a division, no second exp), and after the
 * smoothing new exps only for the replaced tail.
 */
function looPointFast(
  ll: Float64Array,
  off: number,
  S: number,
  reff: number,
  convention: Convention,
  lw: Float64Array,
  ws: LooWorkspace,
  llMin: number,
  llMax: number,
): number {
  const c = Math.exp(llMin - llMax);
  const eb = ws.e;
  const pb = ws.p0;
  for (let s = 0; s < S; s++) {
    const v = llMin - ll[off + s];
    lw[s] = v;
    const e = Math.exp(v);
    eb[s] = e;
    pb[s] = c / e;
  }
  const span = ws.span;
  const k = psisTail(lw, 0, S, reff, convention, ws.order, ws.tail, false, span);
  for (let t = span.from; t < span.to; t++) {
    const s = ws.order[t];
    eb[s] = Math.exp(lw[s]);
  }
  let se = 0;
  let se2 = 0;
  let sep = 0;
  let sp = 0;
  for (let s = 0; s < S; s++) {
    const e = eb[s];
    const p = pb[s];
    se += e;
    se2 += e * e;
    sp += p;
    sep += e * p;
  }
  const lse = Math.log(se);
  for (let s = 0; s < S; s++) lw[s] -= lse;
  ws.elpd = Math.log(sep) + llMax - lse;
  ws.nEff = ((se * se) / se2) * reff;
  ws.p = Math.log(sp) + llMax - Math.log(S) - ws.elpd;
  return k;
}

/**
 * Pareto-smoothed importance-sampling leave-one-out cross-validation (ArviZ `loo`, R loo `loo`):
 * per observation, PSIS weights from the ratios 1/p(y_i|θ_s) give elpd_i = log Σ_s w_s p(y_i|θ_s);
 * p_loo = lppd − elpd. Warns (console.warn, as ArviZ) when some Pareto k exceeds min(1 − 1/log10 S, 0.7), and
 * when every elpd_i equals the total (one observation, or a log-likelihood summed over observations).
 * r_eff defaults as `az.loo`: the mean ESS-for-the-mean of the posterior's elements / S when the posterior is
 * known (a fit, or `posterior`); `reff: "per-observation"` is R loo's `relative_eff` choice.
 * @param input - pointwise log-likelihood `[chain, draw, ...obs]` (a Tensor or `{ data, shape }`), or a fit
 *   ({@link FitLike}, e.g. an `MCMC`: its log-likelihood and posterior, `varName` picking the site).
 * @param options - `reff`, `posterior`, `varName`, `scale`, `convention`, `keepLogWeights`, `warn`.
 * @returns {@link ElpdData} with `paretoK`, `nEffPsis` and `reff` per observation.
 * @throws DiagnosticsError for ragged chains, a bad scale, an r_eff count that does not match (`shape-mismatch`),
 * or an r_eff that is not positive (`invalid-argument`; an r_eff derived from posterior draws holding NaN is NaN
 * and gives ArviZ's tail of ⌈S/5⌉ draws).
 * @example
 * loo({ data: Float64Array.from({ length: 400 }, (_, i) => -1 - 0.1 * Math.sin(i)), shape: [2, 100, 2] }).paretoK?.length; // → 2
 */
export function loo(
  input: DrawsInput | FitLike,
  options: LooOptions = {},
): ElpdData & { logWeights?: Float64Array } {
  const logLik = pickLogLik(input, options.varName, "loo");
  const posterior =
    options.posterior ?? (isFit(input) ? input.getSamples({ groupByChain: true }) : undefined);
  const scale = options.scale ?? "log";
  const sv = scaleValue(scale);
  const convention = options.convention ?? "arviz";
  const ddof = convention === "loo" ? 1 : 0;
  const cd = toChainDraws(logLik, "loo(logLik)");
  const S = cd.numChains * cd.numDraws;
  const N = cd.numElements;
  let reff: Float64Array;
  if (options.reff === "per-observation")
    reff = cd.numChains === 1 ? new Float64Array(N).fill(1) : relativeEff(logLik);
  else if (options.reff !== undefined) {
    if (typeof options.reff === "number") {
      checkReff([options.reff], "loo(logLik, { reff })");
      reff = new Float64Array(N).fill(options.reff);
    } else {
      if (options.reff.length !== N) {
        throw new DiagnosticsError(
          "shape-mismatch",
          `loo(logLik, { reff }): ${options.reff.length} r_eff values for ${N} observations; pass one per observation or a number.`,
        );
      }
      reff = Float64Array.from(options.reff);
      checkReff(reff, "loo(logLik, { reff })");
    }
  } else if (cd.numChains === 1) reff = new Float64Array(N).fill(1);
  else if (posterior) reff = new Float64Array(N).fill(arvizReff(posterior, S));
  else reff = relativeEff(logLik);
  const k = new Float64Array(N);
  const nEff = new Float64Array(N);
  const elpdI = new Float64Array(N);
  const pI = new Float64Array(N);
  const kept = options.keepLogWeights ? new Float64Array(N * S) : undefined;
  const ws = looWorkspace(S);
  // Observations in blocks of BLOCK contiguous columns (one cache-friendly pass over [chain·draw, obs]),
  // never the whole transposed array.
  for (let e0 = 0; e0 < N; e0 += BLOCK) {
    const count = Math.min(BLOCK, N - e0);
    gatherBlock(cd, e0, count, ws.block);
    for (let j = 0; j < count; j++) {
      const i = e0 + j;
      const lw = kept ? kept.subarray(i * S, (i + 1) * S) : ws.lw;
      const r = looPoint(ws.block, j * S, S, reff[i], convention, lw, ws);
      k[i] = r;
      nEff[i] = ws.nEff;
      elpdI[i] = ws.elpd;
      pI[i] = ws.p;
    }
  }
  const goodK = Math.min(1 - 1 / Math.log10(S), 0.7);
  let warning = false;
  for (let i = 0; i < N; i++) if (k[i] > goodK) warning = true;
  if (warning && (options.warn ?? true)) {
    console.warn(
      `loo: estimated Pareto k is greater than ${goodK.toFixed(2)} for one or more observations; ` +
        "importance sampling is unreliable there. Consider a more robust model or exact refits for those points.",
    );
  }
  const result: ElpdData & { logWeights?: Float64Array } = {
    ...finish("loo", elpdI, pI, sv, scale, convention, ddof, S, warning),
    paretoK: k,
    nEffPsis: nEff,
    reff,
    goodK,
  };
  warnIfPointwiseIsTotal(result, options.warn ?? true);
  if (kept) result.logWeights = kept;
  return result;
}
