import type { Distribution } from "@phlox/distributions";
import { defineHandler } from "../define-handler.js";
import { isDistribution } from "../internal/util.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/**
 * Turns `param` sites into `sample` sites with a prior (NumPyro's `handlers.lift`); a param read
 * twice returns the first draw.
 */
export class Lift extends Messenger {
  private cache = new Map<string, Message>();

  constructor(readonly prior: Distribution | Readonly<Record<string, Distribution>>) {
    super();
  }

  override run<R>(fn: () => R): R {
    this.cache = new Map();
    try {
      return super.run(fn);
    } finally {
      this.cache = new Map();
    }
  }

  override processMessage(msg: Message): void {
    if (msg.type !== "param") return;
    const p = this.prior;
    const fn = isDistribution(p) ? p : Object.hasOwn(p, msg.name) ? p[msg.name] : undefined;
    if (fn === undefined) return;
    msg.type = "sample";
    msg.fn = fn;
    msg.init = null;
    msg.constraint = undefined;
    msg.eventDim = null;
    msg.sampleShape = [];
    const cached = this.cache.get(msg.name);
    if (cached !== undefined) {
      msg.value = cached.value;
      msg.isObserved = true;
      msg.stop = true;
    } else {
      this.cache.set(msg.name, msg);
      msg.isObserved = false;
    }
  }
}

/**
 * Lifts params to random variables (NumPyro's `handlers.lift`).
 * @param prior - one distribution for every param, or distributions by param name.
 * @example
 * seed(lift(() => param("w", tensor(0)), new Normal(0, 1)), 0)().item() !== 0; // → true
 */
export const lift = /* @__PURE__ */ defineHandler(
  (prior: Distribution | Readonly<Record<string, Distribution>>) => new Lift(prior),
  1,
);
