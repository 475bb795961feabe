import { condition, seed, trace, uncondition } from "@phlox/handlers";
import type { Optimizer } from "@phlox/optim";
import { PhloxError, type Tensor, tensor } from "@phlox/tensor";
import type { ELBO } from "./elbo.js";
import type { Guide, Params } from "./guide.js";
import { ks2SampAsymp } from "./internal/ks-two-sample.js";
import { paramValues } from "./params.js";
import { type KeyLike, splitInPlace, toKeyPair } from "./random.js";
import { SVI } from "./svi.js";

/** A guide that can draw from its fitted posterior (every autoguide); `vsbcDiagnostic` passes it the fitted parameters as plain `{ data, shape }`. */
export interface SamplingGuide extends Guide {
  samplePosterior(
    key: KeyLike,
    params: Readonly<Params>,
    options: { sampleShape?: readonly number[] },
  ): Record<string, Tensor>;
}

/** Options of {@link vsbcDiagnostic} (NumPyro's keyword arguments in camelCase). */
export interface VsbcOptions {
  /**
   * Names of the model's observed sites; default: the sites observed when the model runs with `args`.
   * Give them when `args` carry no data (a generative call), as NumPyro requires then.
   */
  observedSites?: readonly string[];
  /** Number of prior-predictive simulations M (default 100; at least 2). */
  numSimulations?: number;
  /** SVI steps per fit (default 1000; at least 1). */
  numSviSteps?: number;
  /** Guide draws L per fit (default 1000; at least 2). */
  numSamples?: number;
}

