import type { Messenger } from "./messenger.js";

/**
 * A handler function made by {@link defineHandler}. Called with a model first, it returns the
 * handled model: a function with the model's signature that builds a fresh handler for every
 * call (so a wrapped model holds no hidden state — `seed(model, k)` draws the same values on
 * every call). Called without a model, it returns the handler itself, whose `run(fn)` handles
 * one block of code.
 */
export interface HandlerFactory<P extends unknown[], H extends Messenger> {
  /** Wrapper form: `h(model, ...params)` returns the handled model. */
  <A extends unknown[], R>(model: (...args: A) => R, ...params: P): (...args: A) => R;
  /** Scope form: `h(...params).run(() => …)`. */
  (...params: P): H;
}

/**
 * Turns a handler constructor into a lowercase handler function usable both as a wrapper,
 * `h(model, ...params)`, and as a scope, `h(...params).run(() => …)`.
 *
 * The two forms are told apart by the first argument: it is the model when it is a function
 * *and* more arguments were passed than the handler's `required` parameter count. A handler
 * whose first parameter may itself be a function (`substitute`, `condition`, `block`'s
 * `hideFn` option, …) therefore declares it as required, or takes it inside an options object.
 *
 * @param make - builds the handler from its parameters; called once per wrapped call.
 * @param required - how many of the handler's parameters are required (not optional).
 * @returns the handler function.
 * @example
 * class Twice extends Messenger {
 *   override postprocessMessage(msg: Message): void {
 *     if (msg.type === "sample" && msg.value !== null) msg.value = msg.value.mul(2);
 *   }
 * }
 * const twice = defineHandler(() => new Twice(), 0);
 * twice(() => sample("x", new Normal(0, 1), { obs: 1 }))().item(); // → 2
 * twice().run(() => sample("x", new Normal(0, 1), { obs: 1 })).item(); // → 2
 */
export function defineHandler<P extends unknown[], H extends Messenger>(
  make: (...params: P) => H,
  required: number,
): HandlerFactory<P, H> {
  function handler(...all: unknown[]): unknown {
    const first = all[0];
    if (typeof first === "function" && all.length > required) {
      const model = first as (...args: unknown[]) => unknown;
      const params = all.slice(1) as P;
      const handled = (...args: unknown[]): unknown => make(...params).run(() => model(...args));
      Object.defineProperty(handled, "name", {
        value: `${make.name || "handled"}(${model.name || "model"})`,
      });
      return handled;
    }
    return make(...(all as P));
  }
  return handler as HandlerFactory<P, H>;
}
