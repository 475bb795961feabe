/**
 * Enumeration inside a model-level `scan` body (NumPyro's `scan_enum`): every discrete latent site of the body
 * is a first-order Markov chain over the steps. The body is traced once, with each such site `x` enumerated
 * along a dimension of its own ("current") and the carry holding the previous step's enumerated values along a
 * second dimension (`_PREV_x`). The stacked log densities then have axes (time, previous, current, plates),
 * which `@phlox/infer` sums out with a forward recursion compiled as one loop: O(T·K²), not Kᵀ.
 */
import type { Distribution } from "@phlox/distributions";
import * as T from "@phlox/tensor";
import { HandlerError } from "../internal/errors.js";
import type { Tensor } from "../internal/ops.js";
import { fmtShape } from "../internal/util.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import type { EnumDim } from "./enumerate.js";
import { enumeratedFn } from "./enumerated-categorical.js";

/** One enumerated site of a scan body: its dimension at the current step and at the previous one. */
export interface ScanEnumChain {
  /** The site's name (also the label of its current-step dimension). */
  readonly name: string;
  /** The label of its previous-step dimension (`_PREV_<name>`). */
  readonly prevName: string;
  /** Support size. */
  readonly size: number;
  /** Dimension of the current step's value. */
  readonly dim: number;
  /** Dimension of the previous step's value (in the carry). */
  readonly prevDim: number;
  /**
   * Labels of the values 1, 2, …, history steps back (`_PREV_x`, `_PREV__PREV_x`, …; the first is
   * `prevName`).
   */
  readonly prevNames: readonly string[];
  /** Their dimensions (the first is `prevDim`). */
  readonly prevDims: readonly number[];
}

/**
 * What an enumerated scan records on each site it emits (`msg.infer.scanEnum`): the time label and dimension
 * of the stacked log densities and the chains of the body, so tensor variable elimination can run the forward
 * recursion over time.
 */
export interface ScanEnumInfo {
  /** Label of the time axis of this scan's stacked log densities (`_time_<first enumerated site>`). */
  readonly time: string;
  /** Dimension of the time axis. */
  readonly timeDim: number;
  /** Number of steps. */
  readonly length: number;
  /** The body's enumerated sites. */
  readonly chains: readonly ScanEnumChain[];
  /** How many steps back the body's enumerated sites reach (NumPyro's `history`; 1: a first-order chain). */
  readonly history: number;
  /**
   * Set when the enumeration handler folded the steps with a `ScanEnumReducer` inside the scan's loop:
   * the reducer and its final state.
   */
  readonly fused?: { readonly reducer: ScanEnumReducer; readonly state: readonly Tensor[] };
}

/**
 * @internal Folds the sites of each step of an enumerated scan into a state carried through the scan's own
 * loop (`@phlox/infer`'s forward recursion), so that summing the enumerated sites out costs no second loop.
 */
export interface ScanEnumReducer {
  /**
   * The state after one step.
   * @param sites - the step's sample sites (log densities without a time axis; `infer.scanEnum` has length 1).
   * @param state - the state before the step; null on the discovery trace (only the result's shapes count).
   * @param index - the step (an int32 scalar, traced).
   */
  step(sites: readonly Message[], state: readonly Tensor[] | null, index: Tensor): Tensor[];
}

/** @internal A pytree with its numbers and booleans made tensors (as `@phlox/tensor`'s scan does). */
export function tensorTree(tree: unknown): unknown {
  if (tree instanceof T.Tensor) return tree;
  if (typeof tree === "number" || typeof tree === "boolean") return T.tensor(tree);
  if (Array.isArray(tree)) return tree.map(tensorTree);
  if (tree !== null && typeof tree === "object" && Object.getPrototypeOf(tree) === Object.prototype) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) o[k] = tensorTree((tree as Record<string, unknown>)[k]);
    return o;
  }
  return tree;
}

/** Prefix of the label of an enumerated site's previous-step dimension (NumPyro's naming). */
export const PREV_PREFIX = "_PREV_";

/**
 * @internal The enumeration plan of one model-level scan, shared by every trace of its body: which dimensions
 * the body's enumerated sites (and their previous-step copies) use, left of the enumerated sites outside the
 * scan that the body can see.
 */
export class ScanEnumPlan {
  readonly chains = new Map<string, ScanEnumChain>();
  private readonly used: Set<number>;

  constructor(
    readonly firstAvailableDim: number,
    readonly outer: readonly EnumDim[],
    readonly reducer: ScanEnumReducer | null = null,
    readonly history = 1,
  ) {
    this.used = new Set(outer.map((e) => e.dim));
  }