/** What {@link vsbcDiagnostic} returns (NumPyro's `VSBCResult`). */
export interface VsbcResult {
  /** By latent site: p_ij = Pr_q(θ_i < θ_i*), shape `[M, ...siteShape]`. */
  probabilities: Record<string, Tensor>;
  /** By site: the two-sample KS statistic of p_i: against 1 − p_i:, shape `siteShape`. */
  ksStats: Record<string, Tensor>;
  /**
   * By site: its asymptotic two-sided p-value (SciPy's `ks_2samp(method="asymp")`), shape `siteShape`; computed
   * as 1 − CDF, so values below about 1e-15 come out as 0.
   */
  ksPvalues: Record<string, Tensor>;
  /** By site: the ranks (guide draws strictly below the true value), shape `[M, ...siteShape]`. */
  ranks: Record<string, Tensor>;
  /** The latent site names, sorted. */
  paramNames: string[];
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function count(who: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new PhloxError(
      "vsbc-option",
      `vsbcDiagnostic: ${who} must be an integer of at least ${min}, got ${v}.`,
    );
  return v;
}

/**
 * Variational simulation-based calibration (NumPyro's `vsbc_diagnostic`; Yao, Vehtari, Simpson & Gelman
 * 2018, Algorithm 2): for M draws (θ*, x) from the prior predictive, fit the guide to x by SVI, estimate
 * p = Pr_q(θ < θ*) from L guide draws, and test, per latent coordinate, whether the p's are symmetric about
 * 0.5 (two-sample KS test of p against 1 − p; no multiple-comparison correction). A small p-value says the
 * approximation's marginal point estimates are biased. Expensive: M independent SVI fits.
 *
 * Difference from NumPyro: NumPyro takes one unfitted guide and passes the simulated data through the
 * model's arguments; here `makeGuide` builds a fresh guide for each simulation's conditioned model, so the
 * data never has to be an argument.
 * @param key - PRNG key or seed.
 * @param model - a generative model function (its observed sites are simulated when unconditioned).
 * @param makeGuide - builds the guide for a (conditioned) model, e.g. `(m) => new AutoNormal(m)`.
 * @param optim - the optimizer (e.g. `new Adam(0.01)`).
 * @param loss - the ELBO (e.g. `new TraceELBO()`).
 * @param args - the model's arguments.
 * @param options - `observedSites`, `numSimulations`, `numSviSteps`, `numSamples`.
 * @returns a {@link VsbcResult}.
 * @throws PhloxError (`vsbc-option`) for a count out of range, (`vsbc-no-observed`) when no observed site
 *   is found or named, (`vsbc-discrete`) for a discrete latent site.
 * @example
 * const model = (obs?: Tensor) => {
 *   const loc = sample("loc", new Normal(0, 1));
 *   sample("obs", new Normal(loc, 1), { obs });
 * };
 * const r = vsbcDiagnostic(key(0), model, (m) => new AutoNormal(m), new Adam(0.01), new TraceELBO(), [],
 *   { observedSites: ["obs"], numSimulations: 50, numSviSteps: 500, numSamples: 500 });
 * r.ksPvalues.loc.item(); // large: calibrated
 */
export function vsbcDiagnostic(
  key: KeyLike,
  model: (...args: never[]) => unknown,
  makeGuide: (model: (...args: never[]) => unknown) => SamplingGuide,
  optim: Optimizer,
  loss: ELBO,
  args: readonly unknown[] = [],
  options: VsbcOptions = {},
): VsbcResult {
  const M = count("numSimulations", options.numSimulations ?? 100, 2);
  const steps = count("numSviSteps", options.numSviSteps ?? 1000, 1);
  const L = count("numSamples", options.numSamples ?? 1000, 2);
  const k = toKeyPair(key, "vsbcDiagnostic");
  const sub = new Uint32Array(2);
  const next = (): Tensor => {
    splitInPlace(k, sub);
    return tensor(Uint32Array.of(sub[0], sub[1]), { dtype: "uint32" });
  };
  const call = model as (...a: unknown[]) => unknown;
  const first = trace(seed(call, next())).getTrace(...args);
  const observed = options.observedSites
    ? [...new Set(options.observedSites)]
    : [...first].filter(([, s]) => s.type === "sample" && s.isObserved).map(([n]) => n);
  if (observed.length === 0) {
    throw new PhloxError(
      "vsbc-no-observed",
      "vsbcDiagnostic: the model has no observed sites with these arguments; name them with { observedSites }.",
    );
  }
  const prior = trace(seed(uncondition(call), next())).getTrace(...args);
  const latent: string[] = [];
  for (const [name, s] of prior) {
    if (s.type !== "sample" || observed.includes(name) || s.fn === null) continue;
    if (s.infer?.wasObserved) continue;
    if (s.fn.support.isDiscrete) {
      throw new PhloxError(
        "vsbc-discrete",
        `vsbcDiagnostic currently supports only continuous latent sample sites; "${name}" is discrete.`,
      );
    }
    latent.push(name);
  }
  for (const o of observed) {
    if (!prior.has(o))
      throw new PhloxError("vsbc-no-observed", `vsbcDiagnostic: the model has no site "${o}".`);
  }
  latent.sort();
  const shapes: Record<string, number[]> = {};
  const ranks: Record<string, Float64Array> = {};
  for (const n of latent) {
    shapes[n] = [...(prior.get(n)?.value?.shape ?? [])];
    ranks[n] = new Float64Array(M * prod(shapes[n]));
  }
  for (let i = 0; i < M; i++) {
    const tr = trace(seed(uncondition(call), next())).getTrace(...args);
    const data: Record<string, Tensor> = {};
    for (const o of observed) data[o] = tr.get(o)?.value as Tensor;
    const conditioned = condition(call, data) as (...a: never[]) => unknown;
    const guide = makeGuide(conditioned);
    const { params } = new SVI(conditioned, guide, optim, loss).run(next(), steps, ...args);
    const draws = guide.samplePosterior(next(), paramValues(params), { sampleShape: [L] });
    for (const n of latent) {
      const truth = tr.get(n)?.value?.dataSync() as ArrayLike<number>;
      const d = draws[n].dataSync() as ArrayLike<number>;
      const size = truth.length;
      for (let j = 0; j < size; j++) {
        let r = 0;
        for (let l = 0; l < L; l++) if (d[l * size + j] < truth[j]) r++;
        ranks[n][i * size + j] = r;
      }
    }
  }
  const out: VsbcResult = { probabilities: {}, ksStats: {}, ksPvalues: {}, ranks: {}, paramNames: latent };
  for (const n of latent) {
    const size = prod(shapes[n]);
    const p = ranks[n].map((r) => r / L);
    const stats = new Float64Array(size);
    const pvals = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      const col = Array.from({ length: M }, (_, i) => p[i * size + j]);
      const r = ks2SampAsymp(
        col,
        col.map((v) => 1 - v),
      );
      stats[j] = r.statistic;
      pvals[j] = r.pvalue;
    }
    out.probabilities[n] = tensor(p, { shape: [M, ...shapes[n]] });
    out.ranks[n] = tensor(ranks[n], { shape: [M, ...shapes[n]] });
    out.ksStats[n] = tensor(stats, { shape: shapes[n] });
    out.ksPvalues[n] = tensor(pvals, { shape: shapes[n] });
  }
  return out;
}
