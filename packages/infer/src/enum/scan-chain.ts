/**
 * Tensor variable elimination through a model-level `scan` (NumPyro's `scan_enum` with funsor's
 * `sum_product` over a Markov time axis): the stacked log factors of an enumerated scan body have axes
 * (time, previous values, current values, plates, enumerated sites outside the scan); the body's enumerated
 * sites are summed out by a forward recursion `α_t(x') = log Σ_x exp(α_{t−1}(x) + F_t(x, x'))`, compiled as
 * one `@phlox/tensor` scan over the steps, so an HMM of length T costs O(T·K²) and one loop body.
 */
import type { Message, ScanEnumInfo } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";
import { type ContractMode, type Factor, productOf } from "./contract.js";
import { siteFactor } from "./enum-factors.js";

/** The step factors of one enumerated scan, laid out for the forward recursion. */
export interface ScanChain {
  readonly info: ScanEnumInfo;
  /**
   * Log factors `[T, ...batchSizes, P_h, …, P_1, C]`: P_j (C) runs over the joint values of the chains j
   * steps back (at the current step); h is the scan's history.
   */
  readonly step: Tensor;
  /** The scan's history h (1: a first-order chain). */
  readonly history: number;
  /** Labels of the batch axes: plates of the chains and enumerated sites outside the scan. */
  readonly batch: readonly string[];
  /** Names of the scan's enumerated sites, in the order their values are laid out along P and C. */
  readonly chains: readonly string[];
  /** Support sizes, in the same order. */
  readonly sizes: readonly number[];
}

/** Moves a factor's axes into `labels` order (absent labels get size-1 axes), broadcast to `sizes`. */
function arrange(f: Factor, labels: readonly string[], sizes: readonly number[]): Tensor {
  const present = labels.filter((l) => f.labels.includes(l));
  const perm = present.map((l) => f.labels.indexOf(l));
  let t = perm.every((p, i) => p === i) ? f.t : T.transpose(f.t, perm);
  const shape = labels.map((l) => (f.labels.includes(l) ? (f.t.shape[f.labels.indexOf(l)] as number) : 1));
  t = T.reshape(t, shape);
  return shape.every((s, i) => s === sizes[i]) ? t : T.broadcastTo(t, [...sizes]);
}

/**
 * Collects the log factors of one enumerated scan's sites.
 * @param sites - the sites the scan emitted (all with the same `infer.scanEnum`).
 * @param firstAvailableDim - the enumeration's first dimension.
 * @param order - receives each label's dimension.
 * @param plates - every plate name of the trace.
 * @returns `free`: factors that hold no enumerated site of the scan (they keep the time label, to be
 *   reduced as a plate); `chain`: the step factors for {@link chainFactor}.
 */
export function scanChainFactors(
  sites: readonly Message[],
  firstAvailableDim: number,
  order: Map<string, number>,
  plates: ReadonlySet<string>,
): { free: Factor[]; chain: ScanChain } {
  const info = (sites[0] as Message).infer.scanEnum as ScanEnumInfo;
  const chainNames = info.chains.map((c) => c.name);
  const h = info.history;
  const chainLabels = new Set(info.chains.flatMap((c) => [c.name, ...c.prevNames]));
  // The chains live in the plates every enumerated site of the body shares.
  let chainPlates: Set<string> | null = null;
  for (const s of sites) {
    if (!chainNames.includes(s.name)) continue;
    const ps = new Set<string>(s.condIndepStack.map((f) => f.name));
    const prev: string[] = chainPlates === null ? [...ps] : [...chainPlates];
    chainPlates = new Set<string>(prev.filter((p) => ps.has(p)));
  }
  for (const s of sites) {
    if (!chainNames.includes(s.name)) continue;
    const extra = s.condIndepStack.filter((f) => !chainPlates?.has(f.name));
    if (extra.length > 0) {
      throw new PhloxError(
        "enum-scan-plates",
        `enumeration through scan: the enumerated site "${s.name}" lies in plate "${extra[0]?.name}", which the ` +
          `scan body's other enumerated sites do not; every enumerated site of a scan body must share the same ` +
          `plates. Move the sites into the same plates, or write the loop over markov(...).`,
      );
    }
  }
  const cp = chainPlates ?? new Set<string>();
  order.set(info.time, info.timeDim);
  const free: Factor[] = [];
  const held: Factor[] = [];
  for (const s of sites) {
    if (s.type !== "sample") continue;
    let f = siteFactor(s, firstAvailableDim, order);
    if (!f.labels.includes(info.time))
      f = { t: T.reshape(f.t, [1, ...f.t.shape]), labels: [info.time, ...f.labels] };
    if (!f.labels.some((l) => chainLabels.has(l))) {
      free.push(f);
      continue;
    }
    const missing = [...cp].filter((p) => !f.labels.includes(p));
    if (missing.length > 0) {
      throw new PhloxError(
        "enum-scan-plates",
        `enumeration through scan: site "${s.name}" depends on the enumerated sites of the scan body but lies ` +
          `outside their plate "${missing[0]}". Put it inside that plate.`,
      );
    }
    // plates that hold no enumerated site of the body are reduced first (a product over their elements)
    const axes: number[] = [];
    f.labels.forEach((l, i) => {
      if (plates.has(l) && !cp.has(l)) axes.push(i);
    });
    if (axes.length > 0) f = { t: T.sum(f.t, axes), labels: f.labels.filter((_, i) => !axes.includes(i)) };
    held.push(f);
  }
  const prod = productOf(held, order);
  const sizes = info.chains.map((c) => c.size);
  const batch = prod.labels.filter((l) => l !== info.time && !chainLabels.has(l));
  const prevLabels: string[] = [];
  const prevSizes: number[] = [];
  for (let j = h; j >= 1; j--) {
    for (const c of info.chains) {
      prevLabels.push(c.prevNames[j - 1] as string);
      prevSizes.push(c.size);
    }
  }
  const labels = [info.time, ...batch, ...prevLabels, ...chainNames];
  const batchSizes = batch.map((l) => prod.t.shape[prod.labels.indexOf(l)] as number);
  const full = [info.length, ...batchSizes, ...prevSizes, ...sizes];
  const k = sizes.reduce((a, b) => a * b, 1);
  const joint = new Array<number>(h + 1).fill(k);
  const step = T.reshape(arrange(prod, labels, full), [info.length, ...batchSizes, ...joint]);
  return { free, chain: { info, step, batch, chains: chainNames, sizes, history: h } };
}

