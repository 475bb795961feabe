import type { Trace } from "@phlox/handlers";
import { PhloxError } from "@phlox/tensor";
import type { SiteValue } from "../site-values.js";
import { compileVectorFunction, type Tensor, type VectorFunction } from "./ops.js";

/** A compiled postprocess: one draw, or `n` draws stacked in `zs` [n·dim] giving `[n, ...site]` values. */
export interface CompiledPostprocess {
  one(z: Float64Array): Record<string, SiteValue>;
  batch(zs: Float64Array, n: number): Record<string, SiteValue>;
}

/**
 * A compiled `postprocess`: the constrained latent values and deterministic sites as one generated function
 * of z, so that samplers can map thousands of draws cheaply. Returns `null` when the model does not trace
 * or the compiled result disagrees with the eager one at `z0`.
 * @param run - runs the model at z (a tensor of shape `[dim]`), returning its trace.
 * @param keep - which sites of the trace to return.
 * @param z0 - a point at which to check the compiled function against the eager one.
 * @param reference - the eager postprocess at `z0`: which sites to return, their shapes and values.
 */
export function compilePostprocess(
  run: (z: Tensor) => Trace,
  keep: (name: string, type: string) => boolean,
  dim: number,
  z0: Float64Array,
  reference: Record<string, SiteValue>,
): CompiledPostprocess | null {
  const names = Object.keys(reference);
  const shapes = names.map((n) => reference[n].shape);
  let fn: VectorFunction;
  try {
    fn = compileVectorFunction((z) => {
      const tr = run(z);
      return names.map((n) => {
        const site = tr.get(n);
        if (site === undefined || site.value === null || !keep(n, site.type))
          throw new PhloxError("compiled-postprocess-site", `site ${n} vanished`);
        return site.value;
      });
    }, dim);
  } catch {
    return null;
  }
  const post = (z: Float64Array): Record<string, SiteValue> => {
    const outs = fn.call(z);
    const r: Record<string, SiteValue> = Object.create(null);
    for (let i = 0; i < names.length; i++) r[names[i]] = { data: outs[i], shape: [...shapes[i]] };
    return r;
  };
  try {
    const got = post(z0);
    for (const n of names) {
      const a = got[n].data;
      const b = reference[n].data;
      if (a.length !== b.length) return null;
      for (let i = 0; i < a.length; i++) {
        if (!(Math.abs(a[i] - b[i]) <= 1e-10 * (1 + Math.abs(b[i])))) return null;
      }
    }
  } catch {
    return null;
  }
  const batch = (zs: Float64Array, n: number): Record<string, SiteValue> => {
    const outs = fn.batch(zs, n);
    const r: Record<string, SiteValue> = Object.create(null);
    for (let i = 0; i < names.length; i++) r[names[i]] = { data: outs[i], shape: [n, ...shapes[i]] };
    return r;
  };
  return { one: post, batch };
}

/**
 * Maps `n` draws stacked in `zs` [n·dim] one at a time through `post` and stacks each site into
 * `{ data, shape: [n, ...site] }` (the eager fallback of a batch postprocess).
 */
export function stackDraws(
  zs: Float64Array,
  n: number,
  dim: number,
  post: (z: Float64Array) => Record<string, SiteValue>,
): Record<string, SiteValue> {
  const out: Record<string, SiteValue> = Object.create(null);
  for (let i = 0; i < n; i++) {
    const sites = post(zs.slice(i * dim, (i + 1) * dim));
    for (const [name, v] of Object.entries(sites)) {
      let r = out[name];
      if (!r) r = out[name] = { data: new Float64Array(n * v.data.length), shape: [n, ...v.shape] };
      r.data.set(v.data, i * v.data.length);
    }
  }
  return out;
}
