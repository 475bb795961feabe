import { HandlerError } from "./internal/errors.js";
import { subsampleIndices } from "./internal/indices.js";
import type { Message } from "./message.js";
import type { Messenger } from "./messenger.js";

const STACK_SYMBOL = Symbol.for("phlox.handlers.stack");

/**
 * The one global handler stack, bottom first. It lives on `globalThis` under
 * `Symbol.for("phlox.handlers.stack")` so that two copies of this package in one bundle share it.
 */
function globalStack(): Messenger[] {
  const g = globalThis as unknown as Record<symbol, Messenger[] | undefined>;
  let s = g[STACK_SYMBOL];
  if (s === undefined) {
    s = [];
    g[STACK_SYMBOL] = s;
  }
  return s;
}

/** @internal The live stack array (bottom first); only `Messenger` and primitives use it. */
export const handlerStack: Messenger[] = /* @__PURE__ */ globalStack();

/**
 * Whether any handler is active. Primitives take their fast path when none is.
 * @returns `true` when the handler stack is non-empty.
 * @example
 * stackIsEmpty(); // → true
 */
export function stackIsEmpty(): boolean {
  return handlerStack.length === 0;
}

/**
 * The default action of a site, run after every handler's `processMessage` unless one of them
 * set `done`: a `sample` site with no value draws from its distribution with `msg.key`; a
 * `param` site takes its initial value (calling an initialiser with `msg.key`); a subsampled `plate` draws its
 * indices with `msg.key`. Other types keep the value they carry.
 * @param msg - the message in flight.
 * @throws HandlerError when a draw is needed and no PRNG key was provided.
 */
export function defaultProcessMessage(msg: Message): void {
  if (msg.value !== null || msg.done) return;
  if (msg.type === "sample") {
    const fn = msg.fn;
    if (fn === null) throw new HandlerError("no-distribution", `sample("${msg.name}") has no distribution.`);
    if (msg.key === null) {
      throw new HandlerError(
        "missing-key",
        `sample("${msg.name}") needs a PRNG key to draw a value, but none was provided. ` +
          `Run the model under seed(model, key(0)), pass { rngKey } to sample, or give the site a value ` +
          `with condition/substitute.`,
      );
    }
    msg.value = fn.sample(msg.key, msg.sampleShape);
  } else if (msg.type === "plate") {
    // A subsampled plate draws its minibatch indices (NumPyro's `_subsample_fn`).
    const [size, subsampleSize] = msg.args;
    if (msg.key === null) {
      throw new HandlerError(
        "missing-key",
        `plate("${msg.name}", ${size}, { subsampleSize: ${subsampleSize} }) needs a PRNG key to draw its ` +
          `subsample; run the model under seed(model, key(0)). (HMC/NUTS do not support subsampling.)`,
      );
    }
    msg.value = subsampleIndices(msg.key, size, subsampleSize);
  } else if (msg.type === "param") {
    const init = msg.init;
    if (typeof init === "function") {
      if (msg.key === null) {
        throw new HandlerError(
          "missing-key",
          `param("${msg.name}") has an initialiser function, which needs a PRNG key. ` +
            `Run the model under seed(model, key(0)), or pass an initial value instead of a function.`,
        );
      }
      msg.value = init(msg.key);
    } else {
      msg.value = init;
    }
  }
}

/**
 * Sends a message through the handler stack (NumPyro's `apply_stack`): each handler's
 * `processMessage` runs from the top of the stack down until one sets `msg.stop`; then the
 * default action (`defaultProcessMessage`) runs unless `msg.done`; then `postprocessMessage`
 * runs from the handler that stopped (or the bottom) back up to the top.
 * @param msg - the message; it is updated in place.
 * @returns the same message.
 * @example
 * applyStack(new Message("deterministic", "x")).name; // → "x"
 */
export function applyStack(msg: Message): Message {
  const stack = handlerStack;
  let stopAt = 0;
  for (let i = stack.length - 1; i >= 0; i--) {
    stopAt = i;
    stack[i].processMessage(msg);
    if (msg.stop) break;
  }
  defaultProcessMessage(msg);
  const top = stack.length;
  for (let i = stopAt; i < top; i++) stack[i].postprocessMessage(msg);
  return msg;
}
