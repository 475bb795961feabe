import { addScanHandler, CONTROL_FLOW, isScannedSite } from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import { HandlerError } from "../internal/errors.js";
import { reshape } from "../internal/ops.js";
import { fmtShape } from "../internal/util.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import { enumeratedFn } from "./enumerated-categorical.js";
import { type MarkovFrame, markovVisible } from "./markov.js";
import { ScanEnumMessenger, ScanEnumPlan, type ScanEnumReducer } from "./scan-enum.js";

/** Options of {@link enumerate}. */
export interface EnumerateOptions {
  /**
   * The rightmost tensor dimension (negative) that enumeration may use: every enumerated site gets its own
   * dimension at or left of it. Set it to `−maxPlateNesting − 1` so that enumeration stays left of all plates.
   */
  firstAvailableDim: number;
  /**
   * @internal Builds, for each model-level scan, a reducer that folds its enumerated steps inside the scan's
   * loop (`@phlox/infer` passes its forward recursion).
   */
  scanReducer?: () => ScanEnumReducer;
}

/** An enumerated variable as the enumeration handler records it on sites (`msg.infer.enumDims`). */
export interface EnumDim {
  /** The enumerated site's name. */
  readonly name: string;
  /** Its dimension (negative, counted from the right of the batch shape). */
  readonly dim: number;
  /** Its support size. */
  readonly size: number;
}

interface Allocation extends EnumDim {
  readonly frames: readonly MarkovFrame[];
}

/** Most enumerated dimensions one site may see at once: beyond it the tensors are too big to be useful. */
const MAX_ENUM_DIMS = 24;

/** True when a sample site asks for parallel enumeration (`infer: { enumerate: "parallel" }`) and is latent. */
export function isEnumerated(msg: Message): boolean {
  return msg.type === "sample" && !msg.isObserved && msg.infer.enumerate === "parallel";
}

/**
 * The messenger behind {@link enumerate} (NumPyro's `contrib.funsor.enum`): gives each sample site marked
 * `infer: { enumerate: "parallel" }` its whole support as its value, laid along a dimension of its own to the
 * left of `firstAvailableDim` (shape `[K, 1, …, 1]`), so that the model's log densities are computed for every
 * value at once. Every sample site records in `msg.infer.enumDims` the enumerated variables it may depend
 * on (with their dimensions), which tensor variable elimination in `@phlox/infer` reads. Inside
 * {@link markov} contexts, dimensions of sites older than the context's history are reused.
 */
export class EnumMessenger extends Messenger {
  readonly firstAvailableDim: number;
  private readonly scanReducer: (() => ScanEnumReducer) | null;
  private live: Allocation[] = [];

  constructor(options: EnumerateOptions) {
    super();
    const d = options.firstAvailableDim;
    if (!Number.isInteger(d) || d >= 0) {
      throw new HandlerError(
        "bad-first-available-dim",
        `enumerate: firstAvailableDim must be a negative integer, got ${d}.`,
      );
    }
    this.firstAvailableDim = d;
    this.scanReducer = options.scanReducer ?? null;
  }

