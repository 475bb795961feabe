import { seed, substitute, type Trace, trace } from "@phlox/handlers";
import {
  compileVectorFunction,
  compileVectorizedFunction,
  isTensor,
  reshape,
  slice1,
  type Tensor,
  type VectorFunction,
} from "./ops.js";

type AnyModel = (...args: never[]) => unknown;

/** One posterior site as stacked draws: `data` holds `numDraws` rows of `size` elements, each of `shape`. */
export interface FlatSite {
  name: string;
  shape: number[];
  size: number;
  data: Float64Array;
}

/** A site's pointwise log-likelihood (or any per-draw output) for every draw: `[numDraws·size]`, `shape` per draw. */
export interface StackedSite {
  data: Float64Array;
  shape: number[];
}

/** One compiled model: the generated function of a flat draw, with its outputs' names and per-draw shapes. */
export interface CompiledSites {
  fn: VectorFunction;
  names: string[];
  shapes: number[][];
}

const callModel = (model: AnyModel, args: readonly unknown[]): unknown =>
  (model as (...a: readonly unknown[]) => unknown)(...args);

/**
 * The observed sites' pointwise `fn.logProb(value)` of a trace, by name in trace order (as `logLikelihood`);
 * `factor` sites included, as in NumPyro.
 */
export function observedLogProbs(tr: Trace): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, site] of tr) {
    if (site.type !== "sample" || !site.isObserved) continue;
    const lp = site.fn === null || site.value === null ? null : site.fn.logProb(site.value);
    if (lp !== null) out.set(name, lp);
  }
  return out;
}

/** The model's trace with `values` substituted, seeded with 0 (the per-draw run of `logLikelihood`). */
export function logLikelihoodTrace(
  model: AnyModel,
  args: readonly unknown[],
  values: Readonly<Record<string, Tensor>>,
): Trace {
  return trace(
    substitute(
      seed(() => callModel(model, args), 0),
      values,
    ),
  ).getTrace();
}

/** Splits a flat draw z [Σ size] into the sites' tensors. */
export function unflattenDraw(z: Tensor, sites: readonly FlatSite[]): Record<string, Tensor> {
  const values: Record<string, Tensor> = Object.create(null);
  let off = 0;
  for (const s of sites) {
    values[s.name] = reshape(slice1(z, off, off + s.size), s.shape);
    off += s.size;
  }
  return values;
}

/** Interleaves the sites' stacked draws into rows: draw i is `[site₀ of i, site₁ of i, …]` [numDraws·dim]. */
export function drawRows(sites: readonly FlatSite[], numDraws: number): { rows: Float64Array; dim: number } {
  const dim = sites.reduce((a, s) => a + s.size, 0);
  const rows = new Float64Array(numDraws * dim);
  let off = 0;
  for (const s of sites) {
    const n = s.size;
    if (n === 1) {
      for (let i = 0; i < numDraws; i++) rows[i * dim + off] = s.data[i];
    } else {
      for (let i = 0; i < numDraws; i++) rows.set(s.data.subarray(i * n, (i + 1) * n), i * dim + off);
    }
    off += n;
  }
  return { rows, dim };
}

/**
 * Stages `outputs(trace of the model at a flat draw)` into one generated function over rows of draws, or, with
 * `vectorized` (the number of draws), into one program over all draws at once (`vmap` of the draw).
 * @returns `null` when the model does not trace (it reads a value, has data-dependent control flow or a
 *   host-side sampler), when it has no outputs, or when a primitive has no code generator.
 */
export function compileSites(
  run: (z: Tensor) => Map<string, Tensor>,
  dim: number,
  vectorized?: number,
): CompiledSites | null {
  if (dim === 0) return null;
  let names: string[] = [];
  let shapes: number[][] = [];
  try {
    const draw = (z: Tensor): Tensor[] => {
      const outs = run(z);
      names = [...outs.keys()];
      shapes = [...outs.values()].map((t) => [...t.shape]);
      return [...outs.values()];
    };
    const fn =
      vectorized === undefined
        ? compileVectorFunction(draw, dim)
        : compileVectorizedFunction(draw, dim, vectorized);
    if (names.length === 0) return null;
    return { fn, names, shapes };
  } catch {
    return null;
  }
}

/** |a − b| ≤ 1e-12 · max(1, |b|), with equal infinities and NaN matching NaN. */
export function closeEnough(a: number, b: number): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

/** True when the compiled outputs at draw `i` equal the eager ones (same names, shapes and values). */
function matchesEager(
  got: readonly StackedSite[],
  names: readonly string[],
  i: number,
  eager: ReadonlyMap<string, { data: ArrayLike<number>; shape: readonly number[] }>,
  exact = false,
): boolean {
  if (eager.size !== names.length) return false;
  for (let k = 0; k < names.length; k++) {
    const e = eager.get(names[k]);
    const g = got[k];
    if (e === undefined || e.shape.length !== g.shape.length || e.shape.some((d, j) => d !== g.shape[j]))
      return false;
    const n = e.data.length;
    for (let j = 0; j < n; j++) {
      const a = g.data[i * n + j];
      const b = e.data[j];
      if (exact ? !(a === b || (Number.isNaN(a) && Number.isNaN(b))) : !closeEnough(a, b)) return false;
    }
  }
  return true;
}

