import { type EnumDim, isEnumerated, type Message, type Trace } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { PhloxError, type Tensor } from "../internal/ops.js";
import { siteLogProb } from "../log-density.js";
import type { ContractMode, Factor } from "./contract.js";
import { fusedFactors } from "./fused-chain.js";
import { chainFactor, type ScanChain, scanChainFactors, scanEnumSites } from "./scan-chain.js";

/** The log factors of an enumerated trace, ready for {@link sumProduct}. */
export interface EnumFactors {
  /** One factor per sample site (sites that add nothing are left out). */
  factors: Factor[];
  /** The sample site each factor came from (same order as `factors`). */
  siteNames: string[];
  /** Names of the enumerated sites. */
  sumVars: Set<string>;
  /** Names of the plates. */
  plates: Set<string>;
  /** The dimension of every label (its axis order). */
  order: Map<string, number>;
  /** The enumerated model-level scans (their sites are summed out by a forward recursion, already in `factors`). */
  chains: ScanChain[];
}

/**
 * The log factor of one sample site of an enumerated trace: `scale · log p(value)`, with each axis named
 * by the enumerated variable or plate that owns its dimension (from `msg.infer.enumDims` and the plate
 * stack). Axes of size one are dropped, plate axes broadcast to the plate's size, and batch axes that belong
 * to neither (a vectorised site outside plates) are summed at once.
 * @param site - a sample site of a trace recorded under `enumerate`.
 * @param firstAvailableDim - where enumeration starts; an unnamed axis at or left of it is an error.
 * @param order - receives each label's dimension.
 * @returns the factor.
 */
export function siteFactor(site: Message, firstAvailableDim: number, order: Map<string, number>): Factor {
  const lp: Tensor = siteLogProb(site);
  const byDim = new Map<number, { label: string; size: number; plate: boolean }>();
  for (const e of (site.infer.enumDims as EnumDim[] | undefined) ?? []) {
    byDim.set(e.dim, { label: e.name, size: e.size, plate: false });
    order.set(e.name, e.dim);
  }
  for (const f of site.condIndepStack) {
    byDim.set(f.dim, { label: f.name, size: f.size, plate: true });
    order.set(f.name, f.dim);
  }
  const nd = lp.shape.length;
  const sumAxes: number[] = [];
  const kept: { label: string; size: number; dim: number }[] = [];
  for (let i = 0; i < nd; i++) {
    const d = i - nd;
    const s = lp.shape[i];
    const owner = byDim.get(d);
    if (owner === undefined) {
      if (s === 1) continue;
      if (d <= firstAvailableDim) {
        throw new PhloxError(
          "enum-unknown-dim",
          `enumeration: the log density of site "${site.name}" has shape [${lp.shape.join(", ")}], whose dimension ` +
            `${d} (size ${s}) is an enumeration dimension of no enumerated site in scope. Is a site used outside the ` +
            `markov context (or history) in which it was enumerated?`,
        );
      }
      sumAxes.push(i);
      continue;
    }
    if (s === 1 && !owner.plate) continue;
    if (s !== 1 && s !== owner.size) {
      throw new PhloxError(
        "enum-dim-size",
        `enumeration: the log density of site "${site.name}" has size ${s} at dimension ${d}, which belongs to ` +
          `${owner.plate ? "plate" : "enumerated site"} "${owner.label}" of size ${owner.size}.`,
      );
    }
    kept.push({ label: owner.label, size: owner.size, dim: d });
  }
  let t = sumAxes.length > 0 ? T.sum(lp, sumAxes, true) : lp;
  // plates the log density does not reach still multiply it
  for (const f of site.condIndepStack) {
    if (!kept.some((k) => k.label === f.name)) kept.push({ label: f.name, size: f.size, dim: f.dim });
  }
  kept.sort((a, b) => a.dim - b.dim);
  const squeezed = kept.map((k) => (k.dim >= -nd ? lp.shape[nd + k.dim] : 1));
  t = T.reshape(t, squeezed);
  const full = kept.map((k) => k.size);
  if (squeezed.some((s, i) => s !== full[i])) t = T.broadcastTo(t, full);
  return { t, labels: kept.map((k) => k.label) };
}

/** True when the enumeration handler gave the site its support as value (a marked site with a value is not). */
export function wasEnumerated(site: Message): boolean {
  if (!isEnumerated(site)) return false;
  const dims = site.infer.enumDims as EnumDim[] | undefined;
  return dims?.some((e) => e.name === site.name) === true;
}

/**
 * Collects the log factors of every sample site of a trace recorded under `enumerate`.
 * @param tr - the trace.
 * Sites of an enumerated model-level scan are summed out over time by a forward recursion
 * ({@link chainFactor}), which leaves one factor over the chains' plates (and the enumerated sites outside
 * the scan that the body reads).
 * @param tr - the trace.
 * @param firstAvailableDim - the enumeration handler's `firstAvailableDim`.
 * @param mode - how the scans' recursions eliminate their sites: `"sum"` (default) or `"max"`.
 * @returns factors, variables, plates and label order.
 */
export function enumFactors(tr: Trace, firstAvailableDim: number, mode: ContractMode = "sum"): EnumFactors {
  const out: EnumFactors = {
    factors: [],
    siteNames: [],
    sumVars: new Set(),
    plates: new Set(),
    order: new Map(),
    chains: [],
  };
  for (const site of tr.values()) {
    if (site.type !== "sample") continue;
    for (const f of site.condIndepStack) out.plates.add(f.name);
  }
  const scans = scanEnumSites(tr.values());
  for (const [time, sites] of scans) {
    const fused = fusedFactors(sites, mode);
    if (fused !== null) {
      // the forward recursion already ran inside the scan's loop
      for (const [l, d] of fused.layout.order) out.order.set(l, d);
      for (const f of fused.factors) {
        out.factors.push(f);
        out.siteNames.push(time);
      }
      for (const l of fused.layout.batch) if (!out.plates.has(l)) out.sumVars.add(l);
      continue;
    }
    const { free, chain } = scanChainFactors(sites, firstAvailableDim, out.order, out.plates);
    out.plates.add(time);
    for (const f of free) {
      out.factors.push(f);
      out.siteNames.push(time);
    }
    out.chains.push(chain);
    out.factors.push(chainFactor(chain, mode));
    out.siteNames.push(time);
    for (const l of chain.batch) if (!out.plates.has(l)) out.sumVars.add(l);
  }
  for (const site of tr.values()) {
    if (site.type !== "sample" || site.infer.scanEnum !== undefined) continue;
    if (wasEnumerated(site)) out.sumVars.add(site.name);
    for (const f of site.condIndepStack) out.plates.add(f.name);
    out.factors.push(siteFactor(site, firstAvailableDim, out.order));
    out.siteNames.push(site.name);
  }
  return out;
}
