import { HandlerError } from "./internal/errors.js";
import type { Message } from "./message.js";
import { handlerStack } from "./stack.js";

/**
 * Base class of every effect handler (NumPyro's `Messenger`). A subclass overrides one or both
 * hooks: `processMessage` (on the way down, before the default action) and
 * `postprocessMessage` (on the way up, after it). `run(fn)` pushes the handler, calls `fn`,
 * and pops the handler — and, when `fn` throws, every handler pushed above it — in a
 * `finally`, so a failing model never leaves the stack dirty.
 *
 * @example
 * class CountSamples extends Messenger {
 *   count = 0;
 *   override processMessage(msg: Message): void { if (msg.type === "sample") this.count++; }
 * }
 * const c = new CountSamples();
 * c.run(() => sample("x", new Normal(0, 1), { obs: 0 }));
 * c.count; // → 1
 */
export class Messenger {
  /** Called for each message on its way down the stack (innermost handler first). */
  processMessage(_msg: Message): void {}

  /** Called for each message on its way back up (outermost handler first), after the default action. */
  postprocessMessage(_msg: Message): void {}

  /** Pushes this handler; prefer `run`. @internal */
  enter(): void {
    handlerStack.push(this);
  }

  /**
   * Pops this handler and anything above it (left by a body that threw). @internal
   * @throws HandlerError if this handler is not on the stack.
   */
  exit(): void {
    const i = handlerStack.lastIndexOf(this);
    if (i < 0) {
      throw new HandlerError(
        "stack-corrupted",
        `${this.constructor.name}.exit(): the handler is not on the stack; was it popped twice?`,
      );
    }
    handlerStack.length = i;
  }

  /**
   * Runs `fn` with this handler active.
   * @param fn - the body: a model call or any block of code using primitives.
   * @returns what `fn` returns.
   * @example
   * const tr = trace();
   * tr.run(() => sample("x", new Normal(0, 1), { obs: 0 }));
   * [...tr.trace.keys()]; // → ["x"]
   */
  run<R>(fn: () => R): R {
    this.enter();
    let result: R;
    try {
      result = fn();
    } finally {
      this.exit();
    }
    if (isThenable(result)) {
      // The model's code after its first `await` would run with no handlers (or another run's): refuse it,
      // and keep its later rejection from becoming an unhandled one.
      result.then(undefined, () => {});
      throw new HandlerError(
        "async-model",
        "A model (or a function run under a handler) returned a Promise: Phlox models must be synchronous, " +
          "because seed, trace, substitute and the other handlers are active only while the model runs. " +
          "Remove `async` from the model and `await` its inputs (data loading) before calling MCMC, SVI or Predictive.",
      );
    }
    return result;
  }
}

/** True for a Promise or any object with a `then` method. */
function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    typeof (x as { then?: unknown }).then === "function"
  );
}
