/**
 * `inferDiscrete` through a model-level `scan`: the forward recursion over the scan's step factors is run
 * again on the host, keeping every step's message, then the states are drawn backwards (forward-filter
 * backward-sample) or maximised (Viterbi), step by step, for every element of the chains' plates.
 */
import { type Message, ScannedDistribution, type Trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";
import type { ScanChain } from "./scan-chain.js";

/**
 * The chosen values of a scan's enumerated sites, stacked over the steps (`[T, ...step value shape]`).
 * @param chain - the scan's step factors (`enumFactors(...).chains`).
 * @param tr - the enumerated trace (for the sites' supports and plates).
 * @param plates - every plate label of the trace.
 * @param order - the dimension of each label.
 * @param draw - null for the maximum (temperature 0), else a source of uniform numbers (temperature 1).
 * @returns the values by site name.
 */
export function decodeScanChain(
  chain: ScanChain,
  tr: Trace,
  plates: ReadonlySet<string>,
  order: ReadonlyMap<string, number>,
  draw: (() => number) | null,
): Map<string, Tensor> {
  const outer = chain.batch.filter((l) => !plates.has(l));
  if (chain.history > 1) {
    throw new PhloxError(
      "enum-scan-history",
      `inferDiscrete: the scan of "${chain.chains[0]}" has history ${chain.history}, and decoding through scan handles ` +
        `history 1 only (its log density handles any history). Write the loop over markov(range, { history }).`,
    );
  }
  if (outer.length > 0) {
    throw new PhloxError(
      "infer-discrete-scan",
      `inferDiscrete: the enumerated sites of the scan (${chain.chains.map((n) => `"${n}"`).join(", ")}) depend on ` +
        `the enumerated site "${outer[0]}" outside the scan, which inferDiscrete does not decode through a scan yet. ` +
        `Write the loop as a plain loop over markov(range), or substitute "${outer[0]}".`,
    );
  }
  const f = chain.step.dataSync() as Float64Array;
  const shape = chain.step.shape;
  const steps = shape[0] as number;
  const k = shape[shape.length - 1] as number;
  const cells = f.length / (steps * k * k);
  // forward messages α_t[b, c]
  const alpha = new Float64Array(steps * cells * k);
  const cellOf = (t: number, b: number): number => (t * cells + b) * k * k;
  for (let b = 0; b < cells; b++) for (let c = 0; c < k; c++) alpha[b * k + c] = f[cellOf(0, b) + c];
  const row = new Float64Array(k);
  const reduce = (xs: Float64Array): number => {
    let m = Number.NEGATIVE_INFINITY;
    for (const x of xs) m = Math.max(m, x);
    if (draw === null || !Number.isFinite(m)) return m;
    let s = 0;
    for (const x of xs) s += Math.exp(x - m);
    return m + Math.log(s);
  };
  for (let t = 1; t < steps; t++) {
    for (let b = 0; b < cells; b++) {
      for (let c = 0; c < k; c++) {
        for (let p = 0; p < k; p++)
          row[p] = alpha[((t - 1) * cells + b) * k + p] + f[cellOf(t, b) + p * k + c];
        alpha[(t * cells + b) * k + c] = reduce(row);
      }
    }
  }
  const choose = (xs: Float64Array): number => {
    let best = 0;
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < xs.length; i++)
      if (xs[i] > m) {
        m = xs[i];
        best = i;
      }
    if (draw === null || !Number.isFinite(m)) return best;
    let total = 0;
    for (const x of xs) total += Math.exp(x - m);
    let r = draw() * total;
    for (let i = 0; i < xs.length; i++) {
      r -= Math.exp(xs[i] - m);
      if (r < 0) return i;
    }
    return xs.length - 1;
  };
  const state = new Int32Array(steps * cells);
  for (let b = 0; b < cells; b++) {
    for (let c = 0; c < k; c++) row[c] = alpha[((steps - 1) * cells + b) * k + c];
    let next = choose(row);
    state[(steps - 1) * cells + b] = next;
    for (let t = steps - 2; t >= 0; t--) {
      for (let p = 0; p < k; p++)
        row[p] = alpha[(t * cells + b) * k + p] + f[cellOf(t + 1, b) + p * k + next];
      next = choose(row);
      state[t * cells + b] = next;
    }
  }
  // the joint state → each site's support index (row-major over the chains), laid out over the chains' plates
  const batchDims = chain.batch.map((l) => order.get(l) as number);
  const batchSizes = shape.slice(1, 1 + chain.batch.length);
  const out = new Map<string, Tensor>();
  let stride = k;
  chain.chains.forEach((name, j) => {
    const size = chain.sizes[j] as number;
    stride /= size;
    const site = tr.get(name) as Message;
    const step =
      site.fn instanceof ScannedDistribution ? site.fn.step : (site.fn as NonNullable<Message["fn"]>);
    const support = step.enumerateSupport(false).dataSync();
    const vals = Array.from(state, (s) => support[Math.floor(s / stride) % size] as number);
    const nd = Math.max(0, ...batchDims.map((d) => -d));
    const stepShape = new Array<number>(nd).fill(1);
    batchDims.forEach((d, i) => {
      stepShape[nd + d] = batchSizes[i] as number;
    });
    // values are laid out [T, ...batch labels in chain.batch order]; batch labels are sorted by dimension
    out.set(
      name,
      T.reshape(T.tensor(vals, { dtype: step.enumerateSupport(false).dtype }), [steps, ...stepShape]),
    );
  });
  return out;
}
