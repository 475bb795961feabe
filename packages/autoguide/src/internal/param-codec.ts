/**
 * The continuous autoguides' flat unconstrained parameter vector ↔ named constrained parameters (by each
 * {@link ParamSpec}'s constraint), and latent vectors ↔ constrained site values (by the model's
 * postprocess/unconstrain, or the layout).
 */
import {
  ConstraintError,
  jsBackend,
  PhloxError,
  ShapeError,
  type Tensor,
  tensor,
  withBackend,
} from "@phlox/tensor";
import { type Params, type ParamsLike, type ParamValue, paramValues } from "@phlox/vi";
import type { Bound } from "../auto-guide-types.js";
import type { ParamSpec } from "./family.js";
import { sigmoid, softplus, softplusInv } from "./math.js";
import { sulcForwardBatched, sulcInverseBatched } from "./scale-tril.js";

/** The number of elements of a shape. */
export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Float64 tensors over the collected arrays (each freshly allocated, so no copy is shared), on the host backend. */
export function toTensors(values: Record<string, ParamValue>): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null);
  withBackend(jsBackend, () => {
    for (const [name, v] of Object.entries(values)) out[name] = tensor(v.data, { shape: v.shape });
  });
  return out;
}

/** Named constrained parameters from the flat vector (latent-valued ones at the family's median). */
export function constrainParams(b: Bound, u: Float64Array): Params {
  const out: Params = {};
  let latent: Record<string, ParamValue> | null = null;
  for (const s of b.specs) {
    const block = u.subarray(s.offset, s.offset + s.size);
    if (s.constraint === "real") out[s.name] = { data: Float64Array.from(block), shape: [...s.shape] };
    else if (s.constraint === "softplus_positive") {
      out[s.name] = { data: Float64Array.from(block, softplus), shape: [...s.shape] };
    } else if (s.constraint === "positive") {
      out[s.name] = { data: Float64Array.from(block, Math.exp), shape: [...s.shape] };
    } else if (s.constraint === "interval") {
      const hi = s.high ?? 1;
      out[s.name] = { data: Float64Array.from(block, (x) => hi * sigmoid(x)), shape: [...s.shape] };
    } else if (s.constraint === "scaled_unit_lower_cholesky") {
      out[s.name] = { data: sulcForwardBatched(block, s.shape), shape: [...s.shape] };
    } else {
      if (latent === null) {
        const z = new Float64Array(b.family.dim);
        b.family.median(u, z);
        latent = postprocessLatent(b, z);
      }
      const v = latent[(s.site as { name: string }).name];
      out[s.name] = { data: Float64Array.from(v.data), shape: [...v.shape] };
    }
  }
  return out;
}

/**
 * The flat vector for named constrained parameters; names left out keep `u0`'s values.
 * @param guideName - the guide's class name, for errors (e.g. `AutoNormal`).
 */
export function unconstrainParams(
  b: Bound,
  params: ParamsLike,
  u0: Float64Array,
  guideName: string,
): Float64Array {
  const who = `${guideName}.unconstrainParams`;
  const p = paramValues(params);
  const u = Float64Array.from(u0);
  const known = new Set(b.specs.map((s) => s.name));
  for (const k of Object.keys(p)) {
    if (!known.has(k)) {
      throw new PhloxError(
        "unknown-param",
        `${who}: unknown parameter "${k}"; this guide has ${[...known].join(", ")}.`,
      );
    }
  }
  checkRequiredWith(b.specs, (name) => p[name] !== undefined, who);
  const latentValues: Record<string, ParamValue> = Object.create(null);
  const latentSpecs: ParamSpec[] = [];
  for (const s of b.specs) {
    const v = p[s.name];
    if (s.constraint === "latent") latentSpecs.push(s);
    if (v === undefined) continue;
    if (s.constraint === "latent") {
      latentValues[(s.site as { name: string }).name] = v;
      continue;
    }
    if (v.data.length !== prod(s.shape)) {
      throw new ShapeError(
        "autoguide-param-shape",
        `${who}: parameter "${s.name}" must have shape [${s.shape}] (${prod(s.shape)} values), got ${v.data.length} values.`,
      );
    }
    const block = u.subarray(s.offset, s.offset + s.size);
    if (s.constraint === "real") block.set(v.data);
    else if (s.constraint === "positive" || s.constraint === "interval") {
      const hi = s.high ?? 1;
      for (let i = 0; i < block.length; i++) {
        const x = v.data[i];
        const ok = s.constraint === "positive" ? x > 0 : x > 0 && x < hi;
        if (!ok)
          throw new ConstraintError(
            "autoguide-param-constraint",
            `${who}: "${s.name}" must be ${s.constraint === "positive" ? "positive" : `in (0, ${hi})`}, got ${x} at ${i}.`,
          );
        block[i] = s.constraint === "positive" ? Math.log(x) : Math.log(x / hi) - Math.log1p(-x / hi);
      }
    } else if (s.constraint === "softplus_positive") {
      for (let i = 0; i < block.length; i++) {
        if (!(v.data[i] > 0))
          throw new ConstraintError(
            "autoguide-param-positive",
            `${who}: "${s.name}" must be positive, got ${v.data[i]} at ${i}.`,
          );
        block[i] = softplusInv(v.data[i]);
      }
    } else sulcInverseBatched(v.data, s.shape, block, `${who}: "${s.name}"`);
  }
  if (Object.keys(latentValues).length > 0) {
    const z = new Float64Array(b.family.dim);
    b.family.median(u, z);
    const current = postprocessLatent(b, z);
    const merged: Record<string, ParamValue> = Object.create(null);
    for (const l of b.layout) merged[l.name] = latentValues[l.name] ?? current[l.name];
    const zNew = unconstrainLatent(b, merged, guideName);
    for (const s of latentSpecs) {
      const off = (s.site as { offset: number }).offset;
      u.set(zNew.subarray(off, off + s.size), s.offset);
    }
  }
  return u;
}

