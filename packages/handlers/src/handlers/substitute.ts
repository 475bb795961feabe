import * as T from "@phlox/tensor";
import {
  addScanHandler,
  CONTROL_FLOW,
  isScannedSite,
  type ScanStepContext,
  stepValue,
} from "../control-flow/scan-context.js";
import { defineHandler } from "../define-handler.js";
import { HandlerError } from "../internal/errors.js";
import { asTensor, type Tensor, type TensorLike } from "../internal/ops.js";
import type { Message } from "../message.js";
import { Messenger } from "../messenger.js";

/** Values by site name, or a function of the message returning a value (or `undefined`/`null` to leave it). */
export type SiteValues =
  | Readonly<Record<string, TensorLike>>
  | ((msg: Message) => TensorLike | null | undefined);

/** @internal looks a site's value up in a record or a function. */
let nextTag = 0;

/** The number of axes a site's value has (at one step of a scan). */
export function siteNdim(msg: Message): number {
  if (msg.type === "sample" && msg.fn !== null)
    return msg.sampleShape.length + msg.fn.batchShape.length + msg.fn.eventShape.length;
  return msg.value === null ? 0 : msg.value.shape.length;
}

/**
 * A lookup inside a scan body: values with a leading time axis are sliced to the current step. A sample
 * site's series shorter than the scan (NumPyro's `contrib.control_flow.scan`) gives its values for the first
 * steps and a fresh draw from the site's distribution for the others.
 */
export function perStep(ctx: ScanStepContext, tag: string, data: SiteValues, msg: Message): Tensor | null {
  const v = lookUp(data, msg);
  if (v === null) return null;
  const nd = siteNdim(msg);
  const id = `${tag}:${msg.name}`;
  if (ctx.length >= 0 && msg.type === "sample" && msg.fn !== null && v.shape.length === nd + 1) {
    const n = v.shape[0] as number;
    if (n > ctx.length)
      throw new HandlerError(
        "scan-substitute-length",
        `scan: the value given for site "${msg.name}" has ${n} steps (shape [${v.shape.join(", ")}]), more than ` +
          `the scan's ${ctx.length}; give at most ${ctx.length}.`,
      );
    if (n < ctx.length) return shorterSeries(ctx, id, v, msg);
  }
  return stepValue(ctx, id, v, nd);
}

/** Step `index` of a series of `n` < `length` values: `v[index]` while index < n, else a fresh draw. */
function shorterSeries(ctx: ScanStepContext, id: string, v: Tensor, msg: Message): Tensor {
  const n = v.shape[0] as number;
  const rest = v.shape.slice(1);
  // padded to the scan's length on the host: the scan passes it as xs, so it must not be a tracer
  let data: T.TypedArray;
  try {
    data = v.dataSync();
  } catch (e) {
    if (!(e instanceof T.ConcretizationError)) throw e;
    throw new HandlerError(
      "scan-substitute-traced",
      `scan: the value for site "${msg.name}" covers ${n} of ${ctx.length} steps and is traced; a series ` +
        "shorter than the scan must be concrete data (or give all steps).",
    );
  }
  const row = rest.reduce((a, b) => a * b, 1);
  const full = new (data.constructor as new (len: number) => T.TypedArray)(ctx.length * row);
  full.set(data);
  const padded = T.tensor(full, { shape: [ctx.length, ...rest], dtype: v.dtype });
  const given = ctx.step(id, padded);
  const key = ctx.drawKey();
  if (key === null)
    throw new HandlerError(
      "missing-key",
      `scan: site "${msg.name}" has values for ${n} of ${ctx.length} steps; the others are drawn, which needs ` +
        "a PRNG key: run the model under seed(model, key(0)).",
    );
  const fresh = (msg.fn as NonNullable<Message["fn"]>).sample(key, msg.sampleShape);
  return T.where(T.lt(ctx.index, n), given, T.cast(fresh, given.dtype));
}

export function lookUp(data: SiteValues, msg: Message): Tensor | null {
  const v =
    typeof data === "function" ? data(msg) : Object.hasOwn(data, msg.name) ? data[msg.name] : undefined;
  if (v === undefined || v === null) return null;
  return asTensor(v);
}

/**
 * Sets the value of `sample`, `param`, `plate` and `deterministic` sites without marking them
 * observed (NumPyro's `handlers.substitute`): a substituted latent still counts as latent.
 */
export class Substitute extends Messenger {
  constructor(readonly data: SiteValues) {
    super();
  }

  override processMessage(msg: Message): void {
    const t = msg.type;
    if (t === CONTROL_FLOW) {
      const data = this.data;
      const tag = `substitute${nextTag++}`;
      addScanHandler(msg, (ctx) => new Substitute((m) => perStep(ctx, tag, data, m)));
      return;
    }
    if (isScannedSite(msg)) return; // applied inside the scan body already
    if (t !== "sample" && t !== "param" && t !== "plate" && t !== "deterministic") return;
    const v = lookUp(this.data, msg);
    if (v !== null) msg.value = v;
  }
}

/**
 * Substitutes site values (NumPyro's `handlers.substitute`).
 * @param data - values by site name, or a function `(msg) => value | undefined`.
 * @example
 * substitute(() => sample("x", new Normal(0, 1)), { x: 2 })().item(); // → 2
 */
export const substitute = /* @__PURE__ */ defineHandler((data: SiteValues) => new Substitute(data), 1);
