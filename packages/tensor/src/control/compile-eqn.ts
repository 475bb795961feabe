/**
 * Eager control flow through the registered program compiler: a `scan` or `whileLoop` evaluated on
 * concrete tensors runs as one generated loop when a compiler is registered (e.g. inside
 * `withCompiler(jsCompiler, …)`), instead of interpreting its body once per step.
 */
import type { TypedArray } from "../core/dtype.js";
import type { Eqn, Program, Var } from "../core/ir.js";
import type { Aval, MultiPrimitiveName } from "../core/primitive.js";
import { fromArray, type Tensor } from "../core/tensor.js";
import { type CompiledFn, getCompiler } from "../jit/compiler.js";
import { simplify } from "../jit/simplify.js";

const cache = new WeakMap<object, { key: string; run: CompiledFn } | null>();

/**
 * Compiled equations by structure (primitive, operand avals and params, bodies included): each run of a
 * model traces its `scan` bodies afresh (new params objects), and `initializeModel` runs it several times
 * (prototype trace, start-point check, postprocess), so without this every run would compile again.
 */
const byStructure = new Map<string, CompiledFn | null>();
const MAX_STRUCTURES = 256;

/** A key naming `params` exactly, or null when they hold something JSON cannot spell faithfully. */
function structureKey(prefix: string, params: object): string | null {
  let ok = true;
  const replacer = (_k: string, v: unknown): unknown => {
    if (typeof v === "number")
      return Number.isFinite(v) && !Object.is(v, -0) ? v : `#num:${String(Object.is(v, -0) ? "-0" : v)}`;
    if (typeof v === "string") return `s:${v}`;
    if (typeof v === "function" || typeof v === "bigint" || typeof v === "symbol") ok = false;
    else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) ok = false;
    }
    return v;
  };
  let text: string;
  try {
    text = JSON.stringify(params, replacer);
  } catch {
    return null;
  }
  return ok ? `${prefix}|${text}` : null;
}

/**
 * Runs one control-flow equation on concrete tensors with the registered compiler, or returns null when
 * none is registered (or it cannot compile the equation).
 */
export function compileEqn(
  name: MultiPrimitiveName,
  inputs: readonly Tensor[],
  params: object,
  outAvals: readonly Aval[],
): Tensor[] | null {
  const compiler = getCompiler();
  if (compiler === null) return null;
  const key = `${compiler.name}|${inputs.map((x) => `${x.dtype}[${x.shape.join(",")}]`).join(";")}`;
  let hit = cache.get(params);
  if (hit === undefined || (hit !== null && hit.key !== key)) {
    const sk = structureKey(`${name}|${key}`, params);
    const known = sk === null ? undefined : byStructure.get(sk);
    if (known !== undefined) {
      hit = known === null ? null : { key, run: known };
      cache.set(params, hit);
    }
  }
  if (hit === undefined || (hit !== null && hit.key !== key)) {
    const sk = structureKey(`${name}|${key}`, params);
    const ins: Var[] = inputs.map((x, i) => ({ id: i, shape: [...x.shape], dtype: x.dtype }));
    const outs: Var[] = outAvals.map((a, k) => ({ id: ins.length + k, shape: [...a.shape], dtype: a.dtype }));
    const eqn = { primitive: name, inputs: ins, params, outputs: outs } as unknown as Eqn;
    const program: Program = { inputs: ins, constants: [], eqns: [eqn], outputs: outs };
    try {
      hit = { key, run: compiler.compile(simplify(program)) };
    } catch {
      hit = null;
    }
    cache.set(params, hit);
    if (sk !== null) {
      if (byStructure.size >= MAX_STRUCTURES) byStructure.delete(byStructure.keys().next().value as string);
      byStructure.set(sk, hit === null ? null : hit.run);
    }
  }
  if (hit === null) return null;
  const res = hit.run(inputs.map((x) => x.dataSync() as TypedArray));
  return res.map((d, k) => fromArray(d, (outAvals[k] as Aval).shape, (outAvals[k] as Aval).dtype));
}
