/**
 * `inferDiscrete` through a model-level `scan`: the forward recursion over the scan's step factors is run
 * again on the host, keeping every step's message, then the states are drawn backwards (forward-filter
 * backward-sample) or maximised (Viterbi), step by step, for every element of the chains' plates.
 */
import { type Message, ScannedDistribution, type Trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";
import type { ScanChain } from "./scan-chain.js";

/** @internal The chosen support indices of an enumerated site, one per cell of its plates. */
export interface Chosen {
  labels: string[];
  sizes: number[];
  index: Int32Array;
}

/**
 * The step factors of a scan at the chosen values of the enumerated sites outside it that its body reads
 * (a global regime, say): those batch axes are dropped, each plate cell reading its own chosen index. They
 * were chosen jointly with the chain (the chain's factor, max- or sum-reduced over the steps, took part in
 * their elimination), so this is the max-product (or forward-filter backward-sample) decoding of the whole.
 */
function conditionOnOuter(
  chain: ScanChain,
  plates: ReadonlySet<string>,
  chosen: ReadonlyMap<string, Chosen>,
): ScanChain {
  const nb = chain.batch.length;
  const keep = chain.batch.map((l, i) => (plates.has(l) ? i : -1)).filter((i) => i >= 0);
  if (keep.length === nb) return chain;
  const shape = chain.step.shape;
  const steps = shape[0] as number;
  const bs = shape.slice(1, 1 + nb);
  const kk = (shape[nb + 1] as number) * (shape[nb + 2] as number);
  const keepSizes = keep.map((i) => bs[i] as number);
  const cellsIn = bs.reduce((a, b) => a * b, 1);
  const cellsOut = keepSizes.reduce((a, b) => a * b, 1);
  const f = chain.step.dataSync() as Float64Array;
  const out = new Float64Array(steps * cellsOut * kk);
  const pos = new Array<number>(nb).fill(0);
  for (let cell = 0; cell < cellsOut; cell++) {
    let rem = cell;
    for (let j = keep.length - 1; j >= 0; j--) {
      pos[keep[j] as number] = rem % (keepSizes[j] as number);
      rem = Math.floor(rem / (keepSizes[j] as number));
    }
    chain.batch.forEach((l, i) => {
      if (plates.has(l)) return;
      const c = chosen.get(l);
      const missing = c?.labels.find((pl) => !chain.batch.includes(pl));
      if (c === undefined || missing !== undefined) {
        throw new PhloxError(
          "infer-discrete-scan",
          `inferDiscrete: the enumerated sites of the scan (${chain.chains.map((n) => `"${n}"`).join(", ")}) ` +
            `depend on the enumerated site "${l}" outside the scan${missing === undefined ? "" : `, which lies in plate "${missing}" that the scan's sites do not`}; ` +
            `inferDiscrete cannot decode them jointly. Put the scan's sites in that plate, or write the loop over markov(range).`,
        );
      }
      let off = 0;
      c.labels.forEach((pl, j) => {
        off = off * (c.sizes[j] as number) + (pos[chain.batch.indexOf(pl)] as number);
      });
      pos[i] = c.index[off] as number;
    });
    let cellIn = 0;
    for (let i = 0; i < nb; i++) cellIn = cellIn * (bs[i] as number) + (pos[i] as number);
    for (let t = 0; t < steps; t++)
      out.set(
        f.subarray((t * cellsIn + cellIn) * kk, (t * cellsIn + cellIn + 1) * kk),
        (t * cellsOut + cell) * kk,
      );
  }
  return {
    ...chain,
    step: T.reshape(T.tensor(out), [steps, ...keepSizes, ...shape.slice(nb + 1)]),
    batch: keep.map((i) => chain.batch[i] as string),
  };
}

/**
 * The chosen values of a scan's enumerated sites, stacked over the steps (`[T, ...step value shape]`).
 * @param chain - the scan's step factors (`enumFactors(...).chains`).
 * @param tr - the enumerated trace (for the sites' supports and plates).
 * @param plates - every plate label of the trace.
 * @param order - the dimension of each label.
 * @param draw - null for the maximum (temperature 0), else a source of uniform numbers (temperature 1).
 * @param chosen - the values already chosen for the enumerated sites outside the scan (by plate cell).
 * @returns the values by site name.
 */
export function decodeScanChain(
  scanChain: ScanChain,
  tr: Trace,
  plates: ReadonlySet<string>,
  order: ReadonlyMap<string, number>,
  draw: (() => number) | null,
  chosen: ReadonlyMap<string, Chosen>,
): Map<string, Tensor> {
  let chain = scanChain;
  if (chain.history > 1) {
    throw new PhloxError(
      "enum-scan-history",
      `inferDiscrete: the scan of "${chain.chains[0]}" has history ${chain.history}, and decoding through scan handles ` +
        `history 1 only (its log density handles any history). Write the loop over markov(range, { history }).`,
    );
  }
  // enumerated sites outside the scan that the body reads: decode the chain given their chosen values
  chain = conditionOnOuter(chain, plates, chosen);
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
