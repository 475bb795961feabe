import { defineHandler } from "../define-handler.js";
import type { Message, MessageType } from "../message.js";
import { Messenger } from "../messenger.js";
import { prngKey } from "../primitives/prng-key.js";

/** Which messages {@link block} hides; give at most one field. Nothing given hides everything. */
export interface BlockOptions {
  /** Hide the messages for which this returns true. */
  hideFn?: (msg: Message) => boolean;
  /** Hide these site names. */
  hide?: readonly string[];
  /** Hide every message whose type is not listed. */
  exposeTypes?: readonly MessageType[];
  /** Hide every site whose name is not listed. */
  expose?: readonly string[];
}

/**
 * Hides messages from the handlers outside it (NumPyro's `handlers.block`): a hidden message
 * stops here, so outer handlers (an outer `trace`, `substitute`, …) never see it.
 */
export class Block extends Messenger {
  readonly hideFn: (msg: Message) => boolean;

  constructor(options: BlockOptions = {}) {
    super();
    const { hideFn, hide, exposeTypes, expose } = options;
    if (hideFn !== undefined) this.hideFn = hideFn;
    else if (hide !== undefined) this.hideFn = (m) => hide.includes(m.name);
    else if (exposeTypes !== undefined) this.hideFn = (m) => !exposeTypes.includes(m.type);
    else if (expose !== undefined) this.hideFn = (m) => !expose.includes(m.name);
    else this.hideFn = () => true;
  }

  override processMessage(msg: Message): void {
    if (msg.type === "prngKey" || !this.hideFn(msg)) return;
    msg.stop = true;
    // A hidden draw still needs a key from an outer seed: ask for one before stopping.
    if ((msg.type === "sample" || msg.type === "plate") && msg.value === null && msg.key === null) {
      msg.key = prngKey();
    }
  }
}

/**
 * Blocks messages from reaching outer handlers (NumPyro's `handlers.block`).
 * @param options - `hide`, `expose`, `exposeTypes` or `hideFn`; none hides everything.
 * @example
 * const m = () => { sample("a", new Normal(0, 1), { obs: 0 }); sample("b", new Normal(0, 1), { obs: 0 }); };
 * [...trace(block(m, { hide: ["a"] })).getTrace().keys()]; // → ["b"]
 */
export const block = /* @__PURE__ */ defineHandler((options?: BlockOptions) => new Block(options), 0);
