import { ConstraintError, PhloxError } from "@phlox/tensor";

/**
 * Options of one `MCMC.run` / `MCMC.warmup` call, passed as the last argument after the model's arguments.
 * They are wrapped by {@link runOptions} so that the driver can tell them from a model argument that happens
 * to be a plain object: `mcmc.run(key, x, y, runOptions({ signal }))`.
 */

/** What {@link runOptions} accepts. */
export interface RunOptionsInit {
  /**
   * Stops the run when aborted: sequential and vectorized chains stop at the next yield (at most ~20 ms of
   * work later), worker chains are terminated. `run` then rejects with a `PhloxError` of code
   * `"mcmc-aborted"` (its `cause` is the signal's reason); the MCMC object keeps its previous draws and
   * can run again.
   */
  signal?: AbortSignal;
  /**
   * Wall-clock limit of each worker chain in milliseconds (`chainMethod: "parallel"`): a chain still running
   * after it is terminated and reported as failed, by index, in the `ChainError`. Default: no limit.
   */
  chainTimeoutMs?: number;
  /**
   * When resuming from `postWarmupState`: keep each chain's own random generator from that state instead of
   * reseeding it from the run's key (NumPyro's `mcmc.run(mcmc.post_warmup_state.rng_key)`), so the chains
   * continue bit for bit as one longer run would. Default false: the key reseeds the chains, as in NumPyro.
   */
  continueChains?: boolean;
}

const BRAND: unique symbol = Symbol("phlox.mcmc.RunOptions");

/** Options of one run (build with {@link runOptions}). */
export class RunOptions {
  readonly [BRAND] = true;
  /** See {@link RunOptionsInit.signal}. */
  readonly signal?: AbortSignal;
  /** See {@link RunOptionsInit.chainTimeoutMs}. */
  readonly chainTimeoutMs?: number;
  /** See {@link RunOptionsInit.continueChains}. */
  readonly continueChains: boolean;
  /**
   * @param init - the options.
   * @throws ConstraintError (a PhloxError) for a `chainTimeoutMs` that is not a positive number; TypeError for a non-signal.
   */
  constructor(init: RunOptionsInit = {}) {
    const t = init.chainTimeoutMs;
    if (t !== undefined && !(typeof t === "number" && t > 0)) {
      throw new ConstraintError(
        "chain-timeout",
        `runOptions: chainTimeoutMs must be a number > 0 (milliseconds), got ${String(t)}.`,
      );
    }
    if (init.signal !== undefined && typeof init.signal?.aborted !== "boolean") {
      throw new PhloxError(
        "bad-abort-signal",
        "runOptions: signal must be an AbortSignal (e.g. AbortSignal.timeout(60_000)).",
      );
    }
    this.signal = init.signal;
    this.chainTimeoutMs = t;
    this.continueChains = init.continueChains === true;
  }
}

/**
 * Wraps the options of one run, to pass after the model's arguments.
 * @example
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 60_000);
 * await mcmc.run(0, data, runOptions({ signal: controller.signal }));
 */
export function runOptions(init: RunOptionsInit = {}): RunOptions {
  return new RunOptions(init);
}

/** Splits `run(key, ...args)`'s rest arguments into the model's arguments and a trailing {@link RunOptions}. */
export function splitRunArgs(args: readonly unknown[]): { modelArgs: unknown[]; options: RunOptions } {
  const last = args[args.length - 1];
  if (last instanceof RunOptions) return { modelArgs: args.slice(0, -1), options: last };
  for (const a of args) {
    if (a instanceof RunOptions) {
      throw new PhloxError(
        "run-options-position",
        "MCMC.run: runOptions(...) must be the last argument, after the model's arguments.",
      );
    }
  }
  return { modelArgs: [...args], options: new RunOptions() };
}

/** Lets the event loop run (timers, I/O, an abort) between slices of synchronous sampling. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((r) => setImmediate(r));
  if (typeof MessageChannel === "function") {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}
