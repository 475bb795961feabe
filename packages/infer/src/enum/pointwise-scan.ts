/**
 * Pointwise log-likelihoods of the observed sites of an enumerated model-level scan, with the discrete states
 * summed out as a `markov` loop would: for step t, log Σ_x π_t(x) p(y_t | x), where π_t is what the chain's
 * own factors (not the observations) leave on step t — a forward and a backward pass over the steps.
 */
import type { Message } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";
import { eliminate, productOf } from "./contract.js";
import { siteFactor } from "./enum-factors.js";
import { scanChainFactors } from "./scan-chain.js";

const lse = (xs: Float64Array): number => {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) m = Math.max(m, x);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
};

/**
 * @internal The pointwise log-likelihood of each observed site of one enumerated scan.
 * @param sites - the scan's sites (one `infer.scanEnum` group).
 * @param firstAvailableDim - the enumeration's first dimension.
 * @param plates - every plate label of the trace.
 * @returns by observed site name, tensors of the site's stacked batch shape `[T, ...]`.
 */
export function scanPointwiseLogLik(
  sites: readonly Message[],
  firstAvailableDim: number,
  plates: ReadonlySet<string>,
): Map<string, Tensor> {
  const order = new Map<string, number>();
  const latent = sites.filter((s) => !s.isObserved);
  const { chain } = scanChainFactors(latent, firstAvailableDim, order, plates);
  const outer = chain.batch.filter((l) => !plates.has(l));
  if (chain.history > 1) {
    throw new PhloxError(
      "enum-scan-history",
      `logLikelihood: the scan of "${chain.chains[0]}" has history ${chain.history}, and pointwise log-likelihoods through scan handles ` +
        `history 1 only (its log density handles any history). Write the loop over markov(range, { history }).`,
    );
  }
  const f = chain.step.dataSync() as Float64Array;
  const shape = chain.step.shape;
  const steps = shape[0] as number;
  const k = shape[shape.length - 1] as number;
  const cells = f.length / (steps * k * k);
  const at = (t: number, b: number, p: number, c: number): number =>
    f[((t * cells + b) * k + p) * k + c] as number;
  const alpha = new Float64Array(steps * cells * k);
  const beta = new Float64Array(steps * cells * k);
  const row = new Float64Array(k);
  for (let b = 0; b < cells; b++) {
    for (let c = 0; c < k; c++) alpha[b * k + c] = at(0, b, 0, c);
    for (let t = 1; t < steps; t++)
      for (let c = 0; c < k; c++) {
        for (let p = 0; p < k; p++) row[p] = alpha[((t - 1) * cells + b) * k + p] + at(t, b, p, c);
        alpha[(t * cells + b) * k + c] = lse(row);
      }
    for (let t = steps - 2; t >= 0; t--)
      for (let p = 0; p < k; p++) {
        for (let c = 0; c < k; c++) row[c] = at(t + 1, b, p, c) + beta[((t + 1) * cells + b) * k + c];
        beta[(t * cells + b) * k + p] = lse(row);
      }
  }
  const post = new Float64Array(alpha.length);
  for (let i = 0; i < post.length; i++) post[i] = (alpha[i] as number) + (beta[i] as number);
  const batchSizes = shape.slice(1, 1 + chain.batch.length);
  const time = chain.info.time;
  // a factor's axes follow the labels' dimensions (productOf relies on it)
  const raw = [time, ...chain.batch, ...chain.chains];
  const labels = [...raw].sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  const prior = {
    t: T.transpose(
      T.tensor(post).reshape([steps, ...batchSizes, ...chain.sizes]),
      labels.map((l) => raw.indexOf(l)),
    ),
    labels,
  };
  // the joint prior of the chains' previous and current values, for observations that read both:
  // α_{t−1}(p) + F_t(p, c) + β_t(c); the first step's previous value is the initial carry's (index 0)
  let pairPrior: { t: Tensor; labels: string[] } | null = null;
  const pair = (): { t: Tensor; labels: string[] } => {
    if (pairPrior !== null) return pairPrior;
    const joint = new Float64Array(steps * cells * k * k).fill(Number.NEGATIVE_INFINITY);
    for (let t = 0; t < steps; t++)
      for (let b = 0; b < cells; b++)
        for (let p = 0; p < (t === 0 ? 1 : k); p++)
          for (let c = 0; c < k; c++) {
            const a =
              t === 0
                ? (alpha[b * k + c] as number)
                : (alpha[((t - 1) * cells + b) * k + p] as number) + at(t, b, p, c);
            joint[((t * cells + b) * k + p) * k + c] = a + (beta[(t * cells + b) * k + c] as number);
          }
    const prevNames = chain.info.chains.map((c) => c.prevName);
    const raw2 = [time, ...chain.batch, ...prevNames, ...chain.chains];
    const labels2 = [...raw2].sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
    pairPrior = {
      t: T.transpose(
        T.tensor(joint).reshape([steps, ...batchSizes, ...chain.sizes, ...chain.sizes]),
        labels2.map((l) => raw2.indexOf(l)),
      ),
      labels: labels2,
    };
    return pairPrior;
  };
  const prevs = new Set(chain.info.chains.map((c) => c.prevName));
  const out = new Map<string, Tensor>();
  for (const site of sites) {
    if (!site.isObserved || site.fn === null || site.value === null) continue;
    const unscaled = site.copy();
    unscaled.scale = null;
    let yf = siteFactor(unscaled, firstAvailableDim, order);
    if (!yf.labels.includes(time))
      yf = { t: T.reshape(yf.t, [1, ...yf.t.shape]), labels: [time, ...yf.labels] };
    const bad = yf.labels.find((l) => outer.includes(l));
    if (bad !== undefined) {
      throw new PhloxError(
        "enum-scan-loglik",
        `logLikelihood: the observed site "${site.name}" in a scan depends on "${bad}" (an enumerated site ` +
          `outside the scan), which pointwise log-likelihoods through scan do not handle. Write the loop over ` +
          `markov(range), or compute the marginal with logDensity.`,
      );
    }
    const readsPrev = yf.labels.some((l) => prevs.has(l));
    const r = readsPrev
      ? eliminate(productOf([pair(), yf], order), [...chain.chains, ...prevs], "sum")
      : eliminate(productOf([prior, yf], order), chain.chains, "sum");
    // lay the result out as the site's stacked batch shape [T, ...]: its plates at their dimensions
    const own = site.condIndepStack;
    const vs = site.value.shape;
    const batch = vs.slice(0, vs.length - site.fn.eventShape.length);
    const stepNd = batch.length - 1;
    const kept = r.labels.filter((l) => l === time || own.some((fr) => fr.name === l));
    const extra = r.labels.filter((l) => !kept.includes(l));
    const t0 =
      extra.length === 0
        ? r.t
        : T.sum(
            r.t,
            extra.map((l) => r.labels.indexOf(l)),
          );
    const layout = batch.map((s, i) => {
      if (i === 0) return s;
      const d = i - 1 - stepNd;
      return own.some((fr) => fr.dim === d) ? s : 1;
    });
    out.set(site.name, T.broadcastTo(T.reshape(t0, layout), [...batch]));
  }
  return out;
}
