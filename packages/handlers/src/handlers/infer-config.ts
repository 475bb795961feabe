import { addScanHandler, CONTROL_FLOW } from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import type { InferConfig, Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** Merges `configFn(msg)` into the `infer` field of every sample site (NumPyro's `handlers.infer_config`). */
export class InferConfigMessenger extends Messenger {
  constructor(readonly configFn: (msg: Message) => InferConfig) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      // the sites inside a scan body get the configuration too (NumPyro applies config_enumerate in scan)
      addScanHandler(msg, () => new InferConfigMessenger(this.configFn));
      return;
    }
    if (msg.type !== "sample") return;
    msg.infer = { ...msg.infer, ...this.configFn(msg) };
  }
}

/**
 * Sets inference hints on sample sites (NumPyro's `handlers.infer_config`).
 * @param configFn - returns the hints to merge into `msg.infer`.
 * @example
 * const m = inferConfig(() => sample("x", new Normal(0, 1), { obs: 0 }), () => ({ tag: 1 }));
 * trace(m).getTrace().get("x")?.infer.tag; // → 1
 */
export const inferConfig = /* @__PURE__ */ defineHandler(
  (configFn: (msg: Message) => InferConfig) => new InferConfigMessenger(configFn),
  1,
);
