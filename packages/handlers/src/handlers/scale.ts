import type { Tensor } from "@phlox/tensor";
import { defineHandler } from "../define-handler.js";
import { HandlerError } from "../internal/errors.js";
import { mulScale } from "../internal/util.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** Multiplies the log density of `sample` and `param` sites (and plates) by a positive factor. */
export class Scale extends Messenger {
  constructor(readonly scale: Tensor | number) {
    super();
    if (typeof scale === "number" && !(scale > 0)) {
      throw new HandlerError("bad-scale", `scale(${scale}): the scale must be a positive number.`);
    }
  }

  override processMessage(msg: Message): void {
    if (msg.type !== "sample" && msg.type !== "param" && msg.type !== "plate") return;
    msg.scale = mulScale(this.scale, msg.scale);
  }
}

/**
 * Rescales log densities (NumPyro's `handlers.scale`), e.g. for minibatches or tempering.
 * @param scale - a positive number, or a tensor broadcastable with the sites' batch shapes.
 * @throws HandlerError when a numeric scale is not positive.
 * @example
 * trace(scale(() => sample("x", new Normal(0, 1), { obs: 0 }), 2)).getTrace().get("x")?.scale; // → 2
 */
export const scale = /* @__PURE__ */ defineHandler((s: Tensor | number) => new Scale(s), 1);
