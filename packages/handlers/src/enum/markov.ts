import { HandlerError } from "../internal/errors.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** Options of {@link markov}. */
export interface MarkovOptions {
  /** How many previous steps a step's sites may depend on (default 1, a first-order chain). */
  history?: number;
}

/**
 * One step of one `markov` context, as recorded on the sample sites inside it (`msg.infer.markovFrames`,
 * outermost context first). The enumeration handler reads these frames to reuse enumeration dimensions.
 */
export interface MarkovFrame {
  /** The context that owns this step. */
  readonly owner: MarkovMessenger;
  /** The step index inside that context. */
  readonly step: number;
}

/**
 * The messenger behind {@link markov}: tags every sample site with the current step of this context, so that
 * enumeration knows which earlier enumerated sites a site may still depend on (the last `history` steps)
 * and can give the others' dimensions to new sites. Without enumeration it changes nothing.
 */
export class MarkovMessenger extends Messenger {
  /** Steps a site may look back. */
  readonly history: number;
  /** The current step (incremented by the iterable form of {@link markov}). */
  step = 0;
  /** True once the context has been left: its sites are out of scope for later ones. */
  closed = false;

  constructor(options: MarkovOptions = {}) {
    super();
    const h = options.history ?? 1;
    if (!Number.isInteger(h) || h < 0) {
      throw new HandlerError(
        "bad-markov-history",
        `markov: history must be a non-negative integer, got ${h}.`,
      );
    }
    this.history = h;
  }

  override processMessage(msg: Message): void {
    if (msg.type !== "sample") return;
    const frames = (msg.infer.markovFrames as MarkovFrame[] | undefined) ?? [];
    // processMessage runs innermost handler first: put this (outer) context in front.
    msg.infer.markovFrames = [{ owner: this, step: this.step }, ...frames];
  }

  override exit(): void {
    this.closed = true;
    super.exit();
  }
}

/** True when an earlier site tagged `earlier` is still visible (may be a parent) from a site tagged `later`. */
export function markovVisible(earlier: readonly MarkovFrame[], later: readonly MarkovFrame[]): boolean {
  for (const fa of earlier) {
    const fs = later.find((f) => f.owner === fa.owner);
    if (fs === undefined) return false;
    const lag = fs.step - fa.step;
    if (lag < 0 || lag > fa.owner.history) return false;
  }
  return true;
}

/**
 * A Markov context (NumPyro's `markov`): sites in step `t` may depend only on sites of steps `t − history … t`
 * (and on sites outside the context), so enumeration can reuse the dimensions of older steps and an HMM of
 * length T costs O(T·K²) instead of Kᵀ.
 *
 * Two forms: `markov(iterable, options)` is a generator for a plain loop, each item one step
 * (`for (const t of markov(range))`); `markov(fn, options)` runs `fn` as a single step (for recursive models).
 *
 * @param body - an iterable of steps, or a function run as one step.
 * @param options - `history` (default 1).
 * @returns the generator over the iterable's items, or what `fn` returns.
 * @example
 * const steps: number[] = [];
 * for (const t of markov([0, 1, 2])) steps.push(t);
 * steps; // → [0, 1, 2]
 */
export function markov<T>(body: Iterable<T>, options?: MarkovOptions): Generator<T, void, undefined>;
export function markov<R>(body: () => R, options?: MarkovOptions): R;
export function markov<T, R>(
  body: Iterable<T> | (() => R),
  options: MarkovOptions = {},
): Generator<T, void, undefined> | R {
  const m = new MarkovMessenger(options);
  if (typeof body === "function") return m.run(body);
  return markovSteps(m, body);
}

function* markovSteps<T>(m: MarkovMessenger, items: Iterable<T>): Generator<T, void, undefined> {
  m.enter();
  try {
    let first = true;
    for (const item of items) {
      if (!first) m.step++;
      first = false;
      yield item;
    }
  } finally {
    m.exit();
  }
}
