import type { Message } from "@phlox/handlers";
import {
  asTensor,
  dataOf,
  fromData,
  type Key,
  type Tensor,
  type TensorLike,
  uniform,
} from "./internal/ops.js";
import { isRealSupport, siteTransform } from "./internal/unconstrained.js";

/**
 * How to pick the initial value of one latent site (NumPyro's `init_to_*` strategies). Called for each
 * unobserved continuous sample site that has no value yet, with the site's message (its `fn` already
 * broadcast by the enclosing plates) and a fresh key; returns a *constrained* value, or `null` to draw the
 * site from its prior.
 * @example
 * const initToZero = (site) => (site.name === "loc" ? tensor(0) : null);
 * const m = () => sample("loc", new Normal(5, 1));
 * initializeModel(0, m, [], { initStrategy: initToZero }).initialZ[0]; // → 0
 */
export type InitStrategy = (site: Message, key: Key) => Tensor | null;

function siteShape(site: Message): number[] {
  const fn = site.fn;
  if (fn === null) return [];
  return [...site.sampleShape, ...fn.batchShape, ...fn.eventShape];
}

/**
 * Initialises uniformly in (−radius, radius) in unconstrained space, then maps to the support (NumPyro's
 * `init_to_uniform`, the default).
 * @param options - `radius` (default 2).
 * @example
 * const m = () => sample("s", new HalfNormal(1));
 * Math.abs(initializeModel(0, m, [], { initStrategy: initToUniform({ radius: 1 }) }).initialZ[0]) < 1; // → true
 */
export function initToUniform(options: { radius?: number } = {}): InitStrategy {
  const r = options.radius ?? 2;
  return (site, k) => {
    const shape = siteShape(site);
    if (isRealSupport(site))
      return r === 0 ? fromData(new Float64Array(size(shape)), shape) : uniform(k, shape, -r, r);
    const t = siteTransform(site);
    const ushape = t.inverseShape(shape);
    const u = r === 0 ? fromData(new Float64Array(size(ushape)), ushape) : uniform(k, ushape, -r, r);
    return t.forward(u);
  };
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Initialises at the image of 0 in unconstrained space (NumPyro's `init_to_feasible`): 0 for real sites,
 * 1 for positive ones, the midpoint of an interval, the uniform simplex …
 * @example
 * const m = () => sample("s", new HalfNormal(1));
 * initializeModel(0, m, [], { initStrategy: initToFeasible() }).initialZ[0]; // → 0
 */
export function initToFeasible(): InitStrategy {
  return initToUniform({ radius: 0 });
}

/**
 * Initialises at a draw from the prior (NumPyro's `init_to_sample`); sites whose distribution cannot be
 * sampled (`ImproperUniform`) fall back to {@link initToUniform}.
 * @example
 * initializeModel(0, () => sample("x", new Normal(0, 1)), [], { initStrategy: initToSample() }).dim; // → 1
 */
export function initToSample(): InitStrategy {
  const fallback = initToUniform();
  return (site, k) => {
    if (site.fn === null) return null;
    try {
      return site.fn.sample(k, site.sampleShape);
    } catch {
      return fallback(site, k); // e.g. ImproperUniform, which cannot be sampled
    }
  };
}

function medianAlong0(samples: Tensor): Tensor {
  const n = samples.shape[0];
  const rest = samples.shape.slice(1);
  const m = size(rest);
  const d = dataOf(samples);
  const out = new Float64Array(m);
  const col = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) col[i] = d[i * m + j];
    col.sort();
    out[j] = n % 2 === 1 ? col[(n - 1) / 2] : 0.5 * (col[n / 2 - 1] + col[n / 2]);
  }
  return fromData(out, rest);
}

/**
 * Initialises at the elementwise median of `numSamples` prior draws (NumPyro's `init_to_median`).
 * @param options - `numSamples` (default 15).
 * @example
 * const m = () => sample("x", new Normal(3, 0.1));
 * Math.abs(initializeModel(0, m, [], { initStrategy: initToMedian() }).initialZ[0] - 3) < 0.1; // → true
 */
export function initToMedian(options: { numSamples?: number } = {}): InitStrategy {
  const n = options.numSamples ?? 15;
  const fallback = initToUniform();
  return (site, k) => {
    const fn = site.fn;
    if (fn === null) return null;
    let samples: Tensor;
    try {
      samples = fn.sample(k, [n, ...site.sampleShape]);
    } catch {
      return fallback(site, k);
    }
    return medianAlong0(samples);
  };
}

/**
 * Initialises at the prior mean, or at the median where the mean is not finite or not known (NumPyro's
 * `init_to_mean`).
 * @example
 * initializeModel(0, () => sample("x", new Normal(3, 1)), [], { initStrategy: initToMean() }).initialZ[0]; // → 3
 */
export function initToMean(): InitStrategy {
  const median = initToMedian();
  return (site, k) => {
    const fn = site.fn;
    if (fn === null) return null;
    try {
      const mean = fn.mean;
      if (dataOf(mean).every(Number.isFinite)) {
        const shape = siteShape(site);
        return size(shape) === mean.size ? mean : fromData(broadcastData(mean, shape), shape);
      }
    } catch {
      // no closed-form mean: fall through to the median
    }
    return median(site, k);
  };
}

function broadcastData(t: Tensor, shape: readonly number[]): Float64Array {
  // Repeat the mean over leading sample dimensions (the mean already has the batch and event shape).
  const d = dataOf(t);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = d[i % d.length];
  return out;
}

/**
 * Initialises named sites at given constrained values and the others with `fallback` (NumPyro's
 * `init_to_value`).
 * @param options - `values` by site name; `fallback` (default {@link initToUniform}).
 * @example
 * const m = () => sample("tau", new HalfNormal(1));
 * initializeModel(0, m, [], { initStrategy: initToValue({ values: { tau: 1 } }) }).initialZ[0]; // → 0
 */
export function initToValue(options: {
  values: Readonly<Record<string, TensorLike>>;
  fallback?: InitStrategy;
}): InitStrategy {
  const fallback = options.fallback ?? initToUniform();
  const values = options.values;
  return (site, k) => (Object.hasOwn(values, site.name) ? asTensor(values[site.name]) : fallback(site, k));
}