  private nextDim(): number {
    let d = this.firstAvailableDim;
    while (this.used.has(d)) d--;
    this.used.add(d);
    return d;
  }

  /** The chain of site `name` (allocated on first sight). */
  chain(name: string, size: number): ScanEnumChain {
    let c = this.chains.get(name);
    if (c === undefined) {
      const dim = this.nextDim();
      const prevDims: number[] = [];
      const prevNames: string[] = [];
      let label = name;
      for (let j = 0; j < this.history; j++) {
        prevDims.push(this.nextDim());
        label = `${PREV_PREFIX}${label}`;
        prevNames.push(label);
      }
      c = {
        name,
        prevName: prevNames[0] as string,
        size,
        dim,
        prevDim: prevDims[0] as number,
        prevNames,
        prevDims,
      };
      this.chains.set(name, c);
    }
    return c;
  }

  /** Every enumerated dimension a body site may depend on. */
  enumDims(): EnumDim[] {
    const out: EnumDim[] = [...this.outer];
    for (const c of this.chains.values()) {
      c.prevNames.forEach((n, j) => {
        out.push({ name: n, dim: c.prevDims[j] as number, size: c.size });
      });
      out.push({ name: c.name, dim: c.dim, size: c.size });
    }
    return out;
  }

  /** The rank every per-step log density is padded to (so the time axis sits at one dimension). */
  rank(): number {
    let r = -this.firstAvailableDim;
    for (const d of this.used) r = Math.max(r, -d);
    return r;
  }

  /** What the emitted sites record (`msg.infer.scanEnum`). */
  info(length: number): ScanEnumInfo {
    const chains = [...this.chains.values()];
    return {
      time: `_time_${chains[0]?.name ?? "scan"}`,
      timeDim: -this.rank() - 1,
      length,
      chains,
      history: this.history,
    };
  }

  /**
   * The moves that take a carry leaf of `rank` dimensions from this step's labels to the next step's: each
   * chain's value j steps back moves to j + 1 steps back (oldest first), the current value to one step back.
   * A value `history` steps back in a carry would reach further back than the history: an error.
   */
  private moves(shape: readonly number[], where: string): { from: number; to: number }[] {
    const nd = shape.length;
    const size = (d: number): number => (-d <= nd ? (shape[nd + d] as number) : 1);
    const out: { from: number; to: number }[] = [];
    for (const c of this.chains.values()) {
      const h = this.history;
      if (size(c.prevDims[h - 1] as number) !== 1) {
        throw new HandlerError(
          "scan-enum-history",
          `scan: ${where} returned by the body depends on the enumerated site "${c.name}" of ${h} step(s) back, so ` +
            `a step would reach back further than history ${h}. Carry only the values of "${c.name}" of the last ` +
            `${h} step(s) (this step's included), or raise the scan's history.`,
        );
      }
      for (let j = h - 2; j >= 0; j--) {
        const d = c.prevDims[j] as number;
        if (size(d) !== 1) out.push({ from: d, to: c.prevDims[j + 1] as number });
      }
      if (size(c.dim) !== 1) out.push({ from: c.dim, to: c.prevDim });
    }
    return out;
  }

  /** The shape of a carry leaf once its enumeration axes are moved one step back ({@link moves}). */
  private relabelShape(shape: readonly number[], where: string): number[] {
    let s = [...shape];
    for (const { from, to } of this.moves(shape, where)) {
      const nd = s.length;
      const r = Math.max(nd, -to);
      s = [...new Array<number>(r - nd).fill(1), ...s];
      s[r + to] = s[r + from] as number;
      s[r + from] = 1;
    }
    return s;
  }

  /**
   * The shapes the scan's carry leaves take under enumeration: the initial carry broadcast with the carry
   * one step of the body returned (its enumeration axes moved to the previous-step dimensions).
   */
  carryShapes(init: readonly Tensor[], out: readonly Tensor[]): number[][] {
    return init.map((a, i) => {
      const o = out[i] as Tensor;
      const s = T.broadcastShapes(a.shape, this.relabelShape(o.shape, `carry leaf ${i}`));
      while (s.length > 0 && s[0] === 1 && s.length > a.shape.length) s.shift();
      return s;
    });
  }

