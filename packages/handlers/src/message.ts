import type { Distribution } from "@phlox/distributions";
import type { Key, Tensor } from "@phlox/tensor";

/**
 * The kinds of effect a primitive can send through the handler stack. `sample`, `param`,
 * `deterministic`, `plate`, `subsample`, `prngKey` and `inspect` come from this package; a
 * third-party primitive may use its own string.
 */
export type MessageType =
  | "sample"
  | "param"
  | "deterministic"
  | "plate"
  | "subsample"
  | "prngKey"
  | "inspect"
  | (string & {});

/**
 * One enclosing plate as a site sees it: its name, the batch dimension it owns (negative,
 * counted from the right of the batch shape) and its (subsampled) size.
 */
export interface CondIndepStackFrame {
  readonly name: string;
  readonly dim: number;
  readonly size: number;
}

/**
 * Free-form hints for inference algorithms attached to a site (NumPyro's `infer` dict):
 * `isAuxiliary` marks `factor` sites, `wasObserved`/`obs` are set by `uncondition`,
 * `blockPlates` lists plates that must not broadcast the site, `initValue` is read by
 * init strategies. Other keys are passed through untouched.
 */
export interface InferConfig {
  isAuxiliary?: boolean;
  wasObserved?: boolean;
  obs?: Tensor;
  blockPlates?: readonly string[];
  [key: string]: unknown;
}

/** What a `param` site's initial value may be: a value, or a function of a PRNG key. */
export type ParamInit = Tensor | ((key: Key) => Tensor);

/**
 * The message a primitive sends through the handler stack: NumPyro's message dict as a class
 * whose every field is set in the constructor (one hidden class). Handlers read and rewrite it
 * in `processMessage` (top of the stack first) and `postprocessMessage` (bottom first).
 *
 * Fields: `type`, `name`, `fn` (the distribution of a sample site), `init` (a param site's initial
 * value or initialiser), `value` (the drawn,
 * observed, substituted or deterministic value; `null` until set), `scale` (multiplies the
 * site's log density; `null` means 1), `isObserved`, `mask` (only used by `inspect`),
 * `condIndepStack` (enclosing plates, innermost last), `infer`, `stop` (no handler above this
 * one sees the message), `done` (skip the default action: the value is final), and what
 * NumPyro keeps in `kwargs`: `key` (the PRNG key for the default action), `sampleShape`,
 * `constraint` and `eventDim` (of `param` and `subsample`), `args` (extra arguments of `fn`,
 * such as a plate's `[size, subsampleSize]`).
 *
 * @example
 * const msg = new Message("deterministic", "theta");
 * msg.isObserved; // → false
 */
export class Message {
  type: MessageType;
  name: string;
  fn: Distribution | null;
  init: ParamInit | null;
  args: number[];
  value: Tensor | null;
  scale: Tensor | number | null;
  isObserved: boolean;
  mask: Tensor | boolean | null;
  condIndepStack: CondIndepStackFrame[];
  infer: InferConfig;
  stop: boolean;
  done: boolean;
  key: Key | null;
  sampleShape: readonly number[];
  constraint: unknown;
  eventDim: number | null;
  /** Distinguishes the interventions of nested `do` handlers; internal. */
  intervenerId: number;

  /**
   * @param type - the effect kind.
   * @param name - the site name (empty for anonymous messages such as `prngKey`).
   */
  constructor(type: MessageType, name: string) {
    this.type = type;
    this.name = name;
    this.fn = null;
    this.init = null;
    this.args = [];
    this.value = null;
    this.scale = null;
    this.isObserved = false;
    this.mask = null;
    this.condIndepStack = [];
    this.infer = {};
    this.stop = false;
    this.done = false;
    this.key = null;
    this.sampleShape = [];
    this.constraint = undefined;
    this.eventDim = null;
    this.intervenerId = 0;
  }

  /**
   * A shallow copy (the plate stack and `infer` are copied one level deep), as `trace`
   * records it and `do` replays it.
   * @returns a new message with the same fields.
   */
  copy(): Message {
    const m = new Message(this.type, this.name);
    m.fn = this.fn;
    m.init = this.init;
    m.args = this.args.slice();
    m.value = this.value;
    m.scale = this.scale;
    m.isObserved = this.isObserved;
    m.mask = this.mask;
    m.condIndepStack = this.condIndepStack.slice();
    m.infer = { ...this.infer };
    m.stop = this.stop;
    m.done = this.done;
    m.key = this.key;
    m.sampleShape = this.sampleShape;
    m.constraint = this.constraint;
    m.eventDim = this.eventDim;
    m.intervenerId = this.intervenerId;
    return m;
  }
}
