import { defineHandler } from "../define-handler.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import { prngKey } from "../primitives/prng-key.js";

/**
 * Turns observed sample sites into latent ones (NumPyro's `handlers.uncondition`): the site is
 * drawn again, and the observation is kept in `msg.infer.obs` with `msg.infer.wasObserved`.
 */
export class Uncondition extends Messenger {
  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || !msg.isObserved) return;
    msg.isObserved = false;
    msg.infer = { ...msg.infer, wasObserved: true, ...(msg.value !== null ? { obs: msg.value } : {}) };
    msg.value = null;
    if (msg.key === null) msg.key = prngKey();
  }
}

/**
 * Makes every observed site latent again (NumPyro's `handlers.uncondition`); run it under
 * `seed` so the sites can be drawn.
 * @example
 * const m = () => sample("y", new Normal(0, 1), { obs: 3 });
 * seed(uncondition(m), 0)().item() !== 3; // → true
 */
export const uncondition = /* @__PURE__ */ defineHandler(() => new Uncondition(), 0);
