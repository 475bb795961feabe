/**
 * Compiled Taylor coefficients of HMCECS's proxy (NumPyro jit-compiles `jacobian` and `hessian` of the per-datum
 * log-likelihood at the reference point; these are Phlox's compiled programs for it): two programs per subsampled
 * plate, traced once per model arguments with every plate's subsample indices as int32 inputs, so that a Gibbs
 * proposal's coefficients, and the whole-data totals, cost one compiled call instead of an eager
 * forward-mode pass per latent dimension.
 */
import { compileProgram, type IRTypedArray } from "@phlox/backend-js";
import {
  eye,
  jvp,
  makeProgram,
  mul,
  PhloxError,
  type Program,
  reshape,
  simplify,
  stack,
  sum,
  type Tensor,
  tensor,
  transpose,
  valueAndGrad,
  vmap,
} from "@phlox/tensor";
import type { SiteLayout } from "../kernel.js";
import {
  basis,
  fillTable,
  forEachChunk,
  type PlateIndices,
  type PlateProxy,
  type ProxyTotals,
  perDatumTaylor,
  plateLogLik,
  type SubsamplePlate,
} from "./ecs-model.js";

type AnyModel = (...args: never[]) => unknown;

/** The compiled coefficient programs of one subsampled plate (see {@link compileTaylor}). */
export interface CompiledTaylor {
  /**
   * ℓᵢ(θ̂), ∇ℓᵢ(θ̂) and (degree 2) ∇²ℓᵢ(θ̂) of the data `idx[plate]`, as {@link perDatumTaylor} (fresh arrays).
   * @param idx - every subsampled plate's indices, each of its plate's subsample size, except this plate's,
   *   which may be shorter (a Gibbs block: a program for that length is compiled on first use).
   */
  perDatum(idx: Readonly<Record<string, Int32Array>>): PlateProxy;
  /**
   * Σ over the first `count` data of `idx[plate]` of ℓᵢ(θ̂), ∇ℓᵢ(θ̂) and (degree 2) ∇²ℓᵢ(θ̂), added into `out`
   * (reverse mode for the gradient, forward over reverse for the Hessian: cheaper than summing per-datum rows).
   */
  addTotals(idx: Readonly<Record<string, Int32Array>>, count: number, out: ProxyTotals): void;
}

/** Arguments shared by the eager and compiled coefficient functions. */
export interface TaylorContext {
  readonly model: AnyModel;
  readonly args: readonly unknown[];
  readonly layout: readonly SiteLayout[];
  readonly plates: readonly SubsamplePlate[];
  /** The unconstrained reference point θ̂ [d]. */
  readonly ref: Float64Array;
  readonly degree: 1 | 2;
}

/** One plate's per-datum log-likelihood [m] at `z` with the (traced) indices `idx`. */
function logLikOf(c: TaylorContext, plate: string, idx: PlateIndices): (z: Tensor) => Tensor {
  return plateLogLik(c.model, c.args, c.layout, c.plates, plate, idx);
}

/**
 * The program inputs after z: one int32 index vector per subsampled plate, in `plates` order, each of its
 * plate's subsample size except plate `short`'s, of length `n`.
 */
function indexInputs(
  plates: readonly SubsamplePlate[],
  short?: { plate: string; n: number },
): { shape: number[]; dtype: "int32" }[] {
  return plates.map((p) => ({
    shape: [p.name === short?.plate ? short.n : p.subsampleSize],
    dtype: "int32" as const,
  }));
}

function indicesFrom(plates: readonly SubsamplePlate[], ins: readonly Tensor[]): Record<string, Tensor> {
  const idx: Record<string, Tensor> = {};
  plates.forEach((p, k) => {
    idx[p.name] = ins[k] as Tensor;
  });
  return idx;
}

