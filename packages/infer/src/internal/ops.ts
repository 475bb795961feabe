/**
 * The one place this package touches `@phlox/tensor`, `@phlox/distributions` and `@phlox/backend-js` at run
 * time, so that the signatures it relies on are listed together.
 */
import * as B from "@phlox/backend-js";
import * as D from "@phlox/distributions";
import * as T from "@phlox/tensor";

export type Tensor = T.Tensor;
export type TensorLike = T.TensorLike;
export type Key = T.Key;
export type Distribution = D.Distribution;
export type Constraint = D.Constraint;
export type Transform = D.Transform;
export { ConstraintError, PhloxError, ShapeError, warn } from "@phlox/tensor";

/** Promotes a value to a tensor (tensors pass through). */
export function asTensor(x: TensorLike): Tensor {
  return x instanceof T.Tensor ? x : T.tensor(x);
}
export const isTensor = (x: unknown): x is Tensor => x instanceof T.Tensor;

/** A tensor key from a seed, a `[hi, lo]` uint32 pair (as `@phlox/mcmc` passes) or a key. */
export function toKey(k: Key | number | readonly [number, number]): Key {
  if (typeof k === "number") return T.key(k);
  if (Array.isArray(k)) return T.tensor(Uint32Array.from(k as readonly number[]), { dtype: "uint32" }) as Key;
  return k as Key;
}
/** A key tensor (uint32 [2]) from two words. */
export const fromKeyWords = (w: ArrayLike<number>): Key =>
  T.tensor(Uint32Array.from(w), { dtype: "uint32" }) as Key;
export const splitKey = (k: Key, n: number): Key[] => T.split(k, n);
/** The threefry-2x32 block of counter (c0, c1) under key (k0, k1), written to `out[o]`, `out[o + 1]`. */
export const threefry2x32 = (
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array,
  o: number,
): void => T.threefry2x32(k0, k1, c0, c1, out, o);
export const uniform = (k: Key, shape: readonly number[], minval: number, maxval: number): Tensor =>
  T.uniform(k, [...shape], { minval, maxval });

/** Concrete float64 values of a tensor (a copy). */
export function dataOf(t: Tensor): Float64Array {
  return Float64Array.from(t.dataSync() as ArrayLike<number>);
}
/** A float64 tensor over `data` (copied). */
export const fromData = (data: ArrayLike<number>, shape: readonly number[]): Tensor =>
  T.tensor(Float64Array.from(data), { shape: [...shape] });

