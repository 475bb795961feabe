/**
 * The model side of HMCECS: finding subsampled plates, running a model with given subsample indices, the
 * per-datum log-likelihood of the sites inside those plates, and the Taylor-proxy difference estimator
 * (NumPyro's `estimate_likelihood`, `perturbed_method` and `taylor_proxy`, written for Phlox's handlers).
 */
import { type Message, Messenger, seed, substitute, trace } from "@phlox/handlers";
import { potentialEnergy } from "@phlox/infer";
import {
  add,
  jvp,
  matmul,
  mul,
  PhloxError,
  reshape,
  slice,
  sub,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@phlox/tensor";
import type { SiteLayout } from "../kernel.js";

type AnyModel = (...args: never[]) => unknown;

/** A plate with `subsampleSize < size`: its subsample indices are the Gibbs variables of HMCECS. */
export interface SubsamplePlate {
  name: string;
  size: number;
  subsampleSize: number;
}

function call(model: AnyModel, args: readonly unknown[]): unknown {
  return (model as (...a: readonly unknown[]) => unknown)(...args);
}

/** The subsampled plates of `model(...args)` (traced once with a seed). */
export function findSubsamplePlates(
  model: AnyModel,
  args: readonly unknown[],
  key: number,
): SubsamplePlate[] {
  const tr = trace(seed(() => call(model, args), key)).getTrace();
  const out: SubsamplePlate[] = [];
  for (const site of tr.values()) {
    if (site.type !== "plate") continue;
    const [size, subsampleSize] = (site.args ?? []) as number[];
    if (typeof size === "number" && typeof subsampleSize === "number" && subsampleSize < size) {
      out.push({ name: site.name, size, subsampleSize });
    }
  }
  return out;
}

/** Subsample indices per plate: int32 arrays, or int32 tensors (traced while the potential compiles). */
export type PlateIndices = Readonly<Record<string, Int32Array | Tensor>>;

/** `model` with the indices of the given plates fixed. */
export function withIndices(model: AnyModel, idx: PlateIndices): AnyModel {
  const data: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(idx))
    data[k] = v instanceof Int32Array ? tensor(v, { dtype: "int32" }) : v;
  return ((...a: unknown[]) =>
    call(
      substitute(() => call(model, a), data),
      [],
    )) as AnyModel;
}

/** Sums a log-probability tensor over every axis but the plate's (`dim`, counted from the right). */
function perDatum(lp: Tensor, dim: number, site: string): Tensor {
  const s = lp.shape;
  const k = s.length + dim;
  if (k < 0) {
    throw new PhloxError(
      "hmcecs-broadcast-site",
      `HMCECS: observed site "${site}" has log-probability shape [${s.join(", ")}] without the subsampled plate's dim ${dim}; give it the plate's batch shape.`,
    );
  }
  const lead = s.slice(0, k).reduce((a, b) => a * b, 1);
  const tail = s.slice(k + 1).reduce((a, b) => a * b, 1);
  return sum(sum(reshape(lp, [lead, s[k], tail]), 0), 1);
}

/**
 * Records the per-datum log-likelihood of observed sites inside subsampled plates and masks them out of the
 * joint (NumPyro's `estimate_likelihood` messenger); each plate's values are summed over its sites.
 */
class LikelihoodRecorder extends Messenger {
  readonly perPlate = new Map<string, Tensor>();
  constructor(private readonly plates: ReadonlySet<string>) {
    super();
  }
  override processMessage(msg: Message): void {
    if (msg.type !== "sample" || !msg.isObserved || msg.fn === null || msg.value === null) return;
    const frames = msg.condIndepStack.filter((f) => this.plates.has(f.name));
    if (frames.length === 0) return;
    if (frames.length > 1) {
      throw new PhloxError(
        "hmcecs-multiple-subsample-plates",
        `HMCECS: site "${msg.name}" is inside ${frames.length} subsampled plates; only one is allowed. Reshape the data.`,
      );
    }
    const f = frames[0];
    const ll = perDatum(msg.fn.logProb(msg.value), f.dim, msg.name);
    const prev = this.perPlate.get(f.name);
    this.perPlate.set(f.name, prev ? add(prev, ll) : ll);
    msg.fn = msg.fn.mask(false);
  }
}