/**
 * Per-datum program: (z, idx…) → ℓ [m], ∇ℓ [m, d] and (degree 2) ∇²ℓ [m, d, d], by forward mode: the
 * tangent along each basis vector, batched over the d basis vectors (`vmap`, JAX's `jacfwd`), or one pass
 * per basis vector (`batched: false`). `m` is the plate's subsample size, or `n` (a Gibbs block's length).
 */
function perDatumProgram(c: TaylorContext, plate: string, batched: boolean, n?: number): Program {
  const d = c.ref.length;
  const short = n === undefined ? undefined : { plate, n };
  const avals = [{ shape: [d], dtype: "float64" as const }, ...indexInputs(c.plates, short)];
  return makeProgram((z: Tensor, ...ins: Tensor[]) => {
    const f = logLikOf(c, plate, indicesFrom(c.plates, ins));
    const l = f(z);
    const m = l.shape[0] as number;
    if (batched) {
      const I = eye(d);
      const dir =
        (t: Tensor) =>
        (zz: Tensor): Tensor =>
          jvp(f, [zz], [t])[1];
      const g = vmap((t: Tensor) => dir(t)(z), { outAxes: 1 })(I) as Tensor;
      if (c.degree !== 2) return [l, g];
      const h = vmap(
        (s: Tensor) => vmap((t: Tensor) => jvp(dir(t), [z], [s])[1], { outAxes: 1 })(I) as Tensor,
        { outAxes: 1 },
      )(I) as Tensor;
      return [l, g, h];
    }
    const cols: Tensor[] = [];
    for (let k = 0; k < d; k++) cols.push(jvp(f, [z], [basis(d, k)])[1]);
    const g = transpose(stack(cols), [1, 0]);
    if (c.degree !== 2) return [l, g];
    // ∂²ℓᵢ/∂θₖ∂θ_q for q ≥ k (forward over forward), mirrored.
    const entries: Tensor[] = new Array(d * d);
    for (let k = 0; k < d; k++) {
      const gk = (zz: Tensor): Tensor => jvp(f, [zz], [basis(d, k)])[1];
      for (let q = k; q < d; q++) {
        const hkq = jvp(gk, [z], [basis(d, q)])[1];
        entries[k * d + q] = hkq;
        entries[q * d + k] = hkq;
      }
    }
    const h = reshape(transpose(stack(entries), [1, 0]), [m, d, d]);
    return [l, g, h];
  }, avals).program;
}

/**
 * Totals program: (z, idx…, w [m]) → Σᵢ wᵢℓᵢ, its gradient [d] (reverse mode) and (degree 2) its Hessian
 * [d, d] (forward over reverse); `w` masks a last chunk's padding.
 */
function totalsProgram(c: TaylorContext, plate: string, m: number, batched: boolean): Program {
  const d = c.ref.length;
  const avals = [
    { shape: [d], dtype: "float64" as const },
    ...indexInputs(c.plates),
    { shape: [m], dtype: "float64" as const },
  ];
  return makeProgram((z: Tensor, ...ins: Tensor[]) => {
    const w = ins[ins.length - 1] as Tensor;
    const f = logLikOf(c, plate, indicesFrom(c.plates, ins));
    const s = (zz: Tensor): Tensor => sum(mul(f(zz), w));
    const [v, g] = valueAndGrad(s)(z) as [Tensor, Tensor];
    if (c.degree !== 2) return [v, g];
    const gradS = (zz: Tensor): Tensor => (valueAndGrad(s)(zz) as [Tensor, Tensor])[1];
    if (batched) return [v, g, vmap((t: Tensor) => jvp(gradS, [z], [t])[1])(eye(d)) as Tensor];
    const rows: Tensor[] = [];
    for (let k = 0; k < d; k++) rows.push(jvp(gradS, [z], [basis(d, k)])[1]);
    return [v, g, stack(rows)];
  }, avals).program;
}

/** Largest |a − b| relative to 1 + the largest |b|: how far compiled values are from eager ones. */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  let gap = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs((a[i] as number) - (b[i] as number));
    gap = Math.max(gap, Number.isNaN(e) ? Number.POSITIVE_INFINITY : e);
  }
  return gap / scale;
}

