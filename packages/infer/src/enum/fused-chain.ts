/**
 * The forward recursion of an enumerated model-level scan folded into the scan's own loop: the handlers'
 * scan calls {@link FusedChain.step} inside its body with each step's sites, and the carried state is the
 * log forward vector α (plus the running sums of the step factors that hold no enumerated site of the body),
 * so the model's loop and the recursion are one compiled loop, as in a hand-written forward algorithm.
 */
import { type Message, type ScanEnumInfo, type ScanEnumReducer, ScannedDistribution } from "@phlox/handlers";
import * as T from "@phlox/tensor";
import type { Tensor } from "../internal/ops.js";
import type { ContractMode, Factor } from "./contract.js";
import { firstOut, scanChainFactors } from "./scan-chain.js";

/** What {@link FusedChain} learned of the factors' labels (the same at every step). */
interface FusedLayout {
  /** Batch labels of α (plates of the chains, enumerated sites outside the scan). */
  readonly batch: readonly string[];
  /** Labels of each running sum. */
  readonly free: readonly (readonly string[])[];
  /** The dimension of each label. */
  readonly order: ReadonlyMap<string, number>;
  /** The scan's history: α has that many chain axes after the batch axes. */
  readonly history: number;
}

/**
 * @internal A {@link ScanEnumReducer} running the forward recursion of `chainFactor` (over the chains'
 * values of the last `history` steps) one step per call.
 */
export class FusedChain implements ScanEnumReducer {
  layout: FusedLayout | null = null;

  constructor(
    readonly firstAvailableDim: number,
    readonly mode: ContractMode,
  ) {}

  step(sites: readonly Message[], state: readonly Tensor[] | null, index: Tensor): Tensor[] {
    const order = new Map<string, number>();
    const plates = new Set<string>();
    for (const s of sites) for (const f of s.condIndepStack) plates.add(f.name);
    const { free, chain } = scanChainFactors(sites, this.firstAvailableDim, order, plates);
    const nb = chain.batch.length;
    const h = chain.history;
    const f = T.reshape(chain.step, chain.step.shape.slice(1)); // [...batch, P_h, …, P_1, C]
    const k = f.shape[nb] as number;
    const stateShape = [...f.shape.slice(0, nb), ...new Array<number>(h).fill(k)];
    const sums = free.map((g) => T.reshape(g.t, g.t.shape.slice(1))); // drop the time axis (one step)
    this.layout = { batch: chain.batch, free: free.map((g) => g.labels.slice(1)), order, history: h };
    const alpha = state === null ? T.zeros(stateShape, f.dtype) : (state[0] as Tensor);
    const joint = T.add(T.reshape(alpha, [...stateShape, 1]), f);
    // the first h steps read the initial carry: index 0 of the value that leaves the window
    const first = firstOut(joint, nb);
    if (state === null) return [first, ...sums];
    const rec = this.mode === "sum" ? T.logSumExp(joint, [nb]) : T.max(joint, [nb]);
    const next = T.where(T.lt(index, h), first, rec);
    return [next, ...sums.map((g, i) => T.add(state[i + 1] as Tensor, g))];
  }
}

/**
 * @internal The factors a fused scan leaves (null when the scan was not fused, or fused for another mode, or
 * when handlers outside the scan rescaled or masked its sites: then the stacked step factors are used).
 */
export function fusedFactors(
  sites: readonly Message[],
  mode: ContractMode,
): { factors: Factor[]; layout: FusedLayout } | null {
  const info = (sites[0] as Message).infer.scanEnum as ScanEnumInfo;
  const fused = info.fused;
  if (fused === undefined || !(fused.reducer instanceof FusedChain) || fused.reducer.mode !== mode)
    return null;
  const layout = fused.reducer.layout;
  if (layout === null) return null;
  for (const s of sites) {
    if (s.scale !== null && s.scale !== 1) return null;
    if (!(s.fn instanceof ScannedDistribution)) return null;
  }
  const [alpha, ...sums] = fused.state;
  const nb = layout.batch.length;
  const a = alpha as Tensor;
  const all = Array.from({ length: layout.history }, (_, j) => nb + j);
  const factors: Factor[] = [
    ...sums.map((t, i) => ({ t, labels: [...(layout.free[i] as readonly string[])] })),
    { t: mode === "sum" ? T.logSumExp(a, all) : T.max(a, all), labels: [...layout.batch] },
  ];
  return { factors, layout };
}