/** Unconstrained site values from a flat tensor `z` [d]. */
function unflatten(z: Tensor, layout: readonly SiteLayout[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const l of layout) out[l.name] = reshape(slice(z, [l.offset], [l.offset + l.size]), l.shape);
  return out;
}

/**
 * Per-datum log-likelihood of each subsampled plate at unconstrained `z` with indices `idx` (each plate's
 * array has the plate's subsample size): `{ plate: Tensor[m] }`, and the potential of everything else.
 */
export function splitPotential(
  model: AnyModel,
  args: readonly unknown[],
  layout: readonly SiteLayout[],
  plates: readonly SubsamplePlate[],
  z: Tensor,
  idx: PlateIndices,
): { rest: Tensor; logLik: Map<string, Tensor> } {
  const rec = new LikelihoodRecorder(new Set(plates.map((p) => p.name)));
  const inner = withIndices(model, idx);
  const wrapped = ((...a: unknown[]) => rec.run(() => call(inner, a))) as AnyModel;
  const rest = potentialEnergy(wrapped as never, args as never, unflatten(z, layout));
  return { rest, logLik: rec.perPlate };
}

/** The Taylor expansion of one plate's per-datum log-likelihoods around the reference point θ̂. */
export interface PlateProxy {
  /** ℓᵢ(θ̂) for the current subsample [m]. */
  l: Float64Array;
  /** ∇ℓᵢ(θ̂) [m·d]. */
  g: Float64Array;
  /** ∇²ℓᵢ(θ̂) [m·d·d] (degree 2 only; empty for degree 1). */
  h: Float64Array;
}

/** A {@link PlateProxy} as (traced) tensors: the compiled potential takes the coefficients as inputs. */
export interface TensorProxy {
  l: Tensor;
  g: Tensor;
  h: Tensor;
}

/** Σᵢ over the whole data set of ℓᵢ(θ̂), ∇ℓᵢ(θ̂) and (degree 2) ∇²ℓᵢ(θ̂), per plate. */
export interface ProxyTotals {
  l: number;
  g: Float64Array;
  h: Float64Array;
}

/** The k-th unit vector of length d (a forward-mode tangent). */
export function basis(d: number, k: number): Tensor {
  const e = new Float64Array(d);
  e[k] = 1;
  return tensor(e);
}

/** One plate's per-datum log-likelihood [m] as a function of unconstrained z, with the indices `idx`. */
export function plateLogLik(
  model: AnyModel,
  args: readonly unknown[],
  layout: readonly SiteLayout[],
  plates: readonly SubsamplePlate[],
  plate: string,
  idx: PlateIndices,
): (z: Tensor) => Tensor {
  return (z) => {
    const ll = splitPotential(model, args, layout, plates, z, idx).logLik.get(plate);
    if (!ll) throw new PhloxError("hmcecs-no-likelihood", `HMCECS: plate "${plate}" holds no observed site.`);
    return ll;
  };
}

/**
 * Calls `visit` with consecutive chunks of a plate's data indices 0…size−1, each as long as the plate's
 * subsample size (the model always sees that many; a last short chunk is padded with index `start`), with
 * the other plates' indices from `baseIdx`, the chunk's start and its count of real indices. The chunk's
 * array is reused from one call to the next.
 */
export function forEachChunk(
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  visit: (idx: Readonly<Record<string, Int32Array>>, start: number, count: number) => void,
): void {
  const m = p.subsampleSize;
  const chunk = new Int32Array(m);
  const idx = { ...baseIdx, [p.name]: chunk };
  for (let start = 0; start < p.size; start += m) {
    const r = Math.min(m, p.size - start);
    for (let i = 0; i < m; i++) chunk[i] = start + (i < r ? i : 0);
    visit(idx, start, r);
  }
}

/**
 * A table of every data point's Taylor coefficients of plate `p`, filled chunk by chunk from `coefs` (the
 * coefficients of one chunk's m indices: eager {@link perDatumTaylor} or a compiled program).
 */
export function fillTable(
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  d: number,
  degree: 1 | 2,
  coefs: (idx: Readonly<Record<string, Int32Array>>) => PlateProxy,
): PlateProxy {
  const hd = degree === 2 ? d * d : 0;
  const out: PlateProxy = {
    l: new Float64Array(p.size),
    g: new Float64Array(p.size * d),
    h: new Float64Array(p.size * hd),
  };
  forEachChunk(p, baseIdx, (idx, start, r) => {
    const c = coefs(idx);
    out.l.set(c.l.subarray(0, r), start);
    out.g.set(c.g.subarray(0, r * d), start * d);
    out.h.set(c.h.subarray(0, r * hd), start * hd);
  });
  return out;
}

