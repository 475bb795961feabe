import type { Distribution } from "@phlox/distributions";
import type { Tensor } from "@phlox/tensor";
import { addScanHandler, CONTROL_FLOW, isScannedSite } from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** What a {@link Reparam} returns: the new distribution (or `null` to make the site deterministic) and value. */
export interface ReparamResult {
  fn: Distribution | null;
  value: Tensor | null;
}

/**
 * A reparameteriser of one sample site (NumPyro's `infer.reparam.Reparam`). `apply` may emit
 * auxiliary sites with `sample`; it returns either a replacement distribution (and value), or
 * `fn: null` with the value, which turns the site into a deterministic one.
 *
 * @example
 * // A do-nothing reparameteriser:
 * const identityReparam = { apply: (_name, fn, obs) => ({ fn, value: obs }) };
 * reparam(() => sample("x", new Normal(0, 1), { obs: 1 }), { x: identityReparam })().item(); // → 1
 */
export interface Reparam {
  apply(name: string, fn: Distribution, obs: Tensor | null): ReparamResult;
}

/** Reparameterisers by site name, or a function choosing one per message (`null` for none). */
export type ReparamConfig =
  | Readonly<Record<string, Reparam>>
  | ((msg: Message) => Reparam | null | undefined);

/** Applies reparameterisers to sample sites (NumPyro's `handlers.reparam`). */
export class ReparamMessenger extends Messenger {
  constructor(readonly config: ReparamConfig) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type === CONTROL_FLOW) {
      addScanHandler(msg, () => new ReparamMessenger(this.config));
      return;
    }
    if (msg.type !== "sample" || msg.fn === null || isScannedSite(msg)) return;
    const c = this.config;
    const r = typeof c === "function" ? c(msg) : Object.hasOwn(c, msg.name) ? c[msg.name] : undefined;
    if (r === undefined || r === null) return;
    const { fn, value } = r.apply(msg.name, msg.fn, msg.value);
    if (value !== null) {
      if (fn === null) {
        // The site becomes a deterministic function of the auxiliary sites just emitted.
        msg.type = "deterministic";
        msg.value = value;
        msg.fn = null;
        msg.key = null;
        msg.scale = null;
        msg.isObserved = false;
        msg.infer = {};
        return;
      }
      if (msg.value === null) msg.isObserved = true;
      msg.value = value;
    }
    if (fn !== null) msg.fn = fn;
  }
}

/**
 * Reparameterises sample sites (NumPyro's `handlers.reparam`).
 * @param config - `{ siteName: reparam }` or `(msg) => reparam | null`.
 * @example
 * const shift = { apply: (name, fn) => ({ fn: null, value: sample(`${name}_raw`, fn).add(10) }) };
 * const m = reparam(() => sample("x", new Normal(0, 1)), { x: shift });
 * trace(seed(m, 0)).getTrace().get("x").type; // → "deterministic"
 */
export const reparam = /* @__PURE__ */ defineHandler(
  (config: ReparamConfig) => new ReparamMessenger(config),
  1,
);