/** A fixed direction with distinct non-zero components of both signs: a swapped or dropped coefficient shows. */
function checkDirection(d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, k) => (k % 2 === 0 ? 1 : -1) * (1 + (0.37 * k) / d));
}

/**
 * Compiles one plate's coefficient programs (see {@link CompiledTaylor}) and checks them against eager
 * autodiff on the subsample `check`, along a fixed direction v (a handful of eager passes, not the
 * 1 + d + d(d+1)/2 of {@link perDatumTaylor}): per datum ℓᵢ, ∇ℓᵢ·v and vᵀ∇²ℓᵢv, and for the totals program
 * Σℓᵢ, Σ∇ℓᵢ and (Σ∇²ℓᵢ)v, each within 1e-8 relative to the largest. Returns `undefined` when the model
 * cannot be compiled (it reads a traced value) or the two disagree: the caller then stays eager.
 */
export function compileTaylor(
  c: TaylorContext,
  plate: SubsamplePlate,
  check: Readonly<Record<string, Int32Array>>,
): CompiledTaylor | undefined {
  // Batched over the basis directions first; one pass per direction where a primitive has no batching rule.
  for (const batched of [true, false]) {
    try {
      const compiled = buildCompiled(c, plate, batched);
      return agreesWithEager(c, plate, check, compiled) ? compiled : undefined;
    } catch {
      // e.g. the model branches on a value: stay eager
    }
  }
  return undefined;
}

/** The check of {@link compileTaylor}. */
function agreesWithEager(
  c: TaylorContext,
  plate: SubsamplePlate,
  check: Readonly<Record<string, Int32Array>>,
  compiled: CompiledTaylor,
): boolean {
  const d = c.ref.length;
  const m = plate.subsampleSize;
  const got = compiled.perDatum(check);
  const t: ProxyTotals = { l: 0, g: new Float64Array(d), h: new Float64Array(c.degree === 2 ? d * d : 0) };
  compiled.addTotals(check, m, t);
  const v = checkDirection(d);
  const vt = tensor(v);
  const z0 = tensor(c.ref);
  const f = logLikOf(c, plate.name, check);
  const s = (z: Tensor): Tensor => sum(f(z));
  const dot = (rows: Float64Array, n: number, w: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < w.length; k++) out[i] += (rows[i * w.length + k] as number) * (w[k] as number);
    return out;
  };
  const data = (x: Tensor): Float64Array => Float64Array.from(x.dataSync() as ArrayLike<number>);
  const [sv, sg] = valueAndGrad(s)(z0) as [Tensor, Tensor];
  const gaps = [
    relativeGap(got.l, data(f(z0))),
    relativeGap(dot(got.g, m, v), data(jvp(f, [z0], [vt])[1])),
    relativeGap([t.l], data(sv)),
    relativeGap(t.g, data(sg)),
  ];
  if (c.degree === 2) {
    const fv = (z: Tensor): Tensor => jvp(f, [z], [vt])[1];
    const gradS = (z: Tensor): Tensor => (valueAndGrad(s)(z) as [Tensor, Tensor])[1];
    const hv = dot(got.h, m * d, v);
    gaps.push(
      relativeGap(dot(hv, m, v), data(jvp(fv, [z0], [vt])[1])),
      relativeGap(dot(t.h, d, v), data(jvp(gradS, [z0], [vt])[1])),
    );
  }
  return gaps.every((x) => x <= 1e-8);
}