  override run<R>(fn: () => R): R {
    this.live = [];
    return super.run(fn);
  }

  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      // Enumerated sites outside any markov context stay visible inside the body.
      const outer = this.live
        .filter((a) => markovVisible(a.frames, []))
        .map(({ name, dim, size }) => ({ name, dim, size }));
      const history = typeof msg.infer.scanHistory === "number" ? Math.max(1, msg.infer.scanHistory) : 1;
      const plan = new ScanEnumPlan(this.firstAvailableDim, outer, this.scanReducer?.() ?? null, history);
      msg.infer.scanEnumPlan = plan;
      addScanHandler(msg, () => new ScanEnumMessenger(plan));
      return;
    }
    if (isScannedSite(msg) && msg.infer.scanEnum !== undefined) return; // enumerated inside the scan body
    if (msg.type === "plate") {
      const dim = -(msg.condIndepStack.length + 1);
      if (dim <= this.firstAvailableDim) {
        throw new HandlerError(
          "enum-plate-collision",
          `plate("${msg.name}") would take dimension ${dim}, but enumeration uses dimensions ${this.firstAvailableDim} ` +
            `and to their left, so the plate and an enumerated variable would share a dimension. Raise ` +
            `maxPlateNesting to at least ${-dim} (enumeration then starts at dim ${dim - 1}).`,
        );
      }
      return;
    }
    if (msg.type !== "sample" || msg.fn === null) return;
    for (const f of msg.condIndepStack) {
      if (f.dim <= this.firstAvailableDim) {
        throw new HandlerError(
          "enum-plate-collision",
          `sample("${msg.name}") lies in plate("${f.name}", dim ${f.dim}), but enumeration uses dimensions ` +
            `${this.firstAvailableDim} and to their left, so the plate and an enumerated variable would share a ` +
            `dimension. Raise maxPlateNesting to at least ${-f.dim} (enumeration then starts at dim ${f.dim - 1}).`,
        );
      }
    }
    const frames = (msg.infer.markovFrames as MarkovFrame[] | undefined) ?? [];
    // Forget allocations whose markov steps are out of scope for good.
    this.live = this.live.filter((a) =>
      a.frames.every((f) => !f.owner.closed && f.owner.step - f.step <= f.owner.history),
    );
    const visible = this.live.filter((a) => markovVisible(a.frames, frames));
    if (isEnumerated(msg) && msg.value === null) {
      const fn = msg.fn;
      if (!fn.hasEnumerateSupport) {
        throw new HandlerError(
          "no-enumerate-support",
          `sample("${msg.name}") is marked infer: { enumerate: "parallel" }, but its ${fn.constructor.name} ` +
            `distribution (support ${String(fn.support)}) has no finite support to enumerate. Remove the mark, ` +
            `marginalise the site by hand with factor(), or use a sampler for discrete sites such as DiscreteHMCGibbs.`,
        );
      }
      if (visible.length >= MAX_ENUM_DIMS) {
        throw new HandlerError(
          "too-many-enum-dims",
          `sample("${msg.name}") would be enumerated along a ${visible.length + 1}th dimension ` +
            `(${visible.map((a) => a.name).join(", ")} are already enumerated and in scope); at most ` +
            `${MAX_ENUM_DIMS} fit. Wrap sequential sites in markov(...) so old dimensions are reused, ` +
            `or mark fewer sites for enumeration.`,
        );
      }
      const used = new Set(visible.map((a) => a.dim));
      let dim = this.firstAvailableDim;
      while (used.has(dim)) dim--;
      const support = fn.enumerateSupport(false);
      const k = support.shape[0];
      const batchNdim = fn.batchShape.length + msg.sampleShape.length;
      const batch = [...msg.sampleShape, ...fn.batchShape];
      if (batchNdim >= -dim && batch[batchNdim + dim] !== 1) {
        throw new HandlerError(
          "enum-batch-collision",
          `sample("${msg.name}"): its distribution has batch shape ${fmtShape(batch)}, whose dimension ${dim} (where it ` +
            `would be enumerated) is taken by something other than an enumerated variable in scope. Put the site's batch dimensions in plates and raise maxPlateNesting.`,
        );
      }
      const event = fn.eventShape;
      const shape = [k, ...new Array<number>(-dim - 1).fill(1), ...event];
      msg.value = reshape(support, shape);
      msg.fn = enumeratedFn(fn, msg.value, dim);
      msg.sampleShape = [];
      msg.done = true;
      const a: Allocation = { name: msg.name, dim, size: k, frames };
      this.live.push(a);
      visible.push(a);
    }
    msg.infer.enumDims = visible.map(({ name, dim, size }) => ({ name, dim, size }));
  }
}

/**
 * Enumerates the sites marked `infer: { enumerate: "parallel" }` (NumPyro's `contrib.funsor.enum`): each
 * takes its whole support as its value, along its own dimension left of `firstAvailableDim`. Wrapper form
 * `enumerate(model, { firstAvailableDim })`, scope form `enumerate({ firstAvailableDim }).run(fn)`.
 * Inference code applies it for you (NUTS, `TraceEnumELBO`, `inferDiscrete`); use it directly to inspect
 * enumerated traces.
 * @throws HandlerError (`no-enumerate-support`) for a marked site whose distribution has no finite support;
 *   (`enum-plate-collision`) when a plate's dimension reaches the enumeration dimensions.
 * @example
 * const m = () => sample("z", new Bernoulli(0.3), { infer: { enumerate: "parallel" } });
 * enumerate(m, { firstAvailableDim: -1 })().shape; // → [2]
 */
export const enumerate = /* @__PURE__ */ defineHandler(
  (options: EnumerateOptions) => new EnumMessenger(options),
  1,
);