/** The same object, or tensors with equal dtype, shape and values (a fresh `tensor(data)` per call hits). */
function sameArg(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isTensor(a) || !isTensor(b) || a.dtype !== b.dtype || a.size !== b.size) return false;
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  try {
    const x = a.dataSync() as ArrayLike<number>;
    const y = b.dataSync() as ArrayLike<number>;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  } catch {
    return false; // a tensor without a value here (traced)
  }
}

interface CacheEntry {
  args: readonly unknown[];
  signature: string;
  compiled: CompiledSites | null;
}

/**
 * Compiled functions by model, then by the arguments (identical objects, or tensors with equal values) and the
 * draws' layout, so that repeated calls (`MCMC.logLikelihood()`, `fromMCMC` exports) trace and compile once.
 * Every use is still checked against an eager run at the first and last draw, so that a model whose data
 * changed in place between calls (a mutated array argument, a closure) falls back to the eager path.
 */
export class CompileCache {
  private readonly byModel = new WeakMap<object, CacheEntry[]>();

  get(
    model: AnyModel,
    args: readonly unknown[],
    signature: string,
    build: () => CompiledSites | null,
  ): CompiledSites | null {
    let list = this.byModel.get(model);
    if (list === undefined) {
      list = [];
      this.byModel.set(model, list);
    }
    const hit = list.find(
      (e) =>
        e.signature === signature &&
        e.args.length === args.length &&
        e.args.every((a, i) => sameArg(a, args[i])),
    );
    if (hit !== undefined) return hit.compiled;
    const compiled = build();
    list.unshift({ args: [...args], signature, compiled });
    if (list.length > 4) list.length = 4;
    return compiled;
  }
}

const llCache = new CompileCache();

/**
 * `logLikelihood` for all draws through one generated loop: the model traced once with the posterior sites
 * substituted from a flat draw, each observed site's `logProb` staged and compiled by `@phlox/backend-js`.
 * @param eagerAt - the eager pointwise log-likelihoods at draw i (the reference for the check).
 * @param vectorized - run all draws as one `vmap`-ped program instead of a loop of per-draw code.
 * @returns the stacked log-likelihoods by site (`[numDraws·size]`, per-draw shape), or `null` when the model
 *   does not compile or the compiled values differ from the eager ones at the first or last draw.
 */
export function compiledLogLikelihood(
  model: AnyModel,
  args: readonly unknown[],
  sites: readonly FlatSite[],
  numDraws: number,
  eagerAt: (i: number) => Map<string, Tensor>,
  vectorized = false,
  pointwise: ((values: Record<string, Tensor>) => Map<string, Tensor>) | null = null,
): Map<string, StackedSite> | null {
  if (numDraws === 0 || sites.length === 0) return null;
  const signature = JSON.stringify([
    sites.map((s) => [s.name, s.shape]),
    vectorized ? numDraws : 0,
    pointwise === null ? 0 : 1,
  ]);
  const dim = sites.reduce((a, s) => a + s.size, 0);
  const compiled = llCache.get(model, args, signature, () =>
    compileSites(
      (z) =>
        pointwise === null
          ? observedLogProbs(logLikelihoodTrace(model, args, unflattenDraw(z, sites)))
          : pointwise(unflattenDraw(z, sites)),
      dim,
      vectorized ? numDraws : undefined,
    ),
  );
  if (compiled === null) return null;
  return runChecked(compiled, drawRows(sites, numDraws).rows, numDraws, eagerAt, false);
}

/**
 * Runs all draws (`rows`, one per draw) through the compiled function and checks the result against the
 * eager model at the first and last draw (exactly when `exact`, else {@link closeEnough}). Returns the stacked
 * sites, or null when running fails or the check does, so the caller falls back to the eager loop.
 */
export function runChecked(
  compiled: CompiledSites,
  rows: Float64Array,
  numDraws: number,
  eagerAt: (i: number) => Map<string, Tensor>,
  exact: boolean,
): Map<string, StackedSite> | null {
  let outs: Float64Array[];
  try {
    outs = compiled.fn.batch(rows, numDraws);
  } catch {
    return null;
  }
  const got = outs.map((data, k) => ({ data, shape: compiled.shapes[k] }));
  for (const i of numDraws > 1 ? [0, numDraws - 1] : [0]) {
    let eager: Map<string, { data: ArrayLike<number>; shape: readonly number[] }>;
    try {
      eager = new Map(
        [...eagerAt(i)].map(([n, t]) => [n, { data: t.dataSync() as ArrayLike<number>, shape: t.shape }]),
      );
    } catch {
      return null;
    }
    if (!matchesEager(got, compiled.names, i, eager, exact)) return null;
  }
  const result = new Map<string, StackedSite>();
  compiled.names.forEach((n, k) => {
    result.set(n, got[k]);
  });
  return result;
}
