import { defineHandler } from "../define-handler.js";
import { warn } from "../internal/errors.js";
import { asTensor, type TensorLike } from "../internal/ops.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";
import { applyStack } from "../stack.js";

let nextIntervenerId = 1;

/**
 * Intervenes on sample sites (NumPyro's `handlers.do`): the original site still runs (and is
 * recorded under its own name), while the model downstream sees the intervention value through a
 * site renamed `<name>__CF`, observed, that outer handlers do not see.
 */
export class Do extends Messenger {
  private readonly id = nextIntervenerId++;

  constructor(readonly data: Readonly<Record<string, TensorLike>>) {
    super();
  }

  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || msg.intervenerId === this.id || !Object.hasOwn(this.data, msg.name)) return;
    if (msg.intervenerId !== 0) {
      warn(
        "do-multiple",
        `do: intervening on site "${msg.name}" more than once; this is almost certainly not what you want.`,
      );
    }
    msg.intervenerId = this.id;
    // The copy runs through the whole stack again, so drop what the handlers above already added to it.
    const original = msg.copy();
    original.condIndepStack = [];
    original.scale = null;
    applyStack(original);
    msg.value = asTensor(this.data[msg.name]);
    msg.name = `${msg.name}__CF`;
    msg.isObserved = true;
    msg.stop = true;
  }
}

/**
 * Pearl's do-operator on sample sites (NumPyro's `handlers.do`).
 * @param data - intervention values by site name.
 * @example
 * seed(intervene(() => sample("x", new Normal(0, 1)).add(1), { x: 2 }), 0)().item(); // → 3
 */
export const intervene = /* @__PURE__ */ defineHandler(
  (data: Readonly<Record<string, TensorLike>>) => new Do(data),
  1,
);
export { intervene as do };
