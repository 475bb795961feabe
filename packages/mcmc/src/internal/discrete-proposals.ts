import type { ChainRandom } from "@phlox/tensor";
import { exponential, randInt } from "../potential-kernel.js";

/** A proposal for one discrete element: its new value, U there, and the log MH acceptance ratio. */
export interface DiscreteProposal {
  value: number;
  pe: number;
  logAcceptRatio: number;
}

/**
 * Proposes a new value for one element of a discrete site (NumPyro's `_discrete_*_proposal`).
 * @param rng - the chain's Gibbs generator.
 * @param cur - index of the current value in `support`.
 * @param support - the site's finite support, in `enumerateSupport` order.
 * @param pe - U at the current value.
 * @param U - U with the element set to a value (the other elements and the HMC sites fixed).
 */
export type DiscreteProposalFn = (
  rng: ChainRandom,
  cur: number,
  support: Float64Array,
  pe: number,
  U: (value: number) => number,
) => DiscreteProposal;

const expit = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Scans the support except the current value, keeping each candidate with the online categorical scheme:
 * the result is a draw from the conditional over the scanned values and the current one (weight e^{lws0}).
 */
function scan(
  rng: ChainRandom,
  cur: number,
  support: Float64Array,
  pe: number,
  U: (value: number) => number,
  lws0: number,
): { idx: number; pe: number; lws: number } {
  let idx = cur;
  let peZ = pe;
  let lws = lws0;
  for (let i = 0; i < support.length - 1; i++) {
    const prop = i >= cur ? i + 1 : i;
    const peNew = U(support[prop]);
    let lw = pe - peNew;
    if (!Number.isFinite(lw)) lw = Number.NEGATIVE_INFINITY;
    if (rng.uniform() < expit(lw - lws)) {
      idx = prop;
      peZ = peNew;
    }
    lws = logAddExp(lw, lws);
  }
  return { idx, pe: peZ, lws };
}

/** Gibbs: a draw from the full conditional of the element (always accepted). */
export const gibbsProposal: DiscreteProposalFn = (rng, cur, support, pe, U) => {
  const r = scan(rng, cur, support, pe, U, 0);
  return { value: support[r.idx], pe: r.pe, logAcceptRatio: 0 };
};

/**
 * Liu's (1996) modified Gibbs: a draw from the conditional without the current value, accepted with
 * probability min(1, (1 − P(z)) / (1 − P(z'))).
 */
export const modifiedGibbsProposal: DiscreteProposalFn = (rng, cur, support, pe, U) => {
  const r = scan(rng, cur, support, pe, U, Number.NEGATIVE_INFINITY);
  const logAcceptRatio = r.lws - Math.log(Math.exp(r.lws) - Math.expm1(pe - r.pe));
  return { value: support[r.idx], pe: r.pe, logAcceptRatio };
};

/** Random walk: a uniform draw over the support (the current value included), Metropolis-corrected. */
export const randomWalkProposal: DiscreteProposalFn = (rng, _cur, support, pe, U) => {
  const prop = randInt(rng, support.length);
  const peNew = U(support[prop]);
  return { value: support[prop], pe: peNew, logAcceptRatio: pe - peNew };
};

/** Modified random walk: a uniform draw over the support without the current value, Metropolis-corrected. */
export const modifiedRandomWalkProposal: DiscreteProposalFn = (rng, cur, support, pe, U) => {
  const i = randInt(rng, support.length - 1);
  const prop = i >= cur ? i + 1 : i;
  const peNew = U(support[prop]);
  return { value: support[prop], pe: peNew, logAcceptRatio: pe - peNew };
};

/** The proposal NumPyro picks for `randomWalk` and `modified`. */
export function proposalFor(randomWalk: boolean, modified: boolean): DiscreteProposalFn {
  if (randomWalk) return modified ? modifiedRandomWalkProposal : randomWalkProposal;
  return modified ? modifiedGibbsProposal : gibbsProposal;
}

/** Metropolis acceptance as NumPyro draws it: Exponential(1) > −log ratio (NaN rejects). */
export function acceptDiscrete(rng: ChainRandom, logAcceptRatio: number): boolean {
  return exponential(rng) > -logAcceptRatio;
}
