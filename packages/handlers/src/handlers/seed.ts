import { CONTROL_FLOW } from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import { type Key, makeKey, split2 } from "../internal/ops.js";
import type { Message, MessageType } from "../message.js";
import { Messenger } from "../messenger.js";

/** Options of {@link seed}. */
export interface SeedOptions {
  /** Message types this seed must not give keys to. */
  hideTypes?: readonly MessageType[];
}

/**
 * Gives each `sample`, `plate` and `prngKey` message that has neither a value nor a key a fresh
 * key, splitting its own key each time (NumPyro's `handlers.seed`).
 */
export class Seed extends Messenger {
  /** The current key; advanced by one split per site. */
  key: Key;
  readonly hideTypes: readonly MessageType[];

  constructor(rngSeed: Key | number, options: SeedOptions = {}) {
    super();
    this.key = typeof rngSeed === "number" ? makeKey(rngSeed) : rngSeed;
    this.hideTypes = options.hideTypes ?? [];
  }

  override processMessage(msg: Message): void {
    const t = msg.type;
    if (t === CONTROL_FLOW) {
      // a model-level scan: one key for the whole loop, split per step inside it
      if (msg.key === null) {
        const [next, sub] = split2(this.key);
        this.key = next;
        msg.key = sub;
      }
      return;
    }
    if (t !== "sample" && t !== "prngKey" && t !== "plate") return;
    if (this.hideTypes.includes(t)) return;
    if (msg.key !== null || msg.value !== null) return;
    const [next, sub] = split2(this.key);
    this.key = next;
    msg.key = sub;
  }
}

/**
 * Seeds a model: every unobserved draw gets a key derived from `rngSeed`, deterministically in
 * program order. The wrapped model builds a fresh `Seed` per call, so it draws the same values
 * each time it is called with the same arguments.
 * @param rngSeed - a PRNG key (`key(0)`) or an integer seed.
 * @param options - `hideTypes`: message types that get no key.
 * @example
 * const m = () => sample("x", new Normal(0, 1));
 * seed(m, 0)().item() === seed(m, 0)().item(); // → true
 */
export const seed = /* @__PURE__ */ defineHandler(
  (rngSeed: Key | number, options?: SeedOptions) => new Seed(rngSeed, options),
  1,
);
