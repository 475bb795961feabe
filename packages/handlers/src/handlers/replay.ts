import { defineHandler } from "../define-handler.js";
import { HandlerError } from "../internal/errors.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import type { Trace } from "./trace.js";

/**
 * Replays the values of unobserved sample sites (and plate indices) from a recorded trace
 * (NumPyro's `handlers.replay`), typically a guide's trace replayed into the model.
 */
export class Replay extends Messenger {
  constructor(readonly trace: Trace) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type !== "sample" && msg.type !== "plate") return;
    const site = this.trace.get(msg.name);
    if (site === undefined) return;
    if (msg.type === "plate") {
      if (site.type !== "plate") {
        throw new HandlerError(
          "replay-type",
          `replay: site "${msg.name}" is a plate in the model but a ${site.type} in the trace.`,
        );
      }
      msg.value = site.value;
      return;
    }
    if (msg.isObserved) return;
    if (site.type !== "sample" || site.isObserved) {
      throw new HandlerError(
        "replay-type",
        `replay: site "${msg.name}" is a latent sample in the model but ${site.type === "sample" ? "observed" : `a ${site.type}`} in the trace; only latent sample sites can be replayed.`,
      );
    }
    msg.value = site.value;
    msg.infer = { ...site.infer };
  }
}

/**
 * Replays sampled values from `trace` (NumPyro's `handlers.replay`).
 * @param trace - a trace from {@link trace}.
 * @throws HandlerError when a site's type differs between model and trace.
 * @example
 * const model = () => sample("x", new Normal(0, 1));
 * const tr = trace(seed(model, 0)).getTrace();
 * trace(seed(replay(model, tr), 1)).getTrace().get("x").value === tr.get("x").value; // → true
 */
export const replay = /* @__PURE__ */ defineHandler((trace: Trace) => new Replay(trace), 1);
