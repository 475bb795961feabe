import {
  addScanHandler,
  CONTROL_FLOW,
  isScannedSite,
  type ScanStepContext,
  stepValue,
} from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import { asTensor, type Tensor, type TensorLike } from "../internal/ops.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** Values by site name, or a function of the message returning a value (or `undefined`/`null` to leave it). */
export type SiteValues =
  | Readonly<Record<string, TensorLike>>
  | ((msg: Message) => TensorLike | null | undefined);

/** @internal looks a site's value up in a record or a function. */
let nextTag = 0;

/** The number of axes a site's value has (at one step of a scan). */
export function siteNdim(msg: Message): number {
  if (msg.type === "sample" && msg.fn !== null)
    return msg.sampleShape.length + msg.fn.batchShape.length + msg.fn.eventShape.length;
  return msg.value === null ? 0 : msg.value.shape.length;
}

/** A lookup inside a scan body: values with a leading time axis are sliced to the current step. */
export function perStep(ctx: ScanStepContext, tag: string, data: SiteValues, msg: Message): Tensor | null {
  const v = lookUp(data, msg);
  return v === null ? null : stepValue(ctx, `${tag}:${msg.name}`, v, siteNdim(msg));
}

export function lookUp(data: SiteValues, msg: Message): Tensor | null {
  const v =
    typeof data === "function" ? data(msg) : Object.hasOwn(data, msg.name) ? data[msg.name] : undefined;
  if (v === undefined || v === null) return null;
  return asTensor(v);
}

/**
 * Sets the value of `sample`, `param`, `plate` and `deterministic` sites without marking them
 * observed (NumPyro's `handlers.substitute`): a substituted latent still counts as latent.
 */
export class Substitute extends Messenger {
  constructor(readonly data: SiteValues) {
    super();
  }

  override processMessage(msg: Message): void {
    const t = msg.type;
    if (t === CONTROL_FLOW) {
      const data = this.data;
      const tag = `substitute${nextTag++}`;
      addScanHandler(msg, (ctx) => new Substitute((m) => perStep(ctx, tag, data, m)));
      return;
    }
    if (isScannedSite(msg)) return; // applied inside the scan body already
    if (t !== "sample" && t !== "param" && t !== "plate" && t !== "deterministic") return;
    const v = lookUp(this.data, msg);
    if (v !== null) msg.value = v;
  }
}

/**
 * Substitutes site values (NumPyro's `handlers.substitute`).
 * @param data - values by site name, or a function `(msg) => value | undefined`.
 * @example
 * substitute(() => sample("x", new Normal(0, 1)), { x: 2 })().item(); // → 2
 */
export const substitute = /* @__PURE__ */ defineHandler((data: SiteValues) => new Substitute(data), 1);
