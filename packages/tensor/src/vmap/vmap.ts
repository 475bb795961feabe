/**
 * `vmap`: vectorising map (JAX's `jax.vmap`). `vmap(f)(xs)` computes `f` on every slice of `xs` along a mapped
 * axis at once, by running `f` under a batch trace (`./batch-trace.js`) whose tracers carry the whole batch.
 */
import { ShapeError } from "../core/errors.js";
import { fmt } from "../core/shape.js";
import { Tensor, toTensor } from "../core/tensor.js";
import { batchAt } from "./axes.js";
import { endBatch, startBatch } from "./batch-trace.js";
import { registerBuiltinBatchingRules } from "./register.js";
import { batchingRuleNames as names } from "./rules.js";

/**
 * Where the mapped axis is, for a pytree: a number (that axis of every tensor leaf; negative counts from the
 * end), `null` (not mapped: the same value for every slice), or a prefix of the pytree (an array or object of
 * specs, one per child).
 */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

/** Options of {@link vmap}. */
export interface VmapOptions {
  /**
   * The mapped axis of each argument: one spec for all arguments (default 0), or an array with one spec per
   * positional argument (each a pytree prefix of its argument, as JAX's `in_axes`).
   */
  readonly inAxes?: number | null | readonly AxisSpec[];
  /**
   * Where the mapped axis goes in each output leaf (default 0), as a spec or a pytree prefix of the output;
   * `null` returns a leaf unbatched (it must not depend on the mapped inputs).
   */
  readonly outAxes?: AxisSpec;
  /** The length of the mapped axis: required when no argument is mapped, else checked against theirs. */
  readonly axisSize?: number;
}

type Visit = (leaf: Tensor, axis: number | null, path: string) => unknown;

/** Rebuilds `tree` with each tensor leaf replaced by `visit(leaf, axis, path)`, the axes given by `spec`. */
function walk(tree: unknown, spec: AxisSpec, path: string, what: string, visit: Visit): unknown {
  if (spec === null || typeof spec === "number") {
    if (tree instanceof Tensor) return visit(tree, spec, path);
    if (typeof tree === "number" || typeof tree === "boolean") {
      if (spec === null) return tree;
      throw new ShapeError(
        "vmap-axis-out-of-range",
        `vmap: ${what} ${spec} for ${path}, a JS ${typeof tree} (rank 0): a scalar has no axis to map. Pass null for it.`,
      );
    }
    if (Array.isArray(tree)) return tree.map((t, i) => walk(t, spec, `${path}[${i}]`, what, visit));
    if (tree !== null && typeof tree === "object" && Object.getPrototypeOf(tree) === Object.prototype) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(tree)) o[k] = walk(v, spec, `${path}.${k}`, what, visit);
      return o;
    }
    return tree;
  }
  if (Array.isArray(spec)) {
    if (!Array.isArray(tree) || tree.length !== spec.length)
      throw new ShapeError(
        "vmap-spec-structure",
        `vmap: ${what} for ${path} is an array of ${spec.length} specs, but ${path} is ${Array.isArray(tree) ? `an array of ${tree.length}` : "not an array"}. The spec must be a prefix of the pytree.`,
      );
    return tree.map((t, i) => walk(t, spec[i] as AxisSpec, `${path}[${i}]`, what, visit));
  }
  const keys = Object.keys(spec);
  const isObj =
    tree !== null && typeof tree === "object" && !Array.isArray(tree) && !(tree instanceof Tensor);
  const treeKeys = isObj ? Object.keys(tree as object) : [];
  if (!isObj || treeKeys.length !== keys.length || keys.some((k) => !treeKeys.includes(k)))
    throw new ShapeError(
      "vmap-spec-structure",
      `vmap: ${what} for ${path} is an object with keys {${keys.join(", ")}}, but ${path} ${isObj ? `has keys {${treeKeys.join(", ")}}` : "is not an object"}. The spec must be a prefix of the pytree.`,
    );
  const o: Record<string, unknown> = {};
  for (const k of treeKeys)
    o[k] = walk(
      (tree as Record<string, unknown>)[k],
      (spec as Record<string, AxisSpec>)[k] as AxisSpec,
      `${path}.${k}`,
      what,
      visit,
    );
  return o;
}

/** Normalises `axis` for a value of rank `rank` (valid: [-rank, rank)). */
function normAxis(axis: number, rank: number, path: string, shape: readonly number[], what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank)
    throw new ShapeError(
      "vmap-axis-out-of-range",
      `vmap: ${what} ${axis} is out of range for ${path} of shape ${fmt(shape)}: use an integer in [${-rank}, ${rank}).`,
    );
  return a;
}

