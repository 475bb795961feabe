/**
 * `scan`: a loop with a carry, compiled as one loop over one body program (JAX's `lax.scan`).
 */
import { jsBackend } from "../core/backend.js";
import { isFloat } from "../core/dtype.js";
import { DtypeError, PhloxError, ShapeError } from "../core/errors.js";
import { type Atom, isLiteral, type Program, type Var } from "../core/ir.js";
import { type Aval, defineMultiPrimitive, type MultiPrimitive, type ScanParams } from "../core/primitive.js";
import { type TreeDef, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { fromArray, type Tensor } from "../core/tensor.js";
import { bindMulti } from "../core/trace.js";
import { zerosLike } from "../internal/elementwise.js";
import { interpretMulti } from "../jit/interpret.js";
import { stack } from "../ops/shape-ops.js";
import { concatenate } from "../primitives/concatenate.js";
import { reshape } from "../primitives/reshape.js";
import { slice } from "../primitives/slice.js";
import { evalProgram, outAval, showAval, tensorTree, traceBody } from "./body.js";
import { compileEqn } from "./compile-eqn.js";
import { scanVjpParts } from "./scan-vjp.js";

/** Options of {@link scan}. */
export interface ScanOptions {
  /** Number of steps; required when `xs` is null, else it must equal the leading axis of every xs leaf. */
  readonly length?: number;
  /** Run the steps last to first (ys are still stacked in index order). Default false. */
  readonly reverse?: boolean;
  /** Body copies per generated loop iteration (a codegen hint; results are identical). Default 1. */
  readonly unroll?: number;
  /**
   * Reverse mode stores only the carries and recomputes each step in the backward pass (less memory for
   * long scans with big bodies, one more forward pass of work). Default false: store the step's residuals.
   */
  readonly checkpoint?: boolean;
  /** Name used in errors and program listings. Default `"scan"`. */
  readonly name?: string;
}

/** The avals of a scan's outputs: final carry, then each y stacked to `[length, ...]`. */
function scanAvals(p: ScanParams): Aval[] {
  const outs = p.body.outputs.map(outAval);
  return outs.map((a, i) => (i < p.numCarry ? a : { shape: [p.length, ...a.shape], dtype: a.dtype }));
}

/** Slice `t` of a stacked tensor (leading axis dropped). */
const sliceAt = (x: Tensor, t: number): Tensor =>
  reshape(
    slice(
      x,
      x.shape.map((_, i) => (i === 0 ? t : 0)),
      x.shape.map((d, i) => (i === 0 ? t + 1 : d)),
    ),
    x.shape.slice(1),
  );

/** Eager `scan` on tensors of any backend: a host loop running the body's kernels. */
function scanOnTensors(inputs: readonly Tensor[], p: ScanParams): Tensor[] {
  const nc = p.numConsts;
  const nh = p.numCarry;
  const consts = inputs.slice(0, nc);
  let carry = inputs.slice(nc, nc + nh);
  const xs = inputs.slice(nc + nh);
  const avals = scanAvals(p);
  const ny = avals.length - nh;
  const steps: Tensor[][] = Array.from({ length: ny }, () => new Array<Tensor>(p.length));
  for (let s = 0; s < p.length; s++) {
    const t = p.reverse ? p.length - 1 - s : s;
    const outs = evalProgram(p.body, [...consts, ...carry, ...xs.map((x) => sliceAt(x, t))]);
    carry = outs.slice(0, nh);
    for (let j = 0; j < ny; j++) (steps[j] as Tensor[])[t] = outs[nh + j] as Tensor;
  }
  const ys = steps.map((st, j) => (p.length === 0 ? zerosLike(avals[nh + j] as Aval) : stack(st)));
  return [...carry, ...ys];
}

/** The `scan` primitive (see ARCHITECTURE.md "The IR" for its params). */
export const scanP: MultiPrimitive<"scan"> = /* @__PURE__ */ defineMultiPrimitive("scan", {
  avals: (_inputs, p) => scanAvals(p),
  impl(inputs, p) {
    if (inputs.every((x) => x.backend === jsBackend)) {
      const compiled = compileEqn(scanP.name, inputs, p, scanAvals(p));
      if (compiled !== null) return compiled;
      const outs = interpretMulti("scan", inputs, p);
      return outs.map((a) => fromArray(a.data, a.shape, a.dtype));
    }
    return scanOnTensors(inputs, p);
  },
  vjpForward(primals, p) {
    const parts = scanVjpParts(p);
    const fwd: ScanParams = { ...p, body: parts.fwdBody };
    const outs = bindMulti(scanP, primals, fwd);
    const n = p.body.outputs.length;
    return { outs: outs.slice(0, n), residuals: outs.slice(n) };
  },
  vjp(cts, primals, _outs, residuals, p) {
    const parts = scanVjpParts(p);
    const nc = p.numConsts;
    const nh = p.numCarry;
    const avals = scanAvals(p);
    const consts = primals.slice(0, nc);
    const xs = primals.slice(nc + nh);
    const ctOr0 = (k: number): Tensor => cts[k] ?? zerosLike(avals[k] as Aval);
    const ctH = parts.floatCarry.map((i) => ctOr0(i));
    const acc0 = parts.floatConsts.map((i) => zerosLike(primals[i] as Tensor));
    const ctYs = parts.floatYs.map((j) => ctOr0(nh + j));
    const bwd: ScanParams = {
      ...p,
      body: parts.bwdBody,
      numConsts: nc,
      numCarry: ctH.length + acc0.length,
      reverse: !p.reverse,
      name: `${p.name} (reverse mode)`,
    };
    const outs = bindMulti(
      scanP,
      [...consts, ...ctH, ...acc0, ...residuals, ...parts.xsUsed.map((j) => xs[j] as Tensor), ...ctYs],
      bwd,
    );
    const grads: (Tensor | null)[] = primals.map(() => null);
    parts.floatCarry.forEach((i, k) => {
      grads[nc + i] = outs[k] as Tensor;
    });
    parts.floatConsts.forEach((i, k) => {
      grads[i] = outs[ctH.length + k] as Tensor;
    });
    parts.floatXs.forEach((j, k) => {
      grads[nc + nh + j] = outs[ctH.length + acc0.length + k] as Tensor;
    });
    return grads;
  },
});

/**
 * Indices of the carries whose new value the body computes from its consts alone (not from a carry or an xs
 * slice): after the first step such a carry holds the same value at every step.
 */
export function invariantCarries(p: ScanParams): number[] {
  const { body, numConsts: nc, numCarry: nh } = p;
  const varying = new Set<number>();
  body.inputs.forEach((v, i) => {
    if (i >= nc) varying.add(v.id);
  });
  for (const e of body.eqns) {
    if (e.inputs.some((a) => !isLiteral(a) && varying.has(a.id)))
      for (const o of e.outputs) varying.add(o.id);
  }
  const out: number[] = [];
  for (let k = 0; k < nh; k++) {
    const a = body.outputs[k] as Atom;
    if (isLiteral(a) || !varying.has(a.id)) out.push(k);
  }
  return out;
}

/**
 * Binds a scan, first peeling its first step off when some carry is loop-invariant after it (its new value
 * depends on the consts only, as the enumerated values an enumerated model-level scan carries): the first
 * step runs on its own, and the remaining steps get those carries as consts, so the work that depends on
 * them alone is hoisted out of the loop (and out of the reverse-mode loop) by the simplifier.
 */
function peelInvariantCarries(
  p: ScanParams,
  consts: readonly Tensor[],
  init: readonly Tensor[],
  xs: readonly Tensor[],
): Tensor[] {
  const inv = p.length >= 2 ? invariantCarries(p) : [];
  if (inv.length === 0) return bindMulti(scanP, [...consts, ...init, ...xs], p);
  const nc = p.numConsts;
  const nh = p.numCarry;
  const first = p.reverse ? p.length - 1 : 0;
  const outs0 = evalProgram(p.body, [...consts, ...init, ...xs.map((x) => sliceAt(x, first))]);
  const rest = xs.map((x) =>
    slice(
      x,
      x.shape.map((_, i) => (i === 0 && !p.reverse ? 1 : 0)),
      x.shape.map((d, i) => (i === 0 && p.reverse ? d - 1 : d)),
    ),
  );
  const isInv = new Set(inv);
  const others = Array.from({ length: nh }, (_, k) => k).filter((k) => !isInv.has(k));
  const ins = p.body.inputs;
  const body: Program = {
    ...p.body,
    inputs: [
      ...ins.slice(0, nc),
      ...inv.map((k) => ins[nc + k] as Var),
      ...others.map((k) => ins[nc + k] as Var),
      ...ins.slice(nc + nh),
    ],
    outputs: [...others.map((k) => p.body.outputs[k] as Atom), ...p.body.outputs.slice(nh)],
  };
  const peeled: ScanParams = {
    ...p,
    body,
    numConsts: nc + inv.length,
    numCarry: others.length,
    length: p.length - 1,
  };
  const outs = bindMulti(
    scanP,
    [...consts, ...inv.map((k) => outs0[k] as Tensor), ...others.map((k) => outs0[k] as Tensor), ...rest],
    peeled,
  );
  const carry: Tensor[] = outs0.slice(0, nh);
  others.forEach((k, j) => {
    carry[k] = outs[j] as Tensor;
  });
  const ys = outs.slice(others.length).map((y, j) => {
    const y0 = outs0[nh + j] as Tensor;
    const row = reshape(y0, [1, ...y0.shape]);
    return concatenate(p.reverse ? [y, row] : [row, y], 0);
  });
  return [...carry, ...ys];
}

/** A stable text key of a tree structure (for comparing carries). */
export function treeText(d: TreeDef): string {
  switch (d.kind) {
    case "leaf":
      return "*";
    case "array":
      return `[${d.children.map(treeText).join(",")}]`;
    case "object":
      return `{${d.keys.map((k, i) => `${k}:${treeText(d.children[i] as TreeDef)}`).join(",")}}`;
    default:
      return String(d.value);
  }
}

/** Checks that the body's new carry has the structure, shapes and dtypes of the initial one. */
export function checkCarry(
  where: string,
  init: { leaves: Aval[]; treedef: TreeDef },
  out: { leaves: Aval[]; treedef: TreeDef },
): void {
  const a = treeText(init.treedef);
  const b = treeText(out.treedef);
  if (a !== b)
    throw new PhloxError(
      "carry-structure",
      `${where}: the body returned a carry with structure ${b}, but the initial carry has structure ${a}. ` +
        "Return the new carry with exactly the same nesting (arrays, object keys) as init.",
    );
  init.leaves.forEach((x, i) => {
    const y = out.leaves[i] as Aval;
    const same = x.shape.length === y.shape.length && x.shape.every((d, k) => d === y.shape[k]);
    if (!same)
      throw new ShapeError(
        "carry-shape",
        `${where}: carry leaf ${i} enters the body as ${showAval(x)} but comes out as ${showAval(y)}; a carry ` +
          "must keep its shape from step to step.",
      );
    if (x.dtype !== y.dtype)
      throw new DtypeError(
        "carry-dtype",
        `${where}: carry leaf ${i} enters the body as ${showAval(x)} but comes out as ${showAval(y)}; cast the ` +
          `new value (x.cast("${x.dtype}")) or give init that dtype.`,
      );
  });
}

/**
 * Loops `f` over the leading axis of `xs`, threading a carry (JAX's `lax.scan`):
 * `carry, y_t = f(carry, x_t)` for t = 0 … length − 1, returning `[finalCarry, ys]` with the `y_t` stacked
 * along a new leading axis. `init`, `xs` and the results are pytrees (tensors, arrays, objects; JS numbers
 * promote). The body is traced once into a program: under `jit` and in compiled potentials it becomes one
 * JavaScript loop, and gradients flow through it (a reverse scan over stored residuals).
 * @param f - `(carry, x) => [newCarry, y]`; `newCarry` must match `init` in structure, shapes and dtypes; `y`
 *   may be null.
 * @param init - the initial carry.
 * @param xs - a pytree whose leaves share the leading axis length, or null (then give `options.length`).
 * @throws ShapeError (`scan-length`) for xs of unequal lengths or a missing length; PhloxError
 *   (`carry-structure`), ShapeError (`carry-shape`) or DtypeError (`carry-dtype`) when the body changes the
 *   carry; ConcretizationError when the body branches on a traced value with a JS `if`.
 * @example
 * const [total, partial] = scan((c: Tensor, x: Tensor) => [c.add(x), c.add(x)], tensor(0), tensor([1, 2, 3]));
 * total.item(); // → 6
 * (partial as Tensor).toArray(); // → [1, 3, 6]
 */
export function scan<C, X, Y>(
  f: (carry: C, x: X) => readonly [C, Y] | [C, Y],
  init: C,
  xs: X | null = null,
  options: ScanOptions = {},
): [C, Y] {
  const name = options.name ?? "scan";
  const initTree = treeFlatten(tensorTree(init));
  const xsTree = treeFlatten(tensorTree(xs));
  const lengths = xsTree.leaves.map((l) => (l.shape.length === 0 ? -1 : (l.shape[0] as number)));
  let length = options.length;
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i] as number;
    if (n < 0)
      throw new ShapeError(
        "scan-length",
        `${name}: xs leaf ${i} is a scalar; every xs leaf needs a leading axis to scan over.`,
      );
    if (length === undefined) length = n;
    else if (n !== length)
      throw new ShapeError(
        "scan-length",
        `${name}: xs leaves have unequal leading axes (${xsTree.leaves.map((l) => `[${l.shape.join(", ")}]`).join(", ")})` +
          `${options.length !== undefined ? ` or differ from length ${options.length}` : ""}; every xs leaf must have the same number of steps.`,
      );
  }
  if (length === undefined || !Number.isInteger(length) || length < 0)
    throw new ShapeError(
      "scan-length",
      `${name}: the number of steps is unknown; pass xs with a leading axis or options.length (a non-negative integer).`,
    );
  const carryAvals: Aval[] = initTree.leaves.map((l) => ({ shape: l.shape, dtype: l.dtype }));
  const xAvals: Aval[] = xsTree.leaves.map((l) => ({ shape: l.shape.slice(1), dtype: l.dtype }));
  const nh = carryAvals.length;
  let yTree: TreeDef | null = null;
  const body = traceBody(
    `${name} body`,
    [...carryAvals, ...xAvals],
    (t) => {
      const c = treeUnflatten(initTree.treedef, t.slice(0, nh)) as C;
      const x = (xs === null ? xs : treeUnflatten(xsTree.treedef, t.slice(nh))) as X;
      const r = f(c, x) as unknown;
      if (!Array.isArray(r) || r.length !== 2)
        throw new PhloxError(
          "scan-body-result",
          `${name}: the body must return [newCarry, y] (an array of two), got ${Array.isArray(r) ? `an array of ${r.length}` : typeof r}.`,
        );
      const outC = treeFlatten(tensorTree(r[0]));
      const outY = treeFlatten(tensorTree(r[1]));
      yTree = outY.treedef;
      checkCarry(
        name,
        { leaves: carryAvals, treedef: initTree.treedef },
        {
          leaves: outC.leaves.map((l, i) =>
            l._weak && l.shape.length === 0 && carryAvals[i] !== undefined && isFloat(l.dtype)
              ? { shape: l.shape, dtype: (carryAvals[i] as Aval).dtype }
              : l,
          ),
          treedef: outC.treedef,
        },
      );
      return [...outC.leaves, ...outY.leaves];
    },
    carryAvals.map((a) => a.dtype),
  );
  const params: ScanParams = {
    body: body.program,
    numConsts: body.captured.length,
    numCarry: nh,
    length,
    reverse: options.reverse === true,
    unroll: Math.max(1, Math.floor(options.unroll ?? 1)),
    checkpoint: options.checkpoint === true,
    name,
  };
  const outs = peelInvariantCarries(params, body.captured, initTree.leaves, xsTree.leaves);
  const carry = treeUnflatten(initTree.treedef, outs.slice(0, nh)) as C;
  const ys = treeUnflatten(yTree as unknown as TreeDef, outs.slice(nh)) as Y;
  return [carry, ys];
}