export const add = (a: TensorLike, b: TensorLike): Tensor => T.add(a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => T.sub(a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => T.mul(a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => T.div(a, b);
export const neg = (a: TensorLike): Tensor => T.neg(a);
export const pow = (a: TensorLike, b: TensorLike): Tensor => T.pow(a, b);
export const floor = (a: TensorLike): Tensor => T.floor(a);
export const sumAll = (a: TensorLike): Tensor => T.sum(a);
export const zerosLike = (a: Tensor): Tensor => T.zeros([...a.shape]);
export const full = (shape: readonly number[], v: number): Tensor => T.full([...shape], v);
export const reshape = (a: TensorLike, shape: readonly number[]): Tensor => T.reshape(a, [...shape]);
export const broadcastTo = (a: TensorLike, shape: readonly number[]): Tensor => T.broadcastTo(a, [...shape]);
export const slice1 = (a: Tensor, start: number, end: number): Tensor => T.slice(a, [start], [end]);
export const concatenate = (xs: readonly Tensor[], axis: number): Tensor => T.concatenate([...xs], axis);
export const stopGradient = (a: Tensor): Tensor => T.stopGradient(a);
/** `a` as uint32 (a PRNG key's words staged as float64). */
export const castUint32 = (a: Tensor): Tensor => T.cast(a, "uint32");

/** Sums the rightmost `k` axes (k ≤ 0 returns the input). */
export function sumRightmost(x: Tensor, k: number): Tensor {
  if (k <= 0) return x;
  const nd = x.shape.length;
  const axes: number[] = [];
  for (let i = nd - k; i < nd; i++) axes.push(i);
  return T.sum(x, axes);
}

/** Eager value and gradient of a scalar function of one tensor. */
export function valueAndGrad1(f: (z: Tensor) => Tensor): (z: Tensor) => [Tensor, Tensor] {
  const vg = T.valueAndGrad(f);
  return (z) => {
    const [v, g] = vg(z) as unknown as [Tensor, Tensor];
    return [v, g];
  };
}

/** The compiled value-and-gradient of a scalar function of a flat vector (`@phlox/backend-js`). */
export type CompiledPotential = B.CompiledPotential;
/**
 * Compiles `f` and its gradient into one function (`@phlox/backend-js`).
 * @throws ConcretizationError when `f` reads a traced value (the caller falls back to eager autodiff).
 */
export const compileValueAndGrad = (
  f: (z: Tensor, ...extra: Tensor[]) => Tensor,
  dim: number,
  options?: B.CompileValueAndGradOptions,
): CompiledPotential => B.compileValueAndGrad(f, dim, options);
/** `@phlox/backend-js`'s `loadPotential`: rebuilds a compiled potential from its JSON form. */
export const loadCompiledPotential = (json: unknown): ((z: Float64Array, grad: Float64Array) => number) =>
  B.loadPotential(json as B.SerializedPotential);

export const bijectTo = (c: Constraint): Transform => D.bijectTo(c);
export const realConstraint: Constraint = D.real;
export const circularConstraint: Constraint = D.circular;
export const unitIntervalConstraint: Constraint = D.unitInterval;

/** The support with any `independent(…)` wrapper removed. */
export function baseSupport(c: Constraint): Constraint {
  let b = c;
  while (b instanceof D.IndependentConstraint) b = b.baseConstraint;
  return b;
}
/** `Independent` and `ExpandedDistribution` wrappers, which reparameterisers look through. */
export function unwrapOnce(d: Distribution): Distribution | null {
  if (d instanceof D.Independent || d instanceof D.ExpandedDistribution) return d.baseDist;
  return null;
}
export function isTransformed(d: Distribution): d is D.TransformedDistribution {
  return d instanceof D.TransformedDistribution;
}
export const improperUniform = (
  support: Constraint,
  batchShape: readonly number[],
  eventShape: readonly number[],
): Distribution => new D.ImproperUniform(support, [...batchShape], [...eventShape]);

/** A compiled `z ↦ [t₀, t₁, …]`: one point, or many points in one generated loop. */
export interface VectorFunction {
  /** The outputs' data at one point z [dim], each as a Float64Array. */
  call(z: Float64Array): Float64Array[];
  /**
   * The outputs at each of `n` points stacked row-major in `zs` [n·dim]: output k as a Float64Array
   * [n·size_k], point after point.
   */
  batch(zs: Float64Array, n: number): Float64Array[];
}

/**
 * Compiles `f: z ↦ [t₀, t₁, …]` (a flat float64 vector to a list of tensors) into one JavaScript function
 * over rows of z (`@phlox/backend-js`'s `compileRows`), with `@phlox/tensor`'s staging.
 * @throws ConcretizationError when `f` reads a traced value.
 */
export function compileVectorFunction(f: (z: Tensor) => Tensor[], dim: number): VectorFunction {
  const { program } = T.makeProgram(f as (...a: never[]) => unknown, [{ shape: [dim], dtype: "float64" }]);
  const c = B.compileRows(T.simplify(program) as unknown as Parameters<typeof B.compileRows>[0]);
  const run = (zs: Float64Array, n: number): Float64Array[] =>
    c.run(zs, n).map((a) => (a instanceof Float64Array ? a : Float64Array.from(a)));
  return { call: (z) => run(z, 1), batch: run };
}

/**
 * Compiles `f: z ↦ [t₀, t₁, …]` vectorised over `n` points: `vmap(f)` staged on a `[n, dim]` input into one
 * program over whole batches (`@phlox/backend-js`'s `compileProgram`), with the layout of
 * {@link compileVectorFunction}'s `batch` (output k as [n·size_k], point after point). Only `batch(zs, n)`
 * with this `n` runs it (the program is specialised to `n`).
 * @throws ConcretizationError when `f` reads a traced value.
 */
export function compileVectorizedFunction(
  f: (z: Tensor) => Tensor[],
  dim: number,
  n: number,
): VectorFunction {
  const g = T.vmap(f);
  const { program } = T.makeProgram(g as (...a: never[]) => unknown, [{ shape: [n, dim], dtype: "float64" }]);
  const c = B.compileProgram(T.simplify(program) as unknown as Parameters<typeof B.compileProgram>[0]);
  const run = (zs: Float64Array, m: number): Float64Array[] => {
    if (m !== n)
      throw new T.PhloxError("vectorized-size", `vectorised function compiled for ${n} points, got ${m}.`);
    return c.call([zs]).map((a) => (a instanceof Float64Array ? a : Float64Array.from(a)));
  };
  return { call: () => run(new Float64Array(0), 1), batch: run };
}

/** The distribution under any `mask()` wrappers, and the conjunction of their masks (`true`: none). */
export function unmask(fn: Distribution): { base: Distribution; mask: Tensor | boolean } {
  let base = fn;
  let mask: Tensor | boolean = true;
  while (base instanceof D.MaskedDistribution) {
    const m = base.maskValue;
    if (m === false || mask === false) mask = false;
    else if (m !== true) mask = mask === true ? asTensor(m) : T.logicalAnd(mask, m);
    base = base.baseDist;
  }
  return { base, mask };
}
