import { defineHandler } from "../define-handler.js";
import { logicalAnd, type Tensor } from "../internal/ops.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** @internal `a & b` for masks, keeping booleans as booleans. */
export function andMask(a: Tensor | boolean, b: Tensor | boolean | null): Tensor | boolean {
  if (b === null) return a;
  if (typeof a === "boolean" && typeof b === "boolean") return a && b;
  if (a === true) return b;
  if (b === true) return a;
  if (a === false || b === false) return false;
  return logicalAnd(a, b);
}

/** Masks the log density of `sample` sites: masked-out elements contribute zero. */
export class Mask extends Messenger {
  constructor(readonly mask: Tensor | boolean) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type === "inspect") {
      msg.mask = andMask(this.mask, msg.mask);
      return;
    }
    if (msg.type !== "sample" || msg.fn === null) return;
    msg.fn = msg.fn.mask(this.mask);
  }
}

/**
 * Masks log densities (NumPyro's `handlers.mask`) by replacing each site's distribution with
 * `dist.mask(mask)`.
 * @param mask - `false`/`true`, or a bool tensor broadcastable with the sites' batch shapes.
 * @example
 * const m = () => sample("x", new Normal(0, 1), { obs: 3 });
 * const site = trace(mask(m, false)).getTrace().get("x");
 * site.fn.logProb(site.value).item(); // → 0
 */
export const mask = /* @__PURE__ */ defineHandler((m: Tensor | boolean) => new Mask(m), 1);