/**
 * Vectorising map (JAX's `vmap`): `vmap(f, { inAxes, outAxes })(...args)` equals stacking `f` applied to each
 * slice of the arguments along their mapped axes, but runs `f` once on whole batches. Arguments and results are
 * pytrees; `inAxes` and `outAxes` are axis specs (a number, `null`, or a pytree prefix). Composes with `grad`,
 * `jit`, `jvp` and itself; every primitive has a batching rule (random draws included: a vmapped sampler over
 * a batch of keys draws exactly what a loop over the keys draws).
 * @param f - a function of pytrees of tensors returning a pytree of tensors.
 * @param options - `inAxes` (default 0), `outAxes` (default 0), `axisSize` (when nothing is mapped).
 * @throws ShapeError when mapped axes have different lengths (`vmap-size-mismatch`, naming each argument and its
 *   size), an axis is out of range (`vmap-axis-out-of-range`), a spec does not fit its pytree
 *   (`vmap-spec-structure`), no argument is mapped and `axisSize` is missing (`vmap-no-size`), or an output with
 *   `outAxes` null depends on the mapped inputs (`vmap-out-axes-null`).
 * @throws MissingRuleError (`missing-batching-rule`) for a primitive without a batching rule.
 * @example
 * vmap((x: Tensor) => x.sum())(tensor([[1, 2], [3, 4]])).toArray(); // → [3, 7]
 * vmap((a: Tensor, b: Tensor) => a.mul(b), { inAxes: [0, null] })(tensor([1, 2]), tensor(10)).toArray(); // → [10, 20]
 */
export function vmap<A extends unknown[], R>(
  f: (...args: A) => R,
  options: VmapOptions = {},
): (...args: A) => R {
  return (...args: A): R => {
    registerBuiltinBatchingRules();
    const inAxes = options.inAxes === undefined ? 0 : options.inAxes;
    if (Array.isArray(inAxes) && inAxes.length !== args.length)
      throw new ShapeError(
        "vmap-spec-structure",
        `vmap: inAxes has ${inAxes.length} entries but the function was called with ${args.length} argument(s); give one spec per argument (or a single number/null for all).`,
      );
    const specs: AxisSpec[] = Array.isArray(inAxes) ? [...inAxes] : args.map(() => inAxes as AxisSpec);
    const mapped: { path: string; size: number; axis: number; shape: readonly number[] }[] = [];
    // Pass 1: validate axes and find the size.
    for (let i = 0; i < args.length; i++)
      walk(args[i], specs[i] as AxisSpec, `args[${i}]`, "inAxes", (leaf, axis, path) => {
        if (axis === null) return leaf;
        const ax = normAxis(axis, leaf.shape.length, path, leaf.shape, "inAxes");
        mapped.push({ path, size: leaf.shape[ax] as number, axis: ax, shape: leaf.shape });
        return leaf;
      });
    let size = options.axisSize;
    if (size !== undefined && !(Number.isInteger(size) && size >= 0))
      throw new ShapeError("vmap-no-size", `vmap: axisSize must be a non-negative integer, got ${size}.`);
    const sizes = new Set(mapped.map((m) => m.size));
    if (size !== undefined) sizes.add(size);
    if (sizes.size > 1)
      throw new ShapeError(
        "vmap-size-mismatch",
        `vmap: mapped axes have different sizes: ${mapped.map((m) => `${m.path} has size ${m.size} along axis ${m.axis} (shape ${fmt(m.shape)})`).join("; ")}${options.axisSize !== undefined ? `; axisSize is ${options.axisSize}` : ""}. Every mapped axis must have the same length.`,
      );
    if (size === undefined) {
      if (mapped.length === 0)
        throw new ShapeError(
          "vmap-no-size",
          "vmap: no argument is mapped (every inAxes entry is null, or there are no tensor arguments); pass axisSize.",
        );
      size = (mapped[0] as { size: number }).size;
    }
    const n = size;
    const trace = startBatch(n);
    try {
      const batchedArgs = args.map((a, i) =>
        walk(a, specs[i] as AxisSpec, `args[${i}]`, "inAxes", (leaf, axis) => {
          if (axis === null) return leaf;
          return trace.wrap(leaf, axis < 0 ? axis + leaf.shape.length : axis);
        }),
      );
      let out: unknown = f(...(batchedArgs as A));
      if (typeof out === "number" || typeof out === "boolean") out = toTensor(out);
      return walk(
        out,
        options.outAxes === undefined ? 0 : options.outAxes,
        "output",
        "outAxes",
        (leaf, axis, path) => {
          const [val, bdim] = trace.unwrap(leaf);
          if (axis === null) {
            if (bdim !== null)
              throw new ShapeError(
                "vmap-out-axes-null",
                `vmap: outAxes is null for ${path}, but ${path} varies along the mapped axis. Give it an axis, or return a value that does not depend on the mapped inputs.`,
              );
            return val;
          }
          const rank = leaf.shape.length + 1;
          return batchAt(val, bdim, normAxis(axis, rank, path, leaf.shape, "outAxes"), n);
        },
      ) as R;
    } finally {
      endBatch(trace);
    }
  };
}

/**
 * Names of the primitives that have a batching rule (every built-in primitive has one).
 * @example
 * batchingRuleNames().includes("matmul"); // → true
 */
export function batchingRuleNames(): string[] {
  registerBuiltinBatchingRules();
  return names();
}
