import {
  Block,
  type Message,
  Messenger,
  prngKey,
  seed,
  stackIsEmpty,
  substitute,
  type Trace,
  trace,
} from "@phlox/handlers";
import * as T from "@phlox/tensor";
import { type Key, PhloxError, type Tensor, toKey } from "../internal/ops.js";
import { contractFactors, type Elimination } from "./contract.js";
import { enumFactors } from "./enum-factors.js";
import { enumTrace, maxPlateNesting } from "./enum-log-density.js";
import { type Chosen, decodeScanChain } from "./infer-discrete-scan.js";

/** Options of {@link inferDiscrete}. */
export interface InferDiscreteOptions {
  /** 0: the joint MAP values (max-product, Viterbi for HMMs); 1 (default): a posterior draw (forward-filter backward-sample). */
  temperature?: 0 | 1;
  /** The key for `temperature: 1`; default a key from the enclosing `seed` handler. */
  rngKey?: Key | number | readonly [number, number];
  /** The enumeration's first dimension (`−maxPlateNesting − 1`); default found by one run of the model. */
  firstAvailableDim?: number;
}

/** A discrete site's chosen values, over its plates. */
/** Sets the chosen discrete values (substitute-like, for the final run). */
class SetDiscrete extends Messenger {
  constructor(readonly values: ReadonlyMap<string, Tensor>) {
    super();
  }
  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || msg.isObserved) return;
    const v = this.values.get(msg.name);
    if (v !== undefined) msg.value = v;
  }
}

type AnyModel = (...args: never[]) => unknown;

/**
 * Draws the discrete latent sites of a model from their posterior given everything else (NumPyro's
 * `infer_discrete`): the model is run enumerated, tensor variable elimination passes messages forward (sums
 * with `temperature: 1`, maxima with `temperature: 0`), then each discrete site is drawn (or maximised) in
 * reverse elimination order given the ones chosen after it — forward-filter backward-sample, or Viterbi
 * decoding for an HMM. The returned model runs the original once more with those values, so a `trace` of it
 * records them. Substitute the continuous sites (a posterior draw) around it, e.g.
 * `trace(inferDiscrete(substitute(model, draw), { temperature: 0 })).getTrace(data)`. As in NumPyro, the
 * enumerated runs are hidden from handlers outside `inferDiscrete` (only its final run is seen), so values
 * must be substituted or conditioned inside it.
 * @param model - the model; its discrete sites with finite support are enumerated (as `configEnumerate`).
 * @param options - `temperature` (0 or 1, default 1), `rngKey`, `firstAvailableDim`.
 * @returns the model with its discrete sites set.
 * @throws PhloxError (`infer-discrete-key`) when `temperature` is 1 and no key is available.
 * @example
 * const m = () => {
 *   const z = sample("z", new Bernoulli(0.5));
 *   sample("y", new Normal(z.mul(4), 1), { obs: 3.5 });
 * };
 * trace(inferDiscrete(m, { temperature: 0 })).getTrace().get("z").value.item(); // → 1
 */
