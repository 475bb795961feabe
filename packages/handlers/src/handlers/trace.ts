import { HandlerError } from "../internal/errors.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** An execution trace: every named site in execution order, keyed by name. */
export type Trace = Map<string, Message>;

/**
 * Records every named message (samples, params, deterministics, plates, subsample) after all
 * handlers below it have acted, in execution order. Sample and deterministic site names must
 * be unique.
 */
export class TraceMessenger extends Messenger {
  /** The recorded trace; reset by each `run`. */
  trace: Trace = new Map();

  override run<R>(fn: () => R): R {
    this.trace = new Map();
    return super.run(fn);
  }

  override postprocessMessage(msg: Message): void {
    if (msg.name === "") return;
    if ((msg.type === "sample" || msg.type === "deterministic") && this.trace.has(msg.name)) {
      throw new HandlerError(
        "duplicate-site",
        `${msg.type}("${msg.name}"): a site named "${msg.name}" already exists in this trace. ` +
          `Every sample and deterministic site needs a unique name; inside a loop, add the index ` +
          `(\`x_\${t}\`) or use scope(…, "prefix").`,
      );
    }
    this.trace.set(msg.name, msg.copy());
  }

  /**
   * Runs `fn` under this handler and returns the trace.
   * @param fn - the body.
   * @returns the ordered trace.
   */
  getTrace(fn: () => unknown): Trace {
    this.run(fn);
    return this.trace;
  }
}

/** A model wrapped by `trace`: callable like the model, plus `getTrace(...args)`. */
export interface TracedModel<A extends unknown[], R> {
  (...args: A): R;
  /**
   * Runs the model once and returns its ordered trace.
   * @param args - the model's arguments.
   */
  getTrace(...args: A): Trace;
}

/**
 * Records the model's sites (NumPyro's `handlers.trace`). Wrapper form:
 * `trace(model).getTrace(...args)` returns a `Map` from site name to message in execution
 * order. Scope form: `const tr = trace(); tr.run(() => …); tr.trace`.
 * @throws HandlerError (`duplicate-site`) when two sample/deterministic sites share a name.
 * @example
 * const tr = trace(seed(() => sample("x", new Normal(0, 1)), key(0))).getTrace();
 * [...tr.keys()]; // → ["x"]
 */
export function trace(): TraceMessenger;
export function trace<A extends unknown[], R>(model: (...args: A) => R): TracedModel<A, R>;
export function trace<A extends unknown[], R>(model?: (...args: A) => R): TraceMessenger | TracedModel<A, R> {
  if (model === undefined) return new TraceMessenger();
  const traced = ((...args: A): R => new TraceMessenger().run(() => model(...args))) as TracedModel<A, R>;
  traced.getTrace = (...args: A): Trace => new TraceMessenger().getTrace(() => model(...args));
  return traced;
}
