import type { Distribution } from "@phlox/distributions";
import { Mask } from "../handlers/mask.js";
import { HandlerError, ShapeError } from "../internal/errors.js";
import {
  asTensor,
  type Key,
  logicalNot,
  reshape,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";
import { fmtShape, isDistribution, tryBroadcastShapes } from "../internal/util.js";
import { type InferConfig, Message } from "../message.js";
import { applyStack, stackIsEmpty } from "../stack.js";
import { deterministic } from "./deterministic.js";

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Observed value; makes the site observed. `undefined` (or `null`) means latent. */
  obs?: TensorLike | null;
  /**
   * Bool mask broadcastable with the distribution's batch shape: `true` entries are observed
   * from `obs`, `false` entries are imputed from sites `<name>_unobserved` (missing data).
   */
  obsMask?: Tensor | null;
  /** Extra leading dimensions to draw. */
  sampleShape?: readonly number[];
  /** Hints for inference algorithms (`msg.infer`). */
  infer?: InferConfig;
  /** A key for this draw; used when no `seed` handler gives one. */
  rngKey?: Key | null;
}

function checkObsShape(msg: Message, obs: Tensor): void {
  const fn = msg.fn;
  if (fn === null) return;
  const ev = fn.eventShape;
  const expected = [...msg.sampleShape, ...fn.batchShape, ...ev];
  // Under enumeration the distribution carries the enumerated dimensions, which the data need not have.
  const enumDims = msg.infer.enumDims as readonly { dim: number }[] | undefined;
  if (enumDims !== undefined) {
    for (const { dim } of enumDims) {
      const i = expected.length - ev.length + dim;
      if (i >= 0) expected[i] = 1;
    }
    while (expected.length > ev.length && expected[0] === 1 && expected.length > obs.shape.length)
      expected.shift();
  }
  const s = obs.shape;
  const evOk = s.length >= ev.length && ev.every((d, i) => s[s.length - ev.length + i] === d);
  const b = evOk ? tryBroadcastShapes(s, expected) : null;
  const plates = msg.condIndepStack.map((f) => `plate("${f.name}", ${f.size})`).join(" > ");
  const same = (x: readonly number[], y: readonly number[]) =>
    x.length === y.length && x.every((d, i) => d === y[i]);
  if (b !== null && same(b, s) && (plates === "" || same(s, expected))) return;
  if (b !== null && !same(b, s)) {
    // NumPyro broadcasts the observation up to the distribution's shape, counting each value several times.
    throw new ShapeError(
      "obs-shape",
      `sample("${msg.name}")${plates ? ` inside ${plates}` : ""}: observed value of shape ${fmtShape(s)} is smaller ` +
        `than the distribution's shape ${fmtShape(expected)}, so each value would be counted ${
          expected.reduce((a, d) => a * d, 1) /
          Math.max(
            1,
            s.reduce((a, d) => a * d, 1),
          )
        } times. Pass data of shape ${fmtShape(expected)} (broadcast it explicitly, e.g. obs.broadcastTo(${fmtShape(expected)}), if that is what you mean).`,
    );
  }
  if (b !== null) {
    // Inside plates every batch dimension must be a declared one: extra ones would count data the plates do not know.
    throw new ShapeError(
      "obs-shape",
      `sample("${msg.name}") inside ${plates}: observed value of shape ${fmtShape(s)} has dimensions the plates do not ` +
        `declare; the site's shape is ${fmtShape(expected)} (batch ${fmtShape(fn.batchShape)}, event ${fmtShape(ev)}). ` +
        `Pass data of shape ${fmtShape(expected)}, or add a plate for each extra dimension.`,
    );
  }
  throw new ShapeError(
    "obs-shape",
    `sample("${msg.name}")${plates ? ` inside ${plates}` : ""}: observed value of shape ${fmtShape(s)} does not ` +
      `match the distribution's shape ${fmtShape(expected)} (batch ${fmtShape(fn.batchShape)}, event ${fmtShape(ev)}). ` +
      `Pass data of shape ${fmtShape(expected)}${plates ? ", or check the plate sizes" : ""}.`,
  );
}