function buildCompiled(c: TaylorContext, plate: SubsamplePlate, batched: boolean): CompiledTaylor {
  const d = c.ref.length;
  const m = plate.subsampleSize;
  const hd = c.degree === 2 ? d * d : 0;
  const per = compileProgram(simplify(perDatumProgram(c, plate.name, batched)));
  const tot = compileProgram(simplify(totalsProgram(c, plate.name, m, batched)));
  checkFloat64(plate, [...per.outputs, ...tot.outputs]);
  // Per-datum programs for shorter index vectors of this plate (Gibbs blocks), by length, built on first use.
  // The model's plate then sees fewer indices than its subsample size, as under NumPyro's block update (the
  // caller, TaylorSource.ofBlock, silences the plate's warning about that).
  const perShort = new Map<number, typeof per>();
  const perFor = (n: number): typeof per => {
    if (n === m) return per;
    let p = perShort.get(n);
    if (!p) {
      p = compileProgram(simplify(perDatumProgram(c, plate.name, batched, n)));
      checkFloat64(plate, p.outputs);
      perShort.set(n, p);
    }
    return p;
  };
  const indexArgs = (idx: Readonly<Record<string, Int32Array>>, own: number): IRTypedArray[] =>
    c.plates.map((p) => {
      const u = idx[p.name];
      const want = p.name === plate.name ? own : p.subsampleSize;
      if (!u || u.length !== want) {
        throw new PhloxError(
          "hmcecs-bad-indices",
          `HMCECS: plate "${p.name}" needs ${want} subsample indices, got ${u?.length ?? 0}.`,
        );
      }
      return u;
    });
  const weights = new Float64Array(m);
  const tl = new Float64Array(1);
  const tg = new Float64Array(d);
  const th = new Float64Array(hd);
  return {
    perDatum(idx) {
      const n = idx[plate.name]?.length ?? 0;
      if (!(n >= 1 && n <= m)) {
        throw new PhloxError(
          "hmcecs-bad-indices",
          `HMCECS: plate "${plate.name}" needs 1 to ${m} subsample indices, got ${n}.`,
        );
      }
      const out: PlateProxy = {
        l: new Float64Array(n),
        g: new Float64Array(n * d),
        h: new Float64Array(n * hd),
      };
      perFor(n).callInto([c.ref, ...indexArgs(idx, n)], hd > 0 ? [out.l, out.g, out.h] : [out.l, out.g]);
      return out;
    },
    addTotals(idx, count, out) {
      for (let i = 0; i < m; i++) weights[i] = i < count ? 1 : 0;
      tot.callInto([c.ref, ...indexArgs(idx, m), weights], hd > 0 ? [tl, tg, th] : [tl, tg]);
      out.l += tl[0] as number;
      for (let k = 0; k < d; k++) out.g[k] += tg[k] as number;
      for (let k = 0; k < hd; k++) out.h[k] += th[k] as number;
    },
  };
}

/** Throws when a coefficient program's output is not float64 (the caller then stays eager). */
function checkFloat64(plate: SubsamplePlate, outputs: readonly { dtype: string }[]): void {
  for (const o of outputs) {
    if (o.dtype !== "float64") {
      throw new PhloxError(
        "hmcecs-coefficient-dtype",
        `HMCECS: plate "${plate.name}"'s log-likelihood is ${o.dtype}, not float64; its Taylor coefficients stay eager.`,
      );
    }
  }
}

/** The whole-data totals of one plate by the compiled totals program, chunk by chunk. */
export function compiledTotals(
  compiled: CompiledTaylor,
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  d: number,
  degree: 1 | 2,
): ProxyTotals {
  const out: ProxyTotals = { l: 0, g: new Float64Array(d), h: new Float64Array(degree === 2 ? d * d : 0) };
  forEachChunk(p, baseIdx, (idx, _start, count) => compiled.addTotals(idx, count, out));
  return out;
}

/** Every data point's coefficients of one plate (a table, as `perDatumTable`) by the compiled program. */
export function compiledTable(
  compiled: CompiledTaylor,
  p: SubsamplePlate,
  baseIdx: Readonly<Record<string, Int32Array>>,
  d: number,
  degree: 1 | 2,
): PlateProxy {
  return fillTable(p, baseIdx, d, degree, (idx) => compiled.perDatum(idx));
}
