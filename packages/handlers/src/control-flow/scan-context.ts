/**
 * How handlers take part in a model-level {@link scan}: the scan sends one `"control_flow"` message through
 * the stack before it runs. A handler that must act on the sites inside the loop body (substitute,
 * condition, reparam, an init strategy, …) adds a {@link ScanHandlerFactory} to it with
 * {@link addScanHandler}; the scan builds a fresh messenger from each factory inside the body at every step.
 * The sites the body emits are then sent through the stack once more, stacked along a leading time axis
 * and marked with {@link isScannedSite}, so handlers that already acted inside skip them.
 */
import type { Tensor } from "../internal/ops.js";
import type { Message } from "../message.js";
import type { Messenger } from "../messenger.js";

/** What a handler sees of the current step inside a scan body. */
export interface ScanStepContext {
  /** The step index (an int32 scalar tensor, traced). */
  readonly index: Tensor;
  /** Number of steps. */
  readonly length: number;
  /**
   * The slice of a per-step value for this step: `full` has a leading axis of `length` and the slice is
   * `full[index]`; `id` must name `full` uniquely and stably within this scan (e.g. `"substitute:x"`).
   * The scan passes such tensors as the loop's xs, so reading them costs no gather.
   */
  step(id: string, full: Tensor): Tensor;
  /**
   * A fresh PRNG key for a draw a handler makes itself at this step (a substituted series shorter than the
   * scan draws the remaining steps), distinct per call within a step; null when the model runs without
   * `seed`. Calling it makes the scan carry a key.
   */
  drawKey(): Tensor | null;
}

/** Builds the messenger a handler runs inside a scan body (null: nothing to do at this step). */
export type ScanHandlerFactory = (ctx: ScanStepContext) => Messenger | null;

/** The message type a model-level scan sends before it runs. */
export const CONTROL_FLOW = "control_flow";

/** @internal The factories collected on a control-flow message (innermost handler first). */
export function scanHandlers(msg: Message): ScanHandlerFactory[] {
  let hs = msg.infer.scanHandlers as ScanHandlerFactory[] | undefined;
  if (hs === undefined) {
    hs = [];
    msg.infer.scanHandlers = hs;
  }
  return hs;
}

/**
 * Registers a handler's in-body messenger on a `"control_flow"` message (call it from `processMessage`).
 * @param msg - the control-flow message.
 * @param factory - builds the messenger for one step.
 * @example
 * const msg = new Message("control_flow", "");
 * addScanHandler(msg, () => null);
 * (msg.infer.scanHandlers as unknown[]).length; // → 1
 */
export function addScanHandler(msg: Message, factory: ScanHandlerFactory): void {
  scanHandlers(msg).push(factory);
}

/**
 * True for a site re-emitted by a model-level scan (values stacked along time): handlers that set values
 * acted on it inside the loop body already and leave it alone.
 */
export const isScannedSite = (msg: Message): boolean => msg.infer.scanned === true;

/**
 * The value a per-site lookup gives for one step of a scan: `v` itself when it has the step's shape, its
 * slice when it has one more leading axis of the scan's length.
 * @param ctx - the step.
 * @param id - a stable name of `v` for this scan.
 * @param v - the looked-up value.
 * @param stepNdim - the number of axes of the site's value at one step.
 */
export function stepValue(ctx: ScanStepContext, id: string, v: Tensor, stepNdim: number): Tensor {
  if (v.shape.length === stepNdim + 1 && v.shape[0] === ctx.length) return ctx.step(id, v);
  return v;
}