/**
 * Declares a random variable (NumPyro's `sample`): returns a draw from `dist`, or the observed
 * value, or whatever the enclosing handlers decide (substituted, replayed, conditioned …).
 * With no handler active it just draws (with `rngKey`) or returns `obs`.
 *
 * @param name - the site name, unique within a model run.
 * @param dist - the distribution.
 * @param options - `obs`, `obsMask`, `sampleShape`, `infer`, `rngKey`.
 * @returns a tensor of shape `[...sampleShape, ...batchShape, ...eventShape]` (batch shape
 *   after plate broadcasting).
 * @throws HandlerError (`missing-key`) when a draw is needed but no key is available.
 * @throws ShapeError (`obs-shape`) when `obs` does not fit the distribution's shape.
 * @throws HandlerError (`not-a-distribution`) when `dist` is not a distribution.
 * @example
 * sample("x", new Normal(0, 1), { obs: 0.5 }).item(); // → 0.5
 * sample("x", new Normal(0, 1), { rngKey: key(0) }).shape; // → []
 */
export function sample(name: string, dist: Distribution, options: SampleOptions = {}): Tensor {
  if (!isDistribution(dist)) {
    throw new HandlerError(
      "not-a-distribution",
      `sample("${name}", …): the second argument must be a Distribution (with sample, logProb and batchShape), ` +
        `got ${dist === null ? "null" : typeof dist}. For a fixed value use deterministic("${name}", value).`,
    );
  }
  const obs = options.obs === undefined || options.obs === null ? null : asTensor(options.obs);
  const sampleShape = options.sampleShape ?? [];
  if (stackIsEmpty()) {
    if (obs !== null) {
      const msg = new Message("sample", name);
      msg.fn = dist;
      msg.sampleShape = sampleShape;
      checkObsShape(msg, obs);
      if (options.obsMask === undefined || options.obsMask === null) return obs;
    } else {
      const k = options.rngKey ?? null;
      if (k === null) {
        throw new HandlerError(
          "missing-key",
          `sample("${name}") needs a PRNG key to draw a value, but none was provided. ` +
            `Run the model under seed(model, key(0)), or pass { rngKey: key(0) }.`,
        );
      }
      return dist.sample(k, sampleShape);
    }
  }
  if (options.obsMask !== undefined && options.obsMask !== null) {
    return maskedObserve(name, dist, obs, options.obsMask, options);
  }
  const msg = new Message("sample", name);
  msg.fn = dist;
  msg.value = obs;
  msg.isObserved = obs !== null;
  msg.sampleShape = sampleShape;
  msg.key = options.rngKey ?? null;
  if (options.infer !== undefined) msg.infer = { ...options.infer };
  applyStack(msg);
  const value = msg.value as Tensor | null;
  if (value === null) {
    throw new HandlerError("no-value", `sample("${name}"): no handler produced a value.`);
  }
  if (msg.isObserved && msg.type === "sample") checkObsShape(msg, value);
  return value;
}

/**
 * NumPyro's `_masked_observe`: observed entries go to `<name>_observed`, the rest are imputed
 * by `<name>_unobserved`, and the two are interleaved in the deterministic site `<name>`.
 */
function maskedObserve(
  name: string,
  dist: Distribution,
  obs: Tensor | null,
  obsMask: Tensor,
  options: SampleOptions,
): Tensor {
  if (obs === null) {
    throw new HandlerError("obs-mask-without-obs", `sample("${name}"): obsMask was given without obs.`);
  }
  const rest = { infer: options.infer, rngKey: options.rngKey };
  // The imputed values are drawn first and fill the missing entries of `obs` (often NaN, NumPyro's usual
  // form) before they reach the observed site: masked out, they add nothing to the log density, and being
  // in the support they keep its gradient finite (a NaN there would poison it through the mask's zero).
  const unobserved = new Mask(logicalNot(obsMask)).run(() => sample(`${name}_unobserved`, dist, rest));
  const eventDim = dist.eventShape.length;
  const batchMask = reshape(obsMask, [...obsMask.shape, ...new Array<number>(eventDim).fill(1)]);
  const filled = where(batchMask, obs, unobserved);
  new Mask(obsMask).run(() => sample(`${name}_observed`, dist, { ...rest, obs: filled }));
  return deterministic(name, filled);
}
