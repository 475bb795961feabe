import { psislw } from "@phlox/diagnostics";
import { PhloxError } from "@phlox/tensor";
import { FunctionGuide, type GuideFn } from "./function-guide.js";
import type { Guide } from "./guide.js";
import { type ParamsLike, paramValues } from "./params.js";
import { fillNormal, type KeyLike, splitInPlace, toKeyPair } from "./random.js";

/** Options of {@link psisDiagnostic}. */
export interface PsisDiagnosticOptions {
  /** Number of guide draws (importance weights); default 1000, at least 2 (NumPyro's `num_particles`). */
  numParticles?: number;
}

/**
 * The log importance weights log p(x, z) − log q(z) of `numParticles` draws z from the fitted guide.
 * @param key - PRNG key or seed.
 * @param params - the fitted guide parameters (`svi.getParams(state)` or `run(...).params`).
 * @param model - the model (a function, or a `PotentialModel`); used when `guide` is a guide function.
 * @param guide - the fitted {@link Guide} (an autoguide) or guide function.
 * @param args - the model's arguments.
 * @param options - `numParticles` (default 1000).
 * @returns a new Float64Array of length `numParticles`.
 * @throws PhloxError (`psis-num-particles`) when `numParticles` is not an integer ≥ 2.
 * @example
 * const lw = importanceLogWeights(key(1), params, model, guide, [data], { numParticles: 500 });
 */
export function importanceLogWeights(
  key: KeyLike,
  params: ParamsLike,
  model: unknown,
  guide: Guide | GuideFn,
  args: readonly unknown[] = [],
  options: PsisDiagnosticOptions = {},
): Float64Array {
  const n = options.numParticles ?? 1000;
  if (!Number.isInteger(n) || n < 2) {
    throw new PhloxError(
      "psis-num-particles",
      `psisDiagnostic: numParticles must be an integer of at least 2, got ${n}.`,
    );
  }
  const g: Guide =
    typeof guide === "function" ? new FunctionGuide(model as GuideFn, guide as GuideFn) : (guide as Guide);
  const k = toKeyPair(key, "psisDiagnostic");
  const sub = new Uint32Array(2);
  splitInPlace(k, sub);
  const setup = g.setup(sub, args);
  const u = setup.unconstrainParams(paramValues(params));
  const eps = new Float64Array(setup.noiseDim);
  const grad = new Float64Array(setup.numParams);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    splitInPlace(k, sub);
    if (eps.length > 0) fillNormal(sub[0], sub[1], eps);
    // a particle's loss is log q(z) − log p(x, z)
    out[i] = -setup.particle(u, eps, grad, "elbo", sub[0], sub[1]);
  }
  return out;
}

/**
 * The PSIS k̂ diagnostic of a fitted variational approximation (NumPyro's `psis_diagnostic`; Yao, Vehtari,
 * Simpson & Gelman 2018, Vehtari et al. 2024): the shape of a generalized Pareto distribution fitted to the
 * upper tail of the importance weights p(x, z) / q(z) over draws from the guide. k̂ < 0.5: the guide is
 * close enough for importance sampling with finite variance; 0.5 ≤ k̂ < 0.7: usable with care; k̂ ≥ 0.7:
 * q is a poor fit (its tails are too light, or it misses mass). The tail is the largest
 * ⌈min(S/5, 3√S)⌉ weights, as NumPyro and ArviZ take it, with Zhang & Stephens' estimate and the
 * weakly informative prior on k; `Infinity` when fewer than 5 weights lie in the tail.
 * @param key - PRNG key or seed.
 * @param params - the fitted guide parameters.
 * @param model - the model (a function, or a `PotentialModel`).
 * @param guide - the fitted {@link Guide} or guide function.
 * @param args - the model's arguments.
 * @param options - `numParticles` (default 1000).
 * @returns k̂.
 * @throws PhloxError (`psis-num-particles`) when `numParticles` is below 2; (`psis-non-finite`) when a
 *   weight is NaN (a parameter outside the guide's support).
 * @example
 * const { params } = svi.run(key(0), 5000, data);
 * const k = psisDiagnostic(key(1), params, model, guide, [data]); // e.g. 0.31
 */
export function psisDiagnostic(
  key: KeyLike,
  params: ParamsLike,
  model: unknown,
  guide: Guide | GuideFn,
  args: readonly unknown[] = [],
  options: PsisDiagnosticOptions = {},
): number {
  const lw = importanceLogWeights(key, params, model, guide, args, options);
  const bad = lw.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) {
    throw new PhloxError(
      "psis-non-finite",
      `psisDiagnostic: the log importance weight of draw ${bad} is NaN; check the parameters against the guide.`,
    );
  }
  return paretoKHat(lw);
}

/**
 * k̂ of raw log importance weights (NumPyro's `_psis_khat`): the generalized Pareto shape of the upper tail.
 * @param logWeights - log importance weights (any scale; at least 2).
 * @returns k̂, or `Infinity` when the tail holds fewer than 5 weights.
 * @example
 * paretoKHat(Float64Array.from({ length: 1000 }, (_, i) => Math.log(i + 1))); // → a finite k̂
 */
export function paretoKHat(logWeights: Float64Array): number {
  // −∞ weights (draws where p is 0) are finite-tail zeros for the fit; +∞ would make k̂ infinite
  if (logWeights.some((v) => v === Number.POSITIVE_INFINITY)) return Number.POSITIVE_INFINITY;
  return psislw(logWeights, { normalize: false }).paretoK[0];
}