export function inferDiscrete<A extends unknown[], R>(
  model: (...args: A) => R,
  options: InferDiscreteOptions = {},
): (...args: A) => R {
  const temperature = options.temperature ?? 1;
  if (temperature !== 0 && temperature !== 1) {
    throw new PhloxError(
      "bad-temperature",
      `inferDiscrete: temperature must be 0 or 1, got ${String(temperature)}.`,
    );
  }
  return (...args: A): R => {
    const any = model as unknown as AnyModel;
    // The enumerated runs are hidden from the handlers outside (NumPyro's block()): only the final run is seen.
    const hidden = <X>(f: () => X): X => new Block().run(f);
    const fad =
      options.firstAvailableDim ??
      -maxPlateNesting(hidden(() => trace(seed(model, 0)).getTrace(...args))) - 1;
    const tr = hidden(() => enumTrace(any, args, fad));
    const ef = enumFactors(tr, fad, temperature === 0 ? "max" : "sum");
    const steps: Elimination[] = [];
    contractFactors(ef.factors, ef.sumVars, ef.plates, ef.order, temperature === 0 ? "max" : "sum", (e) =>
      steps.push(e),
    );
    let uniforms: Float64Array | null = null;
    let u = 0;
    let key: Key | null = null;
    if (temperature === 1) {
      let k: Key | null = options.rngKey === undefined ? null : toKey(options.rngKey);
      if (k === null && !stackIsEmpty()) k = prngKey();
      if (k === null) {
        throw new PhloxError(
          "infer-discrete-key",
          "inferDiscrete: temperature 1 draws at random and needs a key; pass { rngKey } or run it under seed(...).",
        );
      }
      key = k;
      const count = steps.reduce((a, s) => a + s.product.t.size, 0);
      uniforms = T.uniform(k, [Math.max(1, count)]).dataSync() as Float64Array;
    }
    const chosen = new Map<string, Chosen>();
    for (let s = steps.length - 1; s >= 0; s--) {
      const { variable, product } = steps[s];
      const data = product.t.dataSync() as Float64Array;
      const labels = product.labels;
      const shape = product.t.shape;
      const vAxis = labels.indexOf(variable);
      const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
      const plateAxes = labels.map((l, i) => (ef.plates.has(l) ? i : -1)).filter((i) => i >= 0);
      const out: Chosen = {
        labels: plateAxes.map((i) => labels[i]),
        sizes: plateAxes.map((i) => shape[i]),
        index: new Int32Array(plateAxes.reduce((a, i) => a * shape[i], 1)),
      };
      const K = shape[vAxis];
      const pos = new Array<number>(labels.length).fill(0);
      for (let cell = 0; cell < out.index.length; cell++) {
        // plate coordinates of this cell
        let rem = cell;
        for (let j = plateAxes.length - 1; j >= 0; j--) {
          pos[plateAxes[j]] = rem % out.sizes[j];
          rem = Math.floor(rem / out.sizes[j]);
        }
        // the other variables' chosen values at these plate coordinates
        labels.forEach((l, i) => {
          if (i === vAxis || ef.plates.has(l)) return;
          const c = chosen.get(l);
          if (c === undefined)
            throw new PhloxError("infer-discrete-order", `inferDiscrete: "${l}" has no value yet.`);
          let off = 0;
          c.labels.forEach((pl, j) => {
            off = off * c.sizes[j] + pos[labels.indexOf(pl)];
          });
          pos[i] = c.index[off];
        });
        let base = 0;
        for (let i = 0; i < labels.length; i++) if (i !== vAxis) base += pos[i] * strides[i];
        const st = strides[vAxis];
        let best = 0;
        let m = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) {
          const x = data[base + k * st];
          if (x > m) {
            m = x;
            best = k;
          }
        }
        if (uniforms !== null && Number.isFinite(m)) {
          let total = 0;
          for (let k = 0; k < K; k++) total += Math.exp(data[base + k * st] - m);
          let r = uniforms[u++ % uniforms.length] * total;
          best = K - 1;
          for (let k = 0; k < K; k++) {
            r -= Math.exp(data[base + k * st] - m);
            if (r < 0) {
              best = k;
              break;
            }
          }
        }
        out.index[cell] = best;
      }
      chosen.set(variable, out);
    }
    const values = new Map<string, Tensor>();
    for (const [name, c] of chosen) values.set(name, siteValue(tr, name, c, ef.order));
    // enumerated model-level scans: Viterbi / forward-filter backward-sample over their steps
    const scanned: Record<string, Tensor> = {};
    ef.chains.forEach((chain, i) => {
      let draw: (() => number) | null = null;
      if (key !== null) {
        const us = T.uniform(T.foldIn(key, 0x5ca7 + i), [Math.max(1, chain.step.size)]).dataSync();
        let j = 0;
        draw = () => us[j++ % us.length] as number;
      }
      for (const [name, v] of decodeScanChain(chain, tr, ef.plates, ef.order, draw, chosen))
        scanned[name] = v;
    });
    const run = Object.keys(scanned).length === 0 ? model : (substitute(model, scanned) as typeof model);
    return new SetDiscrete(values).run(() => run(...args));
  };
}

/** The chosen support values of a site, laid out over its plates' dimensions. */
function siteValue(tr: Trace, name: string, c: Chosen, order: ReadonlyMap<string, number>): Tensor {
  const site = tr.get(name) as Message;
  const support = (site.fn as NonNullable<Message["fn"]>).enumerateSupport(false);
  const sv = support.dataSync();
  const vals = Array.from(c.index, (i) => sv[i]);
  const nd = c.labels.reduce((a, l) => Math.max(a, -(order.get(l) as number)), 0);
  const shape = new Array<number>(nd).fill(1);
  c.labels.forEach((l, j) => {
    shape[nd + (order.get(l) as number)] = c.sizes[j];
  });
  return T.tensor(vals, { dtype: support.dtype }).reshape(shape);
}