  /** A carry leaf the body returned, its enumeration axes moved back to the previous-step dimensions. */
  fitCarry(a: Tensor, shape: readonly number[], i: number): Tensor {
    let t = a;
    for (const { from, to } of this.moves(a.shape, `carry leaf ${i}`)) {
      const nd = t.shape.length;
      const r = Math.max(nd, -to);
      if (r > nd) t = T.reshape(t, [...new Array<number>(r - nd).fill(1), ...t.shape]);
      const perm = t.shape.map((_, j) => j);
      perm[r + to] = r + from;
      perm[r + from] = r + to;
      t = T.transpose(t, perm);
    }
    while (t.shape.length > shape.length && t.shape[0] === 1) t = T.reshape(t, t.shape.slice(1));
    if (t.shape.length > shape.length || !t.shape.every((s, j) => s === shape[j])) {
      try {
        t = T.broadcastTo(t, [...shape]);
      } catch {
        throw new HandlerError(
          "scan-enum-carry",
          `scan: carry leaf ${i} has shape ${fmtShape(a.shape)} under enumeration, which does not fit the carry ` +
            `shape ${fmtShape(shape)} (the initial carry broadcast with the enumerated values). Keep carry leaves ` +
            `that hold enumerated values in the layout the body's plates give them.`,
        );
      }
    }
    return t;
  }

  /** A per-step log density padded with leading axes to {@link ScanEnumPlan.rank}. */
  padLogProb(lp: Tensor, site: string): Tensor {
    const r = this.rank();
    if (lp.shape.length > r) {
      throw new HandlerError(
        "scan-enum-batch",
        `scan: the log density of site "${site}" has shape ${fmtShape(lp.shape)}, more dimensions than the ` +
          `enumeration uses (${r}): a batch dimension lies outside every plate. Put it in a plate.`,
      );
    }
    return lp.shape.length === r
      ? lp
      : T.reshape(lp, [...new Array<number>(r - lp.shape.length).fill(1), ...lp.shape]);
  }
}

/**
 * @internal The enumeration handler inside a scan body: marks discrete latent sites with finite support for
 * parallel enumeration (as `configEnumerate`), gives each its support along its own dimension, and records on
 * every sample site the enumerated dimensions it may depend on.
 */
export class ScanEnumMessenger extends Messenger {
  constructor(readonly plan: ScanEnumPlan) {
    super();
  }

  override processMessage(msg: Message): void {
    const fad = this.plan.firstAvailableDim;
    if (msg.type === "plate") {
      const dim = -(msg.condIndepStack.length + 1);
      if (dim <= fad)
        throw new HandlerError(
          "enum-plate-collision",
          `plate("${msg.name}") inside a scan body would take dimension ${dim}, but enumeration uses dimensions ` +
            `${fad} and to their left. Raise maxPlateNesting to at least ${-dim}.`,
        );
      return;
    }
    if (msg.type !== "sample" || msg.fn === null) return;
    const fn: Distribution = msg.fn;
    if (!msg.isObserved && msg.value === null && fn.support.isDiscrete) {
      if (msg.infer.enumerate === undefined && fn.hasEnumerateSupport) msg.infer.enumerate = "parallel";
      if (msg.infer.enumerate === "parallel" || !fn.hasEnumerateSupport) this.enumerateSite(msg, fn);
    }
    msg.infer.enumDims = this.plan.enumDims();
  }

  private enumerateSite(msg: Message, fn: Distribution): void {
    if (!fn.hasEnumerateSupport) {
      throw new HandlerError(
        "no-enumerate-support",
        `sample("${msg.name}") inside a scan body is a discrete latent site whose ${fn.constructor.name} ` +
          `distribution (support ${String(fn.support)}) has no finite support to enumerate. Use a distribution ` +
          `with finite support (e.g. Categorical over a truncated range), marginalise the site by hand with ` +
          `factor(), observe it, or sample it with a Gibbs kernel such as DiscreteHMCGibbs.`,
      );
    }
    const support = fn.enumerateSupport(false);
    const k = support.shape[0] as number;
    const c = this.plan.chain(msg.name, k);
    const batch = [...msg.sampleShape, ...fn.batchShape];
    if (batch.length >= -c.dim && batch[batch.length + c.dim] !== 1) {
      throw new HandlerError(
        "enum-batch-collision",
        `sample("${msg.name}") inside a scan body: its distribution has batch shape ${fmtShape(batch)}, whose ` +
          `dimension ${c.dim} (where it is enumerated) is taken. Put the site's batch dimensions in plates.`,
      );
    }
    msg.value = T.reshape(support, [k, ...new Array<number>(-c.dim - 1).fill(1), ...fn.eventShape]);
    msg.fn = enumeratedFn(fn, msg.value, c.dim);
    msg.sampleShape = [];
    msg.done = true;
  }
}