/**
 * Sums (or maxes) the enumerated sites of a scan out of its step factors by the forward recursion over the
 * chains' values of the last h steps (h = history), compiled as one loop over the steps:
 * `α_t(x_{t−h+1..t}) = ⊕_{x_{t−h}} α_{t−1}(x_{t−h..t−1}) ⊗ F_t(x_{t−h..t})`. In the first h steps the value
 * that leaves the window is the initial carry's (one value, broadcast), so they read its index 0.
 * @param chain - from {@link scanChainFactors}.
 * @param mode - `"sum"` (log-sum-exp) or `"max"` (Viterbi).
 * @returns a factor over the chain's batch labels.
 */
export function chainFactor(chain: ScanChain, mode: ContractMode): Factor {
  const nb = chain.batch.length;
  const h = chain.history;
  const f = chain.step;
  const shape = f.shape;
  const batchShape = shape.slice(1, nb + 1);
  const k = shape[nb + 1] as number;
  const reduce = (t: Tensor, axes: number[]): Tensor =>
    mode === "sum" ? T.logSumExp(t, axes) : T.max(t, axes);
  const stateShape = [...batchShape, ...new Array<number>(h).fill(k)];
  const col = [...stateShape, 1];
  const row = (t: number): Tensor => T.reshape(T.slice(f, [t], [t + 1]), shape.slice(1));
  // α over the chains' values of the last h steps; the first h steps read the initial carry (index 0 of the
  // value that falls out of the window), the others sum (max) it out
  let alpha: Tensor = T.zeros(stateShape, f.dtype);
  const peeled = Math.min(h, chain.info.length);
  for (let t = 0; t < peeled; t++) alpha = firstOut(T.add(T.reshape(alpha, col), row(t)), nb);
  if (chain.info.length > peeled) {
    [alpha] = T.scan(
      (a: Tensor, ft: Tensor) => [reduce(T.add(T.reshape(a, col), ft), [nb]), null] as const,
      alpha,
      T.slice(f, [peeled]),
      { name: "enumerated scan" },
    );
  }
  const all = Array.from({ length: h }, (_, j) => nb + j);
  return { t: reduce(alpha, all), labels: [...chain.batch] };
}

/** `joint` at index 0 of axis `axis` (that axis dropped). */
export function firstOut(joint: Tensor, axis: number): Tensor {
  const s = joint.shape;
  const start = s.map(() => 0);
  const end = s.map((d, i) => (i === axis ? 1 : d));
  return T.reshape(
    T.slice(joint, start, end),
    s.filter((_, i) => i !== axis),
  );
}

/** The step factors of each enumerated scan in a trace, by its time label, plus the order of its sites. */
export function scanEnumSites(sites: Iterable<Message>): Map<string, Message[]> {
  const groups = new Map<string, Message[]>();
  for (const s of sites) {
    const info = s.infer.scanEnum as ScanEnumInfo | undefined;
    if (info === undefined || s.type !== "sample") continue;
    let g = groups.get(info.time);
    if (g === undefined) {
      g = [];
      groups.set(info.time, g);
    }
    g.push(s);
  }
  return groups;
}
