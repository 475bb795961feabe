/**
 * Buffer handles of the tfjs-backed backends and their memory management: every Phlox tensor on such a backend
 * holds one {@link TfHandle}, which owns one tfjs tensor. Handles are freed deterministically by
 * {@link scope} (everything created inside and not returned) or {@link disposeTensors}, and a
 * `FinalizationRegistry` frees the ones that were garbage-collected without either (the safety net).
 */

import { type DType, PhloxError, type Tensor, type TypedArray, treeFlatten } from "@phlox/tensor";
import type * as tfc from "@tensorflow/tfjs-core";

/** The tfjs tensor type. */
export type TfTensor = tfc.Tensor;

/**
 * A backend buffer: one tfjs tensor (float64 and float32 are stored as float32, uint32 as int32 bits, bool as
 * bool) plus the Phlox dtype. `t` is null once disposed.
 */
export interface TfHandle {
  /** The tfjs tensor (flat or shaped); null after dispose. */
  t: TfTensor | null;
  /** The Phlox dtype this buffer holds. */
  readonly dtype: DType;
  /** Name of the Phlox backend that owns it. */
  readonly backend: string;
  /**
   * For one-element buffers made by `create`: the value (Phlox's dtype promotion reads a weak scalar's `buf[0]`).
   */
  readonly 0?: number;
  /** Host copy of small tensors created from host data on asynchronous backends (keys, scalars). */
  readonly host?: TypedArray;
}

const registry = new FinalizationRegistry<TfTensor>((t) => {
  if (!t.isDisposed) t.dispose();
});

/**
 * Open scopes, each collecting the handles created while it is innermost. The stack lives on `globalThis` so that
 * two copies of this package in one bundle (different versions under wasm and webgpu) still share one stack.
 */
const SCOPES = Symbol.for("phlox.tfjs.scopes");
const scopes: TfHandle[][] = (() => {
  const g = globalThis as unknown as Record<symbol, TfHandle[][] | undefined>;
  let s = g[SCOPES];
  if (s === undefined) {
    s = [];
    g[SCOPES] = s;
  }
  return s;
})();

/** Wraps a tfjs tensor in a new handle, tracked by the innermost scope and by the finalization registry. */
export function makeHandle(
  t: TfTensor,
  dtype: DType,
  backend: string,
  first?: number,
  host?: TypedArray,
): TfHandle {
  const h: { -readonly [K in keyof TfHandle]: TfHandle[K] } = { t, dtype, backend };
  if (first !== undefined) h[0] = first;
  if (host !== undefined) h.host = host;
  registry.register(h, t, h);
  const s = scopes[scopes.length - 1];
  if (s !== undefined) s.push(h);
  return h;
}

/** True when `x` is a handle of a tfjs-backed backend. */
export function isHandle(x: unknown): x is TfHandle {
  return typeof x === "object" && x !== null && "t" in x && "backend" in x && "dtype" in x;
}

/** Frees a handle's tfjs tensor (idempotent). */
export function disposeHandle(h: TfHandle): void {
  if (h.t === null) return;
  registry.unregister(h);
  if (!h.t.isDisposed) h.t.dispose();
  h.t = null;
}

/**
 * The live tfjs tensor of a handle.
 * @throws PhloxError (`disposed-tensor`) when the tensor was disposed (by {@link scope} or {@link disposeTensors}).
 */
export function liveTensor(h: TfHandle, where: string): TfTensor {
  if (h.t === null || h.t.isDisposed)
    throw new PhloxError(
      "disposed-tensor",
      `${where}: this tensor's "${h.backend}" buffer was already disposed (by scope() or disposeTensors()). ` +
        "Return tensors you still need from the scope function, or keep them outside it.",
    );
  return h.t;
}

/**
 * Frees the backend buffers of every tensor in a pytree now (tensors on other backends are ignored). The tensors
 * must not be used afterwards.
 * @param tree - a tensor, or arrays/objects of tensors.
 * @example
 * const y = x.exp(); console.log(y.dataSync()); disposeTensors(y);
 */
export function disposeTensors(tree: unknown): void {
  const { leaves } = treeFlatten(tree);
  for (const l of leaves as Tensor[]) if (isHandle(l.buf)) disposeHandle(l.buf);
}

/**
 * Runs `fn` and frees every tfjs-backed buffer created during it except those of the tensors in its result
 * (like `tf.tidy`, for Phlox tensors). Scopes nest; the survivors join the enclosing scope. Async functions are
 * not supported (the scope would close before they finish).
 * @param fn - synchronous function returning a pytree of tensors (or anything: non-tensors pass through).
 * @returns `fn`'s result.
 * @throws PhloxError (`async-scope`) when `fn` returns a promise.
 * @example
 * const g = scope(() => grad(potential)(z)); // intermediates of the forward and backward pass are freed
 */
export function scope<T>(fn: () => T): T {
  const mine: TfHandle[] = [];
  scopes.push(mine);
  let out: T;
  try {
    out = fn();
  } catch (e) {
    scopes.pop();
    for (const h of mine) disposeHandle(h);
    throw e;
  }
  scopes.pop();
  if (out instanceof Promise) {
    for (const h of mine) disposeHandle(h);
    throw new PhloxError(
      "async-scope",
      "scope(fn): fn returned a promise; scope only tracks synchronous work. Await outside, or dispose explicitly.",
    );
  }
  const keep = new Set<TfHandle>();
  let leaves: unknown[] = [];
  try {
    leaves = treeFlatten(out).leaves;
  } catch {
    leaves = [];
  }
  for (const l of leaves as Tensor[]) if (l !== null && isHandle(l.buf)) keep.add(l.buf);
  const outer = scopes[scopes.length - 1];
  for (const h of mine) {
    if (keep.has(h)) outer?.push(h);
    else disposeHandle(h);
  }
  return out;
}

/** Runs `fn` with scope tracking off: handles it creates belong to no scope (program constants). */
export function untracked<T>(fn: () => T): T {
  scopes.push([]);
  try {
    return fn();
  } finally {
    scopes.pop();
  }
}
