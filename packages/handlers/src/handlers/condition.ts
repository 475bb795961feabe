import { addScanHandler, CONTROL_FLOW, isScannedSite } from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import { lookUp, perStep, type SiteValues } from "./substitute.js";

let nextTag = 0;

/** Conditions `sample` sites on data: sets their value and marks them observed. */
export class Condition extends Messenger {
  constructor(readonly data: SiteValues) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      const data = this.data;
      const tag = `condition${nextTag++}`;
      addScanHandler(msg, (ctx) => new Condition((m) => perStep(ctx, tag, data, m)));
      return;
    }
    if (msg.type !== "sample" || isScannedSite(msg)) return;
    const v = lookUp(this.data, msg);
    if (v !== null) {
      msg.value = v;
      msg.isObserved = true;
    }
  }
}

/**
 * Conditions a model on observed values (NumPyro's `handlers.condition`).
 * @param data - observed values by site name, or a function `(msg) => value | undefined`.
 * @example
 * trace(condition(() => sample("x", new Normal(0, 1)), { x: 1 })).getTrace().get("x")?.isObserved; // → true
 */
export const condition = /* @__PURE__ */ defineHandler((data: SiteValues) => new Condition(data), 1);