/**
 * ℓᵢ, ∇ℓᵢ and ∇²ℓᵢ at θ̂ for the data `idx[plate]` (length m, the plate's subsample size) of one plate, by
 * forward-mode derivatives (d passes for the gradients, d(d+1)/2 for the Hessians).
 */
export function perDatumTaylor(
  model: AnyModel,
  args: readonly unknown[],
  layout: readonly SiteLayout[],
  plates: readonly SubsamplePlate[],
  plate: string,
  idx: Readonly<Record<string, Int32Array>>,
  ref: Float64Array,
  degree: 1 | 2,
): PlateProxy {
  const d = ref.length;
  const f = plateLogLik(model, args, layout, plates, plate, idx);
  const z0 = tensor(ref);
  const l = Float64Array.from(f(z0).dataSync() as ArrayLike<number>);
  const m = l.length;
  const g = new Float64Array(m * d);
  const h = new Float64Array(degree === 2 ? m * d * d : 0);
  for (let k = 0; k < d; k++) {
    const ek = basis(d, k);
    const col = jvp(f, [z0], [ek])[1].dataSync() as ArrayLike<number>;
    for (let i = 0; i < m; i++) g[i * d + k] = col[i];
    if (degree !== 2) continue;
    const gk = (z: Tensor): Tensor => jvp(f, [z], [ek])[1];
    for (let q = k; q < d; q++) {
      const hc = jvp(gk, [z0], [basis(d, q)])[1].dataSync() as ArrayLike<number>;
      for (let i = 0; i < m; i++) {
        h[i * d * d + k * d + q] = hc[i];
        h[i * d * d + q * d + k] = hc[i];
      }
    }
  }
  return { l, g, h };
}

/**
 * Σ over all `size` data points of ℓᵢ(θ̂), ∇ℓᵢ(θ̂) and ∇²ℓᵢ(θ̂) for one plate, in chunks of the plate's
 * subsample size (the model always sees that many indices).
 */
export function proxyTotals(
  model: AnyModel,
  args: readonly unknown[],
  layout: readonly SiteLayout[],
  plates: readonly SubsamplePlate[],
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  ref: Float64Array,
  degree: 1 | 2,
): ProxyTotals {
  const d = ref.length;
  const out: ProxyTotals = { l: 0, g: new Float64Array(d), h: new Float64Array(degree === 2 ? d * d : 0) };
  const z0 = tensor(ref);
  forEachChunk(p, baseIdx, (idx, _start, r) => {
    const f = plateLogLik(model, args, layout, plates, p.name, idx);
    const s = (z: Tensor): Tensor => sum(slice(f(z), [0], [r]));
    const [v, gr] = valueAndGrad(s)(z0) as [Tensor, Tensor];
    out.l += (v.dataSync() as ArrayLike<number>)[0];
    const gd = gr.dataSync() as ArrayLike<number>;
    for (let k = 0; k < d; k++) out.g[k] += gd[k];
    if (degree === 2) {
      for (let k = 0; k < d; k++) {
        const gk = (z: Tensor): Tensor => jvp(s, [z], [basis(d, k)])[1];
        const row = (valueAndGrad(gk)(z0) as [Tensor, Tensor])[1].dataSync() as ArrayLike<number>;
        for (let q = 0; q < d; q++) out.h[k * d + q] += row[q];
      }
    }
  });
  return out;
}

/**
 * The bias-corrected log-likelihood estimate of one plate (NumPyro's `perturbed_method`): with the proxy
 * qᵢ(θ) = ℓᵢ(θ̂) + ∇ℓᵢ(θ̂)·δ + ½δᵀ∇²ℓᵢ(θ̂)δ (δ = θ − θ̂) and dᵢ = ℓᵢ(θ) − qᵢ(θ) on the subsample,
 * Σ_all q(θ) + N·mean(d) − N²/(2m)·var(d).
 */