/** Constrained latent site values at z (the model's postprocess, or z split by layout). */
export function postprocessLatent(b: Bound, z: Float64Array): Record<string, ParamValue> {
  if (b.pm.postprocess) return b.pm.postprocess(z);
  const out: Record<string, ParamValue> = Object.create(null);
  for (const l of b.layout) out[l.name] = { data: z.slice(l.offset, l.offset + l.size), shape: [...l.shape] };
  return out;
}

/** The flat unconstrained latent vector for constrained site values (the model's unconstrain, or by layout). */
export function unconstrainLatent(
  b: Bound,
  values: Record<string, ParamValue>,
  guideName: string,
): Float64Array {
  if (b.pm.unconstrain) return b.pm.unconstrain(values);
  if (b.pm.postprocess) {
    throw new PhloxError(
      "autoguide-no-unconstrain",
      `${guideName}: the model gives postprocess but no unconstrain; cannot set latent values.`,
    );
  }
  const z = new Float64Array(b.family.dim);
  for (const l of b.layout) z.set(values[l.name].data, l.offset);
  return z;
}

/** Collects per-draw constrained values into arrays with a leading `sampleShape`. */
export function collectDraws(
  b: Bound,
  n: number,
  sampleShape: readonly number[],
  fill: (i: number, z: Float64Array) => void,
): Record<string, ParamValue> {
  const z = new Float64Array(b.family.dim);
  const out: Record<string, ParamValue> = Object.create(null);
  for (let i = 0; i < n; i++) {
    fill(i, z);
    const vals = postprocessLatent(b, z);
    for (const [name, v] of Object.entries(vals)) {
      let o = out[name];
      if (o === undefined) {
        o = { data: new Float64Array(n * v.data.length), shape: [...sampleShape, ...v.shape] };
        out[name] = o;
      }
      o.data.set(v.data, i * v.data.length);
    }
  }
  return out;
}

/**
 * Throws `autoguide-missing-param` when a parameter that must come with others (`requiredWith`, e.g. a BNAF
 * flow's gate with its weights) is missing while some of those others are given: such params come from a
 * version of the guide with another layout and would silently mean a different guide.
 * @param specs - the guide's parameter specs.
 * @param given - whether the caller supplied the named parameter.
 * @param who - the calling method, for the message.
 */
export function checkRequiredWith(
  specs: readonly ParamSpec[],
  given: (name: string) => boolean,
  who: string,
): void {
  for (const s of specs) {
    if (s.requiredWith === undefined || given(s.name)) continue;
    const with_ = s.requiredWith.names.filter(given);
    if (with_.length > 0) {
      throw new PhloxError(
        "autoguide-missing-param",
        `${who}: parameter "${s.name}" is missing, but ${with_.slice(0, 3).join(", ")}${with_.length > 3 ? ", …" : ""} ` +
          `${with_.length > 1 ? "are" : "is"} given. ` +
          s.requiredWith.why,
      );
    }
  }
}
