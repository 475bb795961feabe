import type { Trace } from "@phlox/handlers";
import type { SiteValue } from "../site-values.js";
import { compileVectorFunction, type Tensor } from "./ops.js";

/**
 * A compiled `postprocess`: the constrained latent values and deterministic sites as one generated function
 * of z, so that samplers can map thousands of draws cheaply. Returns `null` when the model does not trace
 * or the compiled result disagrees with the eager one at `z0`.
 * @param run - runs the model at z (a tensor of shape `[dim]`), returning its trace.
 * @param keep - which sites of the trace to return.
 * @param z0 - a point at which to check the compiled function against the eager one.
 */
export function compilePostprocess(
  run: (z: Tensor) => Trace,
  keep: (name: string, type: string) => boolean,
  dim: number,
  z0: Float64Array,
  eager: (z: Float64Array) => Record<string, SiteValue>,
): ((z: Float64Array) => Record<string, SiteValue>) | null {
  const reference = eager(z0);
  const names = Object.keys(reference);
  const shapes = names.map((n) => reference[n].shape);
  let fn: (z: Float64Array) => ArrayLike<number>[];
  try {
    fn = compileVectorFunction((z) => {
      const tr = run(z);
      return names.map((n) => {
        const site = tr.get(n);
        if (site === undefined || site.value === null || !keep(n, site.type))
          throw new Error(`site ${n} vanished`);
        return site.value;
      });
    }, dim);
  } catch {
    return null;
  }
  const post = (z: Float64Array): Record<string, SiteValue> => {
    const outs = fn(z);
    const r: Record<string, SiteValue> = {};
    for (let i = 0; i < names.length; i++)
      r[names[i]] = { data: Float64Array.from(outs[i]), shape: [...shapes[i]] };
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
  return post;
}