export function differenceEstimator(
  ll: Tensor,
  z: Tensor,
  ref: Float64Array,
  proxy: PlateProxy | TensorProxy,
  totals: ProxyTotals,
  size: number,
): Tensor {
  const d = ref.length;
  const m = proxy.l instanceof Float64Array ? proxy.l.length : (proxy.l.shape[0] as number);
  const asTensor = (x: Float64Array | Tensor, shape: number[]): Tensor =>
    x instanceof Float64Array ? tensor(x, { shape }) : reshape(x, shape);
  const delta = sub(z, tensor(ref));
  const dcol = reshape(delta, [d, 1]);
  let q = add(asTensor(proxy.l, [m]), reshape(matmul(asTensor(proxy.g, [m, d]), dcol), [m]));
  let all = add(tensor(totals.l), sum(mul(tensor(totals.g), delta)));
  const hSize = proxy.h instanceof Float64Array ? proxy.h.length : proxy.h.size;
  if (hSize > 0) {
    const hd = reshape(matmul(asTensor(proxy.h, [m * d, d]), dcol), [m, d]);
    q = add(q, mul(0.5, reshape(matmul(hd, dcol), [m])));
    const Hd = matmul(tensor(totals.h, { shape: [d, d] }), dcol);
    all = add(all, mul(0.5, sum(mul(reshape(Hd, [d]), delta))));
  }
  const diff = sub(ll, q);
  const mean = mul(1 / m, sum(diff));
  const centred = sub(diff, mean);
  const variance = mul(1 / m, sum(mul(centred, centred)));
  return sub(add(all, mul(size, mean)), mul((size * size) / (2 * m), variance));
}

/**
 * Per-datum Taylor coefficients ℓᵢ(θ̂), ∇ℓᵢ(θ̂), ∇²ℓᵢ(θ̂) of every one of a plate's `size` data points, in
 * chunks of its subsample size (the model always sees that many indices): a table the subsample's
 * coefficients are then read from, instead of differentiating the model at every step.
 */
export function perDatumTable(
  model: AnyModel,
  args: readonly unknown[],
  layout: readonly SiteLayout[],
  plates: readonly SubsamplePlate[],
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  ref: Float64Array,
  degree: 1 | 2,
): PlateProxy {
  return fillTable(p, baseIdx, ref.length, degree, (idx) =>
    perDatumTaylor(model, args, layout, plates, p.name, idx, ref, degree),
  );
}

/** The coefficients of the data `idx` read from a {@link perDatumTable} (`d` latent dimensions). */
export function gatherProxy(table: PlateProxy, idx: Int32Array, d: number): PlateProxy {
  const m = idx.length;
  const hd = table.h.length / table.l.length;
  const out: PlateProxy = { l: new Float64Array(m), g: new Float64Array(m * d), h: new Float64Array(m * hd) };
  for (let i = 0; i < m; i++) {
    const j = idx[i];
    out.l[i] = table.l[j];
    out.g.set(table.g.subarray(j * d, (j + 1) * d), i * d);
    if (hd > 0) out.h.set(table.h.subarray(j * hd, (j + 1) * hd), i * hd);
  }
  return out;
}

/**
 * Writes `rows` (the coefficients of some data) into `target` from datum `start` on, in place, and returns the
 * rows they replaced: writing those back restores `target`.
 */
export function swapRows(target: PlateProxy, rows: PlateProxy, start: number): PlateProxy {
  const n = rows.l.length;
  const displaced: PlateProxy = {
    l: new Float64Array(n),
    g: new Float64Array(rows.g.length),
    h: new Float64Array(rows.h.length),
  };
  for (const k of ["l", "g", "h"] as const) {
    const w = rows[k].length / n;
    const at = start * w;
    displaced[k].set(target[k].subarray(at, at + rows[k].length));
    target[k].set(rows[k], at);
  }
  return displaced;
}

/** Σ over a {@link perDatumTable}'s data points of ℓᵢ, ∇ℓᵢ and ∇²ℓᵢ (the proxy's whole-data totals). */
export function tableTotals(table: PlateProxy, d: number): ProxyTotals {
  const n = table.l.length;
  const hd = table.h.length / n;
  const out: ProxyTotals = { l: 0, g: new Float64Array(d), h: new Float64Array(hd) };
  for (let i = 0; i < n; i++) {
    out.l += table.l[i];
    for (let k = 0; k < d; k++) out.g[k] += table.g[i * d + k];
    for (let k = 0; k < hd; k++) out.h[k] += table.h[i * hd + k];
  }
  return out;
}
